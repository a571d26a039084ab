#!/usr/bin/env bash
# Configures and builds scope-migrate and its tests into build/.
set -euo pipefail
cd "$(dirname "$0")/.."
cmake -S . -B "${BUILD_DIR:-build}" -DCMAKE_BUILD_TYPE="${BUILD_TYPE:-RelWithDebInfo}" >/dev/null
cmake --build "${BUILD_DIR:-build}" -j"$(nproc)" ${1:+--target "$1"}

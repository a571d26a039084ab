#!/usr/bin/env bash
# The README's second command: installs, builds and runs the whole test suite. The
# database tests start their own throwaway PostgreSQL unless PGHOST/PGPORT name a server.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
bash scripts/build.sh
cd "${BUILD_DIR:-build}" && ctest --output-on-failure -j2

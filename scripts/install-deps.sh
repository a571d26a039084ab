#!/usr/bin/env bash
# Installs what scope-migrate needs to build, test and run its demo on Debian 12 (as root).
set -euo pipefail
packages=(cmake g++ make pkg-config libpqxx-dev libpq-dev libyaml-cpp-dev libboost-program-options-dev
          libgtest-dev nlohmann-json3-dev libssl-dev zlib1g-dev libzstd-dev postgresql postgresql-client pgbouncer dpkg-dev time python3
          chromium)
missing=()
for p in "${packages[@]}"; do dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p"); done
if [ ${#missing[@]} -gt 0 ]; then
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
# Debian's postgresql package starts a cluster of its own; the tool and tests never use it.

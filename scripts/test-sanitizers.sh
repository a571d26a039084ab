#!/usr/bin/env bash
# The test suite under the sanitizers (SPEC.md section 11.5, "Proof"), as CI runs it after
# scripts/test.sh: the whole ctest suite built with AddressSanitizer + UndefinedBehaviorSanitizer
# into build-asan/, then the tests that run apply with --jobs built with ThreadSanitizer into
# build-tsan/. Every executable carries the sanitizers' options (tests/sanitizers/): any
# report ends the process with exit code 86, which fails its test. SANITIZERS="asan" or
# "tsan" runs one of the two.
set -euo pipefail
cd "$(dirname "$0")/.."
jobs=$(nproc)
launcher=${CMAKE_CXX_COMPILER_LAUNCHER:+-DCMAKE_CXX_COMPILER_LAUNCHER=$CMAKE_CXX_COMPILER_LAUNCHER}
for s in ${SANITIZERS:-asan tsan}; do
  case $s in
    asan)
      cmake -S . -B build-asan -DSANITIZE=address,undefined $launcher >/dev/null
      cmake --build build-asan -j"$jobs"
      (cd build-asan && ctest --output-on-failure -j2)
      ;;
    tsan)
      # Only the binary and the database tests that run it with --jobs.
      cmake -S . -B build-tsan -DSANITIZE=thread $launcher >/dev/null
      cmake --build build-tsan -j"$jobs" --target scope-migrate parallel_db_test shapes_db_test
      (cd build-tsan && ctest --output-on-failure -R '^(parallel_db_test|shapes_db_test)$')
      ;;
    *) echo "unknown sanitizer build: $s (asan or tsan)" >&2; exit 64 ;;
  esac
done

#!/usr/bin/env bash
# The test suite under the sanitizers (SPEC.md section 11.5, "Proof"): the whole ctest suite
# built with AddressSanitizer + UndefinedBehaviorSanitizer into build-asan/ (CI runs this part,
# .ci/run), then the database tests that run apply with --jobs built with ThreadSanitizer into
# build-tsan/ (run by hand: it does not fit in CI's time beside the other two). Every
# executable carries the sanitizers' options (tests/sanitizers/): any report ends the process
# with exit code 86, which fails its test. SANITIZERS="asan" or "tsan" runs one of the two.
set -euo pipefail
cd "$(dirname "$0")/.."
jobs=$(nproc)
# The Sanitize build type (-O1 -g1, CMakeLists.txt), also over a build dir configured before;
# ccache when CMAKE_CXX_COMPILER_LAUNCHER names it.
config=(-DCMAKE_BUILD_TYPE=Sanitize)
if [[ -n ${CMAKE_CXX_COMPILER_LAUNCHER:-} ]]; then
  config+=(-DCMAKE_CXX_COMPILER_LAUNCHER="$CMAKE_CXX_COMPILER_LAUNCHER")
fi
for s in ${SANITIZERS:-asan tsan}; do
  case $s in
    asan)
      cmake -S . -B build-asan -DSANITIZE=address,undefined "${config[@]}" >/dev/null
      cmake --build build-asan -j"$jobs"
      (cd build-asan && ctest --output-on-failure -j2 ${ASAN_EXCLUDE:+-E "$ASAN_EXCLUDE"})
      ;;
    tsan)
      # Only the binary and the database tests that run it with threads: apply --jobs, and
      # the fleet's runner (one thread per target process).
      tsan_tests=(parallel_db_test shapes_db_test hostile_db_test throttle_db_test fleet_db_test)
      cmake -S . -B build-tsan -DSANITIZE=thread "${config[@]}" >/dev/null
      cmake --build build-tsan -j"$jobs" --target scope-migrate "${tsan_tests[@]}"
      (cd build-tsan && ctest --output-on-failure -j2 -R "^($(IFS='|'; echo "${tsan_tests[*]}"))\$")
      ;;
    *) echo "unknown sanitizer build: $s (asan or tsan)" >&2; exit 64 ;;
  esac
done

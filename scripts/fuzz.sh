#!/usr/bin/env bash
# Builds the libFuzzer targets (clang, ASan + UBSan) into build-fuzz/ and runs each for
# SECONDS (default 60), starting from its committed corpus tests/fuzz/<target>/ (new inputs
# go to build-fuzz/corpus/<target>/, never into the tree). Prints per target the executions,
# the coverage (libFuzzer's cov and ft) and any crash, leak or timeout file; exits 1 if any
# target found one. TARGETS="catalog layout" runs only those; JOBS=2 runs two at a time.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-60}
build=${BUILD_DIR:-build-fuzz}
cmake -S . -B "$build" -DFUZZ=ON -DCMAKE_CXX_COMPILER=clang++ -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  ${CMAKE_CXX_COMPILER_LAUNCHER:+-DCMAKE_CXX_COMPILER_LAUNCHER=$CMAKE_CXX_COMPILER_LAUNCHER} >/dev/null
cmake --build "$build" -j"${JOBS:-2}" --target fuzz_targets >/dev/null
targets=${TARGETS:-$(ls -d tests/fuzz/*/ | xargs -n1 basename)}
mkdir -p "$build/corpus" "$build/artifacts" "$build/logs"

run() {  # one target; its libFuzzer log goes to $build/logs/<target>.log
  local t=$1
  mkdir -p "$build/corpus/$t" "$build/artifacts/$t"
  "$build/tests/fuzz_$t" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 \
    -max_len=65536 -print_final_stats=1 -artifact_prefix="$build/artifacts/$t/" \
    "$build/corpus/$t" "tests/fuzz/$t" >"$build/logs/$t.log" 2>&1 || true
}

report() {
  local t=$1 log="$build/logs/$t.log" runs cov ft found
  runs=$(grep -ao 'stat::number_of_executed_units: *[0-9]*' "$log" | grep -o '[0-9]*$' || true)
  cov=$(grep -ao ' cov: [0-9]*' "$log" | tail -1 | grep -o '[0-9]*' || true)
  ft=$(grep -ao ' ft: [0-9]*' "$log" | tail -1 | grep -o '[0-9]*' || true)
  found=$(ls "$build/artifacts/$t" 2>/dev/null | sed "s|^|$build/artifacts/$t/|" | tr '\n' ' ')
  printf '%-14s runs %-10s cov %-6s ft %-6s %s\n' "$t" "${runs:-?}" "${cov:-?}" "${ft:-?}" \
    "${found:-no findings}"
  [ -z "$found" ]
}

pids=()
for t in $targets; do
  run "$t" &
  pids+=($!)
  if [ ${#pids[@]} -ge "${JOBS:-1}" ]; then wait "${pids[0]}"; pids=("${pids[@]:1}"); fi
done
wait
status=0
for t in $targets; do report "$t" || status=1; done
exit $status

#!/usr/bin/env bash
# Runs the README's first command (scripts/demo.sh) against the already built binary and
# checks its story: plan shows 31 changes, apply refuses blocked keys then applies, the
# second plan has no change left, history lists the run. The binary is BUILD_DIR's (or
# $SCOPE_MIGRATE's, for the installed one): the demo never rebuilds it. (It once did, through
# scripts/build.sh, whose default build type then reconfigured a -DSANITIZE build dir and
# rebuilt its binary at -O2 while other tests of the suite were running it.)
set -euo pipefail
build_dir=$1
binary=$build_dir/scope-migrate
before=$(stat -c %Y.%s "$binary")
out=$(SCOPE_MIGRATE="${SCOPE_MIGRATE:-$binary}" bash "$(dirname "$0")/../scripts/demo.sh" 2>&1)
[ "$(stat -c %Y.%s "$binary")" = "$before" ] || { echo "the demo rebuilt $binary"; exit 1; }
expect() {
  grep -qF -- "$1" <<<"$out" || { echo "demo output lacks: $1"; echo "$out"; exit 1; }
}
expect "48 keys checked, 48 match, 0 mismatches"
expect "    change                                       31"
expect "(exit 3: blocked keys; nothing written)"
expect "apply run 1 succeeded: 31 keys changed, 312 scopes added, 0 removed"
expect "    change                                        0"
expect "(exit 3: no changes pending; the blocked keys remain)"
grep -qE "^1 +apply +succeeded .* demo +[0-9a-f]{12} +31 +312 +0" <<<"$out" || { echo "history lacks run 1"; echo "$out"; exit 1; }
echo "demo: 1 passed, 0 failed"

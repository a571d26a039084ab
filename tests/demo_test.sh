#!/usr/bin/env bash
# Runs the README's first command (scripts/demo.sh) against the already built binary and
# checks its story: the replay finds 3 breaking keys (exit 8) and writes 4 suggested
# overrides, the replay with them passes (exit 0), the plan with them shows 32 changes, apply
# refuses blocked keys then applies, the second plan has no change left, history lists the
# run. The binary is BUILD_DIR's (or $SCOPE_MIGRATE's, for the installed one): the demo never
# rebuilds it. (It once did, through scripts/build.sh, whose default build type then
# reconfigured a -DSANITIZE build dir and rebuilt its binary at -O2 while other tests of the
# suite were running it.)
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
expect "  breaking_keys            3"
expect "3 key(s) would break (42 denied call(s)), 1 blocked key(s) with traffic"
grep -qE "^4 suggested override\(s\) written to /tmp/demo-overrides\.[A-Za-z0-9]+\.yaml: review them" <<<"$out" || { echo "no proposal written"; echo "$out"; exit 1; }
expect "(exit 8: keys would break; the suggested overrides are written)"
expect '    add: [tax-management-read]'
grep -qE "^  keys: .* and the overrides /tmp/demo-overrides\.[A-Za-z0-9]+\.yaml \(sha256 [0-9a-f]{12}: 4 applied, 0 ignored\)$" <<<"$out" || { echo "replay lacks the overrides"; echo "$out"; exit 1; }
expect "  breaking_keys            0"
expect "no observed call would be denied"
expect "(exit 0: the replay passes with the overrides)"
expect "    + tax-management-read (override)"
expect "    change                                       32"
expect "(exit 3: blocked keys; nothing written)"
expect "apply run 1 succeeded: 32 keys changed, 316 scopes added, 0 removed"
expect "    change                                        0"
expect "(exit 3: no changes pending; the blocked keys remain)"
grep -qE "^1 +apply +succeeded .* demo +[0-9a-f]{12} +32 +316 +0" <<<"$out" || { echo "history lacks run 1"; echo "$out"; exit 1; }
echo "demo: 1 passed, 0 failed"

#!/usr/bin/env bash
# `verify --format junit` writes XML that parses (Python's own parser) with the right counts,
# for matching fixtures, a mismatch, and key ids full of XML's special characters.
set -euo pipefail
bin=$1
cd "$(dirname "$0")/.."
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
check() {  # FIXTURES TESTS FAILURES EXIT
  local rc=0
  "$bin" verify --mapping mappings/legacy-roles.yaml --fixtures "$1" --format junit >"$tmp/out.xml" || rc=$?
  [ "$rc" = "$4" ] || { echo "exit $rc, expected $4 for $1"; exit 1; }
  python3 - "$tmp/out.xml" "$2" "$3" <<'PY'
import sys, xml.etree.ElementTree as ET
root = ET.parse(sys.argv[1]).getroot()
suite = root.find("testsuite")
cases = suite.findall("testcase")
failures = [c for c in cases if c.find("failure") is not None]
want_tests, want_failures = int(sys.argv[2]), int(sys.argv[3])
assert root.tag == "testsuites", root.tag
assert len(cases) == want_tests == int(suite.get("tests")) == int(root.get("tests")), (len(cases), want_tests)
assert len(failures) == want_failures == int(suite.get("failures")), (len(failures), want_failures)
for case in cases:
    assert case.get("name") and int(case.get("line")) > 0, case.attrib
PY
}
check samples/fixtures.yaml 48 0 0
check tests/data/unit-fixtures-wrong.yaml 4 1 1
cat >"$tmp/hostile.yaml" <<'YAML'
keys:
  - id: "<k1 & \"quoted\" 'x'>"
    created_at: 2025-01-01T00:00:00Z
    roles: [Auditor]
    expect: {blocked: "unknown"}
  - id: "k2\u0001\u001b]0;title\u0007"
    created_at: 2025-01-01T00:00:00Z
    roles: ["Beta preview"]
    expect: [beta-preview]
YAML
check "$tmp/hostile.yaml" 2 1 1
grep -qF 'name="&lt;k1 &amp; &quot;quoted&quot; &apos;x&apos;&gt;"' "$tmp/out.xml" || { echo "id not escaped"; cat "$tmp/out.xml"; exit 1; }
# A fixture file that does not load: still a valid document with one failed test case, exit 65.
printf 'keys:\n  - id: "<k&>"\n  - id: "<k&>"\n' >"$tmp/broken.yaml"
check "$tmp/broken.yaml" 1 1 65
echo "junit: 4 files checked"

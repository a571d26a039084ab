#!/usr/bin/env bash
# Builds the Debian package with CPack, installs it with dpkg (as root; skipped otherwise),
# and checks the installed tool as a user would meet it: --version names this build's
# version and commit, lint passes on the installed mapping, the man page and the bash
# completion are in place and work, and the README demo runs on the installed binary.
# The package is removed again afterwards unless it was installed before.
set -euo pipefail
build_dir=$(cd "$1" && pwd)
cd "$(dirname "$0")/.."
[ "$(id -u)" = 0 ] || { echo "package test needs root for dpkg -i: skipped"; exit 77; }
tmp=$(mktemp -d)
was_installed=0
dpkg-query -W -f='${Status}' scope-migrate 2>/dev/null | grep -q "install ok installed" && was_installed=1
cleanup() {
  [ "$was_installed" = 1 ] || dpkg -r scope-migrate >/dev/null 2>&1 || true
  rm -rf "$tmp"
}
trap cleanup EXIT
fail() { echo "package test: $*"; exit 1; }

(cd "$build_dir" && cpack -G DEB -B "$tmp" >"$tmp/cpack.log" 2>&1) || { cat "$tmp/cpack.log"; fail "cpack failed"; }
deb=$(ls "$tmp"/scope-migrate_*.deb)
dpkg-deb -f "$deb" Depends | grep -q "libpqxx-6.4" || fail "no computed dependency on libpqxx"
dpkg -i "$deb" >"$tmp/dpkg.log" 2>&1 || { cat "$tmp/dpkg.log"; fail "dpkg -i failed"; }

installed=/usr/bin/scope-migrate
[ "$("$installed" --version)" = "$("$build_dir/scope-migrate" --version)" ] || fail "--version differs from the build's"
"$installed" --version | grep -Eq '^scope-migrate [0-9]+\.[0-9]+\.[0-9]+ \(commit [0-9a-f]{12}(-dirty)?\)$' || fail "--version lacks the commit"
"$installed" lint --mapping /usr/share/scope-migrate/mappings/legacy-roles.yaml | grep -q "is valid: 10 roles" || fail "lint of the installed mapping"
[ -s /usr/share/man/man1/scope-migrate.1 ] || fail "no man page"
grep -q '^\.TH SCOPE-MIGRATE 1' /usr/share/man/man1/scope-migrate.1 || fail "man page header"
completion=$(bash -c 'source /usr/share/bash-completion/completions/scope-migrate
  COMP_WORDS=(scope-migrate apply --allow-b); COMP_CWORD=2; _scope_migrate; echo "${COMPREPLY[*]}"')
[ "$completion" = "--allow-blocked" ] || fail "bash completion gave '$completion'"

SCOPE_MIGRATE=$installed MAPPINGS=/usr/share/scope-migrate/mappings bash tests/demo_test.sh "$build_dir"
echo "package: $(basename "$deb") installed and checked"

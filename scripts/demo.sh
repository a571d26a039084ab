#!/usr/bin/env bash
# The README's first command: installs, builds, starts a throwaway PostgreSQL loaded with
# samples/, and runs the migration demo: lint, verify, the traffic replay (a breaking key,
# the suggested overrides, the replay passing with them), plan with them, apply, approve,
# apply, plan again, history.
# SCOPE_MIGRATE=/usr/bin/scope-migrate MAPPINGS=/usr/share/scope-migrate/mappings runs it
# with an installed binary instead of building one.
set -euo pipefail
cd "$(dirname "$0")/.."
tool=${SCOPE_MIGRATE:-}
mappings=${MAPPINGS:-mappings}
if [ -z "$tool" ]; then
  bash scripts/install-deps.sh
  bash scripts/build.sh scope-migrate >/dev/null
  tool=${BUILD_DIR:-build}/scope-migrate
fi
eval "$(bash scripts/throwaway-pg.sh)"
stop() {
  if [ "$(id -u)" = 0 ]; then runuser -u postgres -- /usr/lib/postgresql/15/bin/pg_ctl -D "$PGDATA" -m fast stop >/dev/null
  else /usr/lib/postgresql/15/bin/pg_ctl -D "$PGDATA" -m fast stop >/dev/null; fi
  rm -rf "$SCOPE_MIGRATE_PG_DIR"
}
trap stop EXIT
export PGDATABASE=demo
createdb demo
psql -q -v ON_ERROR_STOP=1 -f samples/schema.sql -f samples/legacy-keys.sql >/dev/null
plan=$(mktemp /tmp/demo-plan.XXXXXX.jsonl)
overrides=$(mktemp /tmp/demo-overrides.XXXXXX.yaml)
# Prints the command as typed (arguments with spaces in double quotes), then runs it.
step() {
  local shown=() a
  for a in "$@"; do if [[ $a == *' '* ]]; then shown+=("\"$a\""); else shown+=("$a"); fi; done
  printf '\n$ %s\n' "${shown[*]}"
  "$@"
}
step $tool lint --mapping $mappings/legacy-roles.yaml
step $tool verify --mapping $mappings/legacy-roles.yaml --fixtures samples/fixtures.yaml
# The request log replayed against the scopes each key will hold, from a fixed window start so
# the output is stable: keys that would break, and a proposal of overrides that rescue them.
replay=(--endpoints $mappings/endpoints.yaml --usage samples/usage.jsonl --usage-since 2026-01-01T00:00:00Z)
set +e
step $tool simulate --mapping $mappings/legacy-roles.yaml "${replay[@]}" --max-keys 3 --suggest-overrides "$overrides"
echo "(exit $?: keys would break; the suggested overrides are written)"
set -e
step cat "$overrides"
step $tool simulate --mapping $mappings/legacy-roles.yaml --overrides "$overrides" "${replay[@]}" --max-keys 3
echo "(exit $?: the replay passes with the overrides)"
step $tool plan --mapping $mappings/legacy-roles.yaml --overrides "$overrides" --out "$plan" --max-keys 2
set +e
step $tool apply "$plan"
echo "(exit $?: blocked keys; nothing written)"
set -e
# The DBA creates the audit and approval tables and grants an operator role and a reviewer
# role exactly what they need. A reviewer, logged in as their own database role, approves
# this exact plan; the operator then applies it, requiring one approval by a role other than
# its own. (A superuser could forge approvals, so it is refused any approval requirement.)
psql -q -c "CREATE ROLE migrator LOGIN" -c "CREATE ROLE alice LOGIN" >/dev/null
for grants in "--grant-to migrator" "--grant-to alice --approver"; do
  $tool audit-sql $grants --db demo | PGOPTIONS="-c client_min_messages=warning" psql -q -v ON_ERROR_STOP=1 >/dev/null
done
step $tool approve "$plan" --db "user=alice" --note "reviewed in OPS-412"
step $tool apply "$plan" --db "user=migrator" --allow-blocked --operator demo --require-approvals 1
set +e
step $tool plan --mapping $mappings/legacy-roles.yaml --detailed-exitcode --max-keys 3
echo "(exit $?: no changes pending; the blocked keys remain)"
set -e
step $tool history
rm -f "$plan" "$overrides"

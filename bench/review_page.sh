#!/usr/bin/env bash
# The review page at scale (SPEC 12.4; bench/README.md, "The review page"): N keys of
# bench/generate_keys.sql in a throwaway PostgreSQL (the fixture format's limits stop short of
# 200,000 keys), planned with --out, the server stopped, then bench/review_page.py writes the
# page with `show --format html` and times it in headless Chromium.
# usage: bash bench/review_page.sh [N]   (N defaults to 200000; run from the project root)
set -euo pipefail
N=${1:-200000}
BIN=${BIN:-build/scope-migrate}
[ -f samples/schema.sql ] || { echo "run from the project root" >&2; exit 64; }
TMP=$(mktemp -d /tmp/review-page-bench.XXXXXX)
eval "$(bash scripts/throwaway-pg.sh)"
AS_OWNER=()
[ "$(id -u)" = 0 ] && AS_OWNER=(runuser -u postgres --)
cleanup() {
  "${AS_OWNER[@]}" /usr/lib/postgresql/15/bin/pg_ctl -D "$PGDATA" stop -m fast >/dev/null || true
  rm -rf "$SCOPE_MIGRATE_PG_DIR" "$TMP"
}
trap cleanup EXIT
psql_db() { local db=$1; shift; PGOPTIONS="-c client_min_messages=warning" psql -X -q -v ON_ERROR_STOP=1 -d "$db" "$@"; }
python3 bench/mapping_to_sql.py mappings/legacy-roles.yaml >"$TMP/role_scope_map.sql"
psql_db postgres -c "CREATE DATABASE bench_page"
psql_db bench_page -f samples/schema.sql
psql_db bench_page -c "CREATE TABLE role_scope_map (role_norm text NOT NULL, scope text NOT NULL, PRIMARY KEY (role_norm, scope))" \
  -f "$TMP/role_scope_map.sql"
psql_db bench_page -v N="$N" -v cutoff='2026-03-22T23:00:00Z' -f bench/generate_keys.sql
"$BIN" plan --db "dbname=bench_page" --mapping mappings/legacy-roles.yaml --format text --max-keys 0 \
  --out "$TMP/plan.jsonl" >/dev/null
python3 bench/review_page.py --plan "$TMP/plan.jsonl" --tool "$BIN"

#!/usr/bin/env bash
# Benchmark of a fleet (SPEC 11.7) against one database holding the same keys:
#
#   bash bench/fleet.sh [N]        (from the project root; N defaults to 200000)
#
# Generates N keys (bench/generate_keys.sql) in one database, and splits the same keys over
# SHARDS databases (default 4) by a hash of the key id, so each shard holds about N/SHARDS
# of them. Then, in one run on one server:
#   plan:  plan --db ONE --out PLANFILE          vs  plan --targets FLEET --out DIR
#   apply: apply PLANFILE                         vs  apply DIR --parallel-targets 1,
#                                                     and apply DIR --parallel-targets 2
# each apply on fresh copies (CREATE DATABASE ... TEMPLATE) after a CHECKPOINT, at default
# settings (apply --allow-blocked, as the generated keys include blocked ones), and prints
# the times and the ratios fleet / one database. It checks that the fleet and the single
# database end with the same rows in api_key_scopes.
# Environment: BIN (default build/scope-migrate), SHARDS (default 4).
set -euo pipefail
N=${1:-200000}
BIN=${BIN:-build/scope-migrate}
SHARDS=${SHARDS:-4}
MAPPING=mappings/legacy-roles.yaml
CUTOFF='2026-03-22T23:00:00Z'
[ -x "$BIN" ] || { echo "no binary at $BIN" >&2; exit 1; }
[ -f "$MAPPING" ] || { echo "run from the project root" >&2; exit 64; }

TMP=$(mktemp -d /tmp/scope-migrate-fleet-bench.XXXXXX)
eval "$(bash scripts/throwaway-pg.sh)"
AS_OWNER=()
[ "$(id -u)" = 0 ] && AS_OWNER=(runuser -u postgres --)
cleanup() {
  "${AS_OWNER[@]}" /usr/lib/postgresql/15/bin/pg_ctl -D "$PGDATA" stop -m fast >/dev/null 2>&1 || true
  rm -rf "$SCOPE_MIGRATE_PG_DIR" "$TMP"
}
trap cleanup EXIT
psql_db() { local db=$1; shift; PGOPTIONS="-c client_min_messages=warning" psql -X -q -v ON_ERROR_STOP=1 -d "$db" "$@"; }
secs_since() { awk -v a="$1" -v b="$(date +%s.%N)" 'BEGIN { printf "%.2f", b - a }'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "n/a" }'; }

echo "throwaway PostgreSQL on $PGHOST:$PGPORT; $N keys, $SHARDS shards"
python3 bench/mapping_to_sql.py "$MAPPING" >"$TMP/role_scope_map.sql"
psql_db postgres -c "CREATE DATABASE fleet_one_0"
psql_db fleet_one_0 -f samples/schema.sql
psql_db fleet_one_0 -c "CREATE TABLE role_scope_map (role_norm text NOT NULL, scope text NOT NULL, PRIMARY KEY (role_norm, scope))" \
  -f "$TMP/role_scope_map.sql"
psql_db fleet_one_0 -v N="$N" -v cutoff="$CUTOFF" -f bench/generate_keys.sql
psql_db fleet_one_0 -c "DROP TABLE role_scope_map" -c "VACUUM (ANALYZE)"
# Shard i keeps the keys whose id hashes to i.
shard_filter="WHERE abs(hashtext(id::text)) % $SHARDS <> :i"
for i in $(seq 0 $((SHARDS - 1))); do
  psql_db postgres -c "CREATE DATABASE fleet_s${i}_0 TEMPLATE fleet_one_0"
  psql_db "fleet_s${i}_0" -v i="$i" <<SQL
DELETE FROM api_key_roles WHERE api_key_id IN (SELECT id FROM api_keys $shard_filter);
DELETE FROM api_key_scopes WHERE api_key_id IN (SELECT id FROM api_keys $shard_filter);
DELETE FROM api_keys $shard_filter;
SQL
  psql_db "fleet_s${i}_0" -c "VACUUM (FULL, ANALYZE)"
done
psql_db postgres -c CHECKPOINT

# Working copies of the pristine databases for run R.
fresh() {
  local r=$1
  psql_db postgres -c "DROP DATABASE IF EXISTS fleet_one_$r" -c "CREATE DATABASE fleet_one_$r TEMPLATE fleet_one_0"
  echo "targets:" >"$TMP/fleet_$r.yaml"
  for i in $(seq 0 $((SHARDS - 1))); do
    psql_db postgres -c "DROP DATABASE IF EXISTS fleet_s${i}_$r" -c "CREATE DATABASE fleet_s${i}_$r TEMPLATE fleet_s${i}_0"
    printf '  - name: shard-%s\n    db: "dbname=fleet_s%s_%s"\n' "$i" "$i" "$r" >>"$TMP/fleet_$r.yaml"
  done
  psql_db postgres -c CHECKPOINT
}

fresh 1
t=$(date +%s.%N)
PGDATABASE=fleet_one_1 "$BIN" plan --mapping "$MAPPING" --format jsonl --out "$TMP/one.jsonl" -q >/dev/null
plan_one=$(secs_since "$t")
t=$(date +%s.%N)
"$BIN" plan --targets "$TMP/fleet_1.yaml" --mapping "$MAPPING" --out "$TMP/fleet_1" --max-keys 0 -q >/dev/null
plan_fleet=$(secs_since "$t")
# Each write starts after a CHECKPOINT, so none pays for the WAL of the one before it.
psql_db postgres -c CHECKPOINT
t=$(date +%s.%N)
PGDATABASE=fleet_one_1 "$BIN" apply "$TMP/one.jsonl" --allow-blocked -q >/dev/null
apply_one=$(secs_since "$t")
psql_db postgres -c CHECKPOINT
t=$(date +%s.%N)
"$BIN" apply "$TMP/fleet_1" --allow-blocked --parallel-targets 1 -q >"$TMP/fleet_1.out"
apply_fleet1=$(secs_since "$t")

fresh 2
"$BIN" plan --targets "$TMP/fleet_2.yaml" --mapping "$MAPPING" --out "$TMP/fleet_2" --max-keys 0 -q >/dev/null
psql_db postgres -c CHECKPOINT
t=$(date +%s.%N)
"$BIN" apply "$TMP/fleet_2" --allow-blocked --parallel-targets 2 -q >"$TMP/fleet_2.out"
apply_fleet2=$(secs_since "$t")

# The one database once more, last, on a fresh copy: the spread of its two times is this
# run's noise, and neither order favours the fleet.
psql_db postgres -c "DROP DATABASE IF EXISTS fleet_one_3" -c "CREATE DATABASE fleet_one_3 TEMPLATE fleet_one_0"
psql_db postgres -c CHECKPOINT
t=$(date +%s.%N)
PGDATABASE=fleet_one_3 "$BIN" apply "$TMP/one.jsonl" --allow-blocked --allow-other-database -q >/dev/null
apply_one_last=$(secs_since "$t")

# The fleet wrote exactly what the single database got.
digest() { psql_db "$1" -Atc "SELECT md5(string_agg(api_key_id || ':' || scope, ',' ORDER BY api_key_id, scope)) FROM api_key_scopes"; }
union_digest() {
  local r=$1 all=""
  for i in $(seq 0 $((SHARDS - 1))); do
    all+=$(psql_db "fleet_s${i}_$r" -Atc "SELECT string_agg(api_key_id || ':' || scope, E'\n') FROM api_key_scopes")$'\n'
  done
  printf '%s' "$all" | grep -v '^$' | LC_ALL=C sort | paste -sd, | tr -d '\n' | md5sum | cut -d' ' -f1
}
one=$(psql_db fleet_one_1 -Atc "SELECT string_agg(api_key_id || ':' || scope, E'\n') FROM api_key_scopes" | LC_ALL=C sort | paste -sd, | tr -d '\n' | md5sum | cut -d' ' -f1)
same1=$([ "$one" = "$(union_digest 1)" ] && echo yes || echo NO)
same2=$([ "$one" = "$(union_digest 2)" ] && echo yes || echo NO)

echo
printf '%-44s %8s %8s\n' "" "seconds" "ratio"
printf '%-44s %8s %8s\n' "plan, one database of $N keys" "$plan_one" "1.00"
printf '%-44s %8s %8s\n' "plan --targets, $SHARDS shards" "$plan_fleet" "$(ratio "$plan_fleet" "$plan_one")"
printf '%-44s %8s %8s\n' "apply, one database" "$apply_one" "1.00"
printf '%-44s %8s %8s\n' "apply DIR --parallel-targets 1" "$apply_fleet1" "$(ratio "$apply_fleet1" "$apply_one")"
printf '%-44s %8s %8s\n' "apply DIR --parallel-targets 2" "$apply_fleet2" "$(ratio "$apply_fleet2" "$apply_one")"
printf '%-44s %8s %8s\n' "apply, one database, again last" "$apply_one_last" "$(ratio "$apply_one_last" "$apply_one")"
echo "same api_key_scopes as the single database: --parallel-targets 1 $same1, 2 $same2"
[ "$same1" = yes ] && [ "$same2" = yes ]

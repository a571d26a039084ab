#!/usr/bin/env bash
# Benchmark of scope-migrate against plain SQL doing the same work (SPEC section 9).
#
#   bash bench/run.sh [N] [--keep]        (from the project root; N defaults to 100000)
#
# Generates N API keys in the default layout with a realistic role mix, then measures in one
# run, on identical copies of the same database, the tool against the plain SQL a user
# would write (SPEC 10.7), never against the tool's own queries:
#   (a) read:  COPY (SELECT k.*, r.roles, s.scopes FROM api_keys k LEFT JOIN (array_agg of
#              roles per key) r ... LEFT JOIN (array_agg of scopes per key) s ... WHERE legacy)
#              vs  scope-migrate plan --format jsonl --out PLANFILE
#   (b) write: one INSERT ... SELECT ... ON CONFLICT DO NOTHING (no audit)  vs  apply --jobs 1;
#              the same INSERT split over JOBS sessions by key hash  vs  apply --jobs JOBS
#   (c) peak RSS of the tool in plan and in apply, and the plan file's bytes per key
#   (d) the storage shapes of samples/shapes/, built from the same keys (SHAPES, default
#       "array json delimited ids"): roles and scopes in text[] columns, in JSON (jsonb
#       roles, JSON text scopes), in delimited strings, and roles as ids through a names
#       table; for each, the plain read (COPY of the rows, or of the keys joined with their
#       named roles) vs plan --layout, and the write a user would write (one UPDATE
#       appending each key's missing scopes; for ids one INSERT) vs apply --layout
#   (e) live traffic (SPEC 11.1), unless LIVE=0: an application workload (pgbench, 4 clients at a
#       fixed rate RATE, default 200/s; each transaction reads a random legacy key's scopes
#       and updates its last_used_at, a column added to the live copies only) runs while, each
#       on its own copy, the plain INSERT, apply --jobs 1 and apply --jobs JOBS write; the
#       application's p50/p99/max latency (pgbench --log, per transaction, scheduled start
#       to end) in each writer's window and in the 3 s before it, its errors, and the
#       writer's time under load against its quiet time of (b). PROFILE=1 also samples the
#       wait events of pg_stat_activity every 100 ms during each window.
# and checks that all four writes left the same rows in api_key_scopes, and each shape's
# two writes the same values.
#
# Environment:
#   BIN=path        the binary (default build/scope-migrate)
#   JOBS=n          parallel sessions / --jobs for the second write (default 2)
#   REPEAT=k        time each read k times and keep the fastest (default 3)
#   LIVE=0          skip (e); RATE=n the application's transactions per second (default 200);
#                   APP_LATENCY=D the bound of the apply with --max-app-latency (default 10ms)
#   PROFILE=1       with (e): sample pg_stat_activity's wait events during each window
#   RESUME=0        skip (f): a resume at 90% (--pause 200ms) against the whole run
#   PGHOST etc.     use that server instead of starting a throwaway one (databases bench_*
#                   are dropped and re-created there, and dropped at exit)
# --keep leaves the server (and the temp directory with the plan file) up for profiling.
set -euo pipefail

N=100000
KEEP=0
for arg in "$@"; do
  case "$arg" in
    --keep) KEEP=1 ;;
    -h | --help) sed -n '2,20p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    '' | *[!0-9]*) echo "usage: bash bench/run.sh [N] [--keep]" >&2; exit 64 ;;
    *) N=$arg ;;
  esac
done
[ "$N" -ge 1 ] || { echo "N must be at least 1" >&2; exit 64; }

BIN=${BIN:-build/scope-migrate}
REPEAT=${REPEAT:-3}
JOBS=${JOBS:-2}
SHAPES=${SHAPES:-array json delimited ids}
DBS="bench_a bench_w1 bench_wn bench_t1 bench_tn"
for shape in $SHAPES; do DBS="$DBS bench_${shape}_w bench_${shape}_t"; done
LIVE=${LIVE:-1}
RATE=${RATE:-200}
PROFILE=${PROFILE:-0}
RESUME=${RESUME:-1}
[ "$RESUME" = 1 ] && DBS="$DBS bench_r1 bench_r2"
[ "$LIVE" = 1 ] && DBS="$DBS bench_lw bench_l1 bench_ln bench_lp"
MAPPING=mappings/legacy-roles.yaml
CUTOFF='2026-03-22T23:00:00Z'   # the mapping's cutoff "2026-03-23T00:00:00+01:00", in UTC
[ -x "$BIN" ] || { echo "no binary at $BIN; build it: cmake -S . -B build -DCMAKE_BUILD_TYPE=Release && make -C build -j2 scope-migrate" >&2; exit 1; }
[ -f "$MAPPING" ] && [ -f samples/schema.sql ] || { echo "run from the project root" >&2; exit 64; }
command -v /usr/bin/time >/dev/null || { echo "needs /usr/bin/time (apt-get install time)" >&2; exit 1; }

TMP=$(mktemp -d /tmp/scope-migrate-bench.XXXXXX)
OWN_PG=0
EXTERNAL_PG=0
[ -n "${PGHOST:-}" ] && EXTERNAL_PG=1
cleanup() {
  local rc=$?
  if [ "$KEEP" = 1 ]; then
    echo
    echo "--keep: server and files left in place. To use them:"
    [ "$OWN_PG" = 1 ] && echo "  export PGHOST=$PGHOST PGPORT=$PGPORT PGUSER=$PGUSER PGDATA=$PGDATA"
    echo "  databases: bench_a (as generated), bench_w1/bench_wn (plain SQL wrote), bench_t1/bench_tn (tool wrote); plan file: $TMP/plan.jsonl"
    [ "$OWN_PG" = 1 ] && echo "  stop: ${AS_OWNER[*]} /usr/lib/postgresql/15/bin/pg_ctl -D $PGDATA stop -m fast; rm -rf $SCOPE_MIGRATE_PG_DIR $TMP"
    return $rc
  fi
  if [ "$OWN_PG" = 1 ]; then
    "${AS_OWNER[@]}" "${PGBIN:-/usr/lib/postgresql/15/bin}/pg_ctl" -D "$PGDATA" stop -m fast >/dev/null 2>&1 || true
    rm -rf "$SCOPE_MIGRATE_PG_DIR"
  elif [ "$EXTERNAL_PG" = 1 ]; then
    for db in $DBS; do psql_db postgres -c "DROP DATABASE IF EXISTS $db" >/dev/null 2>&1 || true; done
  fi
  rm -rf "$TMP"
  return $rc
}
trap cleanup EXIT
trap 'exit 130' INT TERM

AS_OWNER=()
if [ -z "${PGHOST:-}" ]; then
  pg_env=$(bash scripts/throwaway-pg.sh)
  eval "$pg_env"
  OWN_PG=1
  [ "$(id -u)" = 0 ] && AS_OWNER=(runuser -u postgres --)
  echo "throwaway PostgreSQL on $PGHOST:$PGPORT ($PGDATA)"
fi

psql_db() { local db=$1; shift; PGOPTIONS="${PGOPTIONS:-} -c client_min_messages=warning" psql -X -q -v ON_ERROR_STOP=1 -d "$db" "$@"; }
secs_since() { awk -v a="$1" -v b="$(date +%s.%N)" 'BEGIN { printf "%.2f", b - a }'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "n/a" }'; }
mib() { awk -v k="$1" 'BEGIN { printf "%.1f", k / 1024 }'; }

# ------------------------------------------------------------------------------------------------
# 1. Data
# ------------------------------------------------------------------------------------------------
t0=$(date +%s.%N)
python3 bench/mapping_to_sql.py "$MAPPING" >"$TMP/role_scope_map.sql"
for db in $DBS; do psql_db postgres -c "DROP DATABASE IF EXISTS $db"; done
psql_db postgres -c "CREATE DATABASE bench_a"
psql_db bench_a -f samples/schema.sql
psql_db bench_a -c "CREATE TABLE role_scope_map (role_norm text NOT NULL, scope text NOT NULL, PRIMARY KEY (role_norm, scope))" \
  -f "$TMP/role_scope_map.sql"

# Everything is drawn from hashes of the key's number, so a given N always makes the same data.
psql_db bench_a -v N="$N" -v cutoff="$CUTOFF" -f bench/generate_keys.sql
psql_db bench_a -c "VACUUM (ANALYZE) api_keys" -c "VACUUM (ANALYZE) api_key_roles" \
  -c "VACUUM (ANALYZE) api_key_scopes" -c "VACUUM (ANALYZE) role_scope_map"
PREWARM=0
if psql_db bench_a -c "CREATE EXTENSION IF NOT EXISTS pg_prewarm" >/dev/null 2>&1; then PREWARM=1; fi
psql_db postgres -c "CHECKPOINT"
# The same keys in the storage shapes of samples/shapes/ (the order of the aggregates is the
# tables' order): text[] columns; jsonb roles and JSON text scopes; ";"-separated roles and
# space-separated scopes; role ids into a table of role names (scopes in api_key_scopes).
psql_db bench_a <<'SQL'
CREATE TEMP VIEW key_lists AS
SELECT k.id, k.tenant_id, k.name, k.created_at, k.revoked_at, r.roles, s.scopes
FROM api_keys k
LEFT JOIN (SELECT api_key_id, array_agg(role) AS roles FROM api_key_roles GROUP BY 1) r ON r.api_key_id = k.id
LEFT JOIN (SELECT api_key_id, array_agg(scope) AS scopes FROM api_key_scopes GROUP BY 1) s ON s.api_key_id = k.id;
CREATE TABLE array_tokens AS SELECT * FROM key_lists;
CREATE TABLE json_tokens AS
SELECT id, tenant_id, name, created_at, revoked_at, to_jsonb(roles) AS legacy_roles,
       to_json(scopes)::text AS abilities FROM key_lists;
CREATE TABLE delimited_tokens AS
SELECT id, tenant_id, name, created_at, revoked_at, array_to_string(roles, ';') AS previous_roles,
       array_to_string(scopes, ' ') AS scopes FROM key_lists;
CREATE TABLE ids_roles AS
SELECT (row_number() OVER (ORDER BY role))::int AS id, role AS name FROM (SELECT DISTINCT role FROM api_key_roles) d;
CREATE TABLE ids_key_roles AS
SELECT r.api_key_id, n.id AS role_id FROM api_key_roles r JOIN ids_roles n ON n.name = r.role;
ALTER TABLE array_tokens ADD PRIMARY KEY (id);
ALTER TABLE json_tokens ADD PRIMARY KEY (id);
ALTER TABLE delimited_tokens ADD PRIMARY KEY (id);
ALTER TABLE ids_roles ADD PRIMARY KEY (id);
CREATE INDEX ON ids_key_roles (api_key_id);
VACUUM (ANALYZE) array_tokens;
VACUUM (ANALYZE) json_tokens;
VACUUM (ANALYZE) delimited_tokens;
VACUUM (ANALYZE) ids_roles;
VACUUM (ANALYZE) ids_key_roles;
SQL
cat >"$TMP/array.yaml" <<'YAML'
keys:   {table: array_tokens, tenant: tenant_id, name: name}
roles:  {column: roles, format: array}
scopes: {column: scopes, format: array}
YAML
cat >"$TMP/json.yaml" <<'YAML'
keys:   {table: json_tokens, tenant: tenant_id, name: name}
roles:  {column: legacy_roles, format: json}
scopes: {column: abilities, format: json}
YAML
cat >"$TMP/delimited.yaml" <<'YAML'
keys:   {table: delimited_tokens, tenant: tenant_id, name: name}
roles:  {column: previous_roles, format: delimited, separator: ";"}
scopes: {column: scopes, format: delimited, separator: " "}
YAML
cat >"$TMP/ids.yaml" <<'YAML'
roles:  {table: ids_key_roles, key: api_key_id, role: role_id, names: {table: ids_roles}}
YAML
# One identical copy for each write; bench_a stays as generated.
for db in ${DBS#bench_a }; do psql_db postgres -c "CREATE DATABASE $db TEMPLATE bench_a"; done
if [ "$OWN_PG" = 1 ]; then
  # Our own server: no autovacuum on the freshly loaded tables in the middle of a measurement.
  psql_db postgres -c "ALTER SYSTEM SET autovacuum = off" -c "SELECT pg_reload_conf()" >/dev/null
fi
echo "generated $N keys in $(secs_since "$t0")s"
psql_db bench_a -A -F ' ' -t <<SQL
SELECT 'keys', count(*), 'legacy', count(*) FILTER (WHERE created_at < '$CUTOFF'),
       'post-cutoff', count(*) FILTER (WHERE created_at >= '$CUTOFF'),
       'null created_at', count(*) FILTER (WHERE created_at IS NULL),
       'revoked', count(*) FILTER (WHERE revoked_at IS NOT NULL) FROM api_keys;
SELECT 'role rows', count(*), 'keys with an unknown role', count(DISTINCT api_key_id) FILTER (WHERE role = 'Billing Clerk')
FROM api_key_roles;
SELECT 'scope rows', count(*), 'keys with scopes', count(DISTINCT api_key_id) FROM api_key_scopes;
SELECT 'db size', pg_size_pretty(pg_database_size('bench_a'));
SQL

# Reads the tables of a database into the cache so that no measurement pays for the first read.
warm() {
  if [ "$PREWARM" = 1 ]; then
    psql_db "$1" -At -c "SELECT sum(pg_prewarm(c.oid, 'buffer')) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
                          WHERE n.nspname = 'public' AND c.relkind IN ('r', 'i')" >/dev/null
  else
    psql_db "$1" -At -c "SELECT count(*) FROM api_keys" -c "SELECT count(*) FROM api_key_roles" \
      -c "SELECT count(*) FROM api_key_scopes" >/dev/null
  fi
}

# measure NAME STDOUT_FILE CMD...: wall seconds into SECS[NAME], the process's own CPU seconds
# (user + sys) into CPU[NAME], peak RSS (kB) into RSS[NAME].
declare -A SECS CPU RSS
measure() {
  local name=$1 out=$2 start rc=0 secs rss
  shift 2
  start=$(date +%s.%N)
  /usr/bin/time -v -o "$TMP/$name.time" "$@" >"$out" 2>"$TMP/$name.err" || rc=$?
  secs=$(secs_since "$start")
  if [ "$rc" != 0 ]; then
    echo "FAILED ($rc): $*" >&2
    cat "$TMP/$name.err" >&2
    exit 1
  fi
  rss=$(awk -F': ' '/Maximum resident set size/ { print $2 }' "$TMP/$name.time")
  if [ -z "${SECS[$name]:-}" ] || awk -v a="$secs" -v b="${SECS[$name]}" 'BEGIN { exit !(a < b) }'; then
    SECS[$name]=$secs
    CPU[$name]=$(awk -F': ' '/User time|System time/ { t += $2 } END { printf "%.2f", t }' "$TMP/$name.time")
  fi
  if [ -z "${RSS[$name]:-}" ] || [ "$rss" -gt "${RSS[$name]}" ]; then RSS[$name]=$rss; fi
}

# ------------------------------------------------------------------------------------------------
# 2. Read: the plain read a user would write (SPEC 10.7: keys left-joined with array_agg of
#    their roles and of their scopes, legacy keys only, no ordering, no casts) against
#    scope-migrate plan, which also decides every key and writes the plan file.
# ------------------------------------------------------------------------------------------------
READ_SQL="SELECT k.*, r.roles, s.scopes FROM api_keys k \
LEFT JOIN (SELECT api_key_id, array_agg(role) AS roles FROM api_key_roles GROUP BY 1) r ON r.api_key_id = k.id \
LEFT JOIN (SELECT api_key_id, array_agg(scope) AS scopes FROM api_key_scopes GROUP BY 1) s ON s.api_key_id = k.id \
WHERE k.created_at < '$CUTOFF' OR k.created_at IS NULL"

echo "measuring read (best of $REPEAT) ..."
warm bench_a
psql_db bench_a -c "COPY ($READ_SQL) TO STDOUT" >/dev/null   # warm-up, not timed
for _ in $(seq "$REPEAT"); do
  measure sql_read /dev/null psql -X -q -v ON_ERROR_STOP=1 -d bench_a -c "COPY ($READ_SQL) TO STDOUT"
  rm -f "$TMP/plan.jsonl"
  measure tool_plan /dev/null "$BIN" plan --db dbname=bench_a --mapping "$MAPPING" --format jsonl \
    --out "$TMP/plan.jsonl" --no-progress
done
measure tool_plan_zst /dev/null "$BIN" plan --db dbname=bench_a --mapping "$MAPPING" \
  --out "$TMP/plan.jsonl.zst" --no-progress --quiet
SUMMARY=$(tail -n 1 "$TMP/plan.jsonl")
plan_field() { printf '%s' "$SUMMARY" | grep -o "\"$1\":[0-9]*" | head -n 1 | cut -d: -f2; }
PLAN_BYTES=$(stat -c %s "$TMP/plan.jsonl")
ZST_BYTES=$(stat -c %s "$TMP/plan.jsonl.zst")
LINES=$(($(wc -l <"$TMP/plan.jsonl") - 2))

# ------------------------------------------------------------------------------------------------
# 3. Write, each on its own copy: one INSERT (bench_w1) and scope-migrate apply --jobs 1
#    (bench_t1); the INSERT split over JOBS concurrent sessions by key hash (bench_wn) and
#    apply --jobs JOBS (bench_tn). The INSERT writes no audit rows; the tool writes its audit.
# ------------------------------------------------------------------------------------------------
NORM="lower(regexp_replace(btrim(r.role), '[ _-]+', '-', 'g'))"
NORM2="lower(regexp_replace(btrim(r2.role), '[ _-]+', '-', 'g'))"
insert_sql() {  # $1: an extra condition on k
  cat <<SQL
INSERT INTO api_key_scopes (api_key_id, scope)
SELECT DISTINCT k.id, m.scope
FROM api_keys k
JOIN api_key_roles r ON r.api_key_id = k.id
JOIN role_scope_map m ON m.role_norm = $NORM
WHERE k.created_at < '$CUTOFF'::timestamptz AND k.revoked_at IS NULL $1
  AND NOT EXISTS (SELECT 1 FROM api_key_roles r2 WHERE r2.api_key_id = k.id
                  AND NOT EXISTS (SELECT 1 FROM role_scope_map m2 WHERE m2.role_norm = $NORM2))
ON CONFLICT DO NOTHING
SQL
}
insert_split() {  # the INSERT over JOBS sessions at once, each a share of the keys by hash
  local db=$1 i rc=0 pids=()
  for i in $(seq 0 $((JOBS - 1))); do
    psql -X -q -v ON_ERROR_STOP=1 -d "$db" -c "$(insert_sql "AND abs(hashtext(k.id::text)) % $JOBS = $i")" &
    pids+=($!)
  done
  for pid in "${pids[@]}"; do wait "$pid" || rc=1; done
  return $rc
}
export -f insert_sql insert_split
export NORM NORM2 CUTOFF JOBS

before_write() { warm "$1"; psql_db postgres -c "CHECKPOINT"; }
echo "measuring writes (JOBS=$JOBS) ..."
before_write bench_w1
measure sql_write "$TMP/sql_write.out" psql -X -v ON_ERROR_STOP=1 -d bench_w1 -c "$(insert_sql "")"
before_write bench_t1
measure tool_apply "$TMP/apply.out" "$BIN" apply --db dbname=bench_t1 "$TMP/plan.jsonl" \
  --allow-blocked --allow-other-database --no-progress --quiet
before_write bench_wn
measure sql_write_n /dev/null bash -c "insert_split bench_wn"
before_write bench_tn
measure tool_apply_n "$TMP/apply_n.out" "$BIN" apply --db dbname=bench_tn "$TMP/plan.jsonl" \
  --allow-blocked --allow-other-database --no-progress --quiet --jobs "$JOBS"
SQL_ROWS=$(awk '/^INSERT/ { print $3 }' "$TMP/sql_write.out")
TOOL_ROWS=$(grep -o '[0-9]* scopes added' "$TMP/apply.out" | cut -d' ' -f1)
BATCHES=$(grep -o 'in [0-9]* committed batch' "$TMP/apply.out" | cut -d' ' -f2)

# ------------------------------------------------------------------------------------------------
# 3a. Resume (SPEC 12.6): apply --pause 200ms whole (bench_r1); the same apply stopped by
#     SIGTERM once 90% of the plan's keys are written (bench_r2), then resumed: the resume's
#     time against the whole run's.
# ------------------------------------------------------------------------------------------------
if [ "$RESUME" = 1 ]; then
  echo "measuring a resume at 90% (--pause 200ms) ..."
  RESUME_ARGS=(--allow-blocked --allow-other-database --no-progress --quiet --pause 200ms)
  before_write bench_r1
  measure resume_whole /dev/null "$BIN" apply --db dbname=bench_r1 "$TMP/plan.jsonl" "${RESUME_ARGS[@]}"
  before_write bench_r2
  "$BIN" apply --db dbname=bench_r2 "$TMP/plan.jsonl" "${RESUME_ARGS[@]}" >/dev/null 2>"$TMP/resume_first.err" &
  first=$!
  while kill -0 "$first" 2>/dev/null; do
    written=$(psql_db bench_r2 -At -c "SELECT coalesce(max(keys_changed), 0) FROM scope_migration_runs" 2>/dev/null || echo 0)
    if [ "${written:-0}" -ge $(($(plan_field change) * 9 / 10)) ]; then kill -TERM "$first"; break; fi
    sleep 0.1
  done
  wait "$first" || true
  RESUME_WRITTEN=$(psql_db bench_r2 -At -c "SELECT keys_changed FROM scope_migration_runs WHERE run_id = 1")
  measure resume_rest "$TMP/resume.out" "$BIN" apply --db dbname=bench_r2 "$TMP/plan.jsonl" "${RESUME_ARGS[@]}"
fi
resume_lines() {
  [ "$RESUME" = 1 ] || { echo "           (skipped: RESUME=0)"; return; }
  printf '           whole apply --pause 200ms   %s s
' "${SECS[resume_whole]}"
  printf '           resume at 90%% (%s of %s keys written first)   %s s   ratio = %s   (target <= 0.15)
' \
    "$RESUME_WRITTEN" "$(plan_field change)" "${SECS[resume_rest]}" "$(ratio "${SECS[resume_rest]}" "${SECS[resume_whole]}")"
}

# ------------------------------------------------------------------------------------------------
# 3b. The storage shapes: for each, the plain read (the legacy rows as they are; for ids the
#     keys joined with their named roles and their scopes) against plan --layout, and the
#     write a user would write (one UPDATE appending each key's missing scopes, sorted, keys
#     with an unknown role left alone; for ids the INSERT of section 3 through the names)
#     against apply --layout, each write on its own copy; then both copies compared.
# ------------------------------------------------------------------------------------------------
NORM_U="lower(regexp_replace(btrim(u.role), '[ _-]+', '-', 'g'))"
LEGACY2="k2.created_at < '$CUTOFF'::timestamptz AND k2.revoked_at IS NULL"
# missing_sql ROLES_FROM HAS_SCOPE: the sorted scopes a key k2 lacks, from the rows
# u(role) of ROLES_FROM, HAS_SCOPE telling whether k2 already holds m.scope.
missing_sql() {
  echo "ARRAY(SELECT DISTINCT m.scope FROM $1 JOIN role_scope_map m ON m.role_norm = $NORM_U
               WHERE NOT ($2) ORDER BY 1)"
}
known_roles_sql() {  # no role of k2 outside the map
  echo "NOT EXISTS (SELECT 1 FROM $1 WHERE NOT EXISTS (SELECT 1 FROM role_scope_map m WHERE m.role_norm = $NORM_U))"
}
shape_read_sql() {
  case $1 in
    ids) echo "SELECT k.*, r.roles, s.scopes FROM api_keys k
LEFT JOIN (SELECT kr.api_key_id, array_agg(n.name) AS roles FROM ids_key_roles kr JOIN ids_roles n ON n.id = kr.role_id GROUP BY 1) r ON r.api_key_id = k.id
LEFT JOIN (SELECT api_key_id, array_agg(scope) AS scopes FROM api_key_scopes GROUP BY 1) s ON s.api_key_id = k.id
WHERE k.created_at < '$CUTOFF' OR k.created_at IS NULL" ;;
    *) echo "SELECT * FROM $1_tokens WHERE created_at < '$CUTOFF' OR created_at IS NULL" ;;
  esac
}
shape_write_sql() {
  local roles
  case $1 in
    array)
      roles="unnest(k2.roles) u(role)"
      echo "UPDATE array_tokens k SET scopes = coalesce(k.scopes, '{}') || a.missing
FROM (SELECT k2.id, $(missing_sql "$roles" "m.scope = ANY (coalesce(k2.scopes, '{}'))") AS missing
      FROM array_tokens k2 WHERE $LEGACY2 AND $(known_roles_sql "$roles")) a
WHERE k.id = a.id AND cardinality(a.missing) > 0" ;;
    json)
      roles="jsonb_array_elements_text(k2.legacy_roles) u(role)"
      echo "UPDATE json_tokens k SET abilities = (coalesce(k.abilities::jsonb, '[]') || to_jsonb(a.missing))::text
FROM (SELECT k2.id, $(missing_sql "$roles" "coalesce(k2.abilities::jsonb, '[]') ? m.scope") AS missing
      FROM json_tokens k2 WHERE $LEGACY2 AND jsonb_typeof(k2.legacy_roles) = 'array' AND $(known_roles_sql "$roles")) a
WHERE k.id = a.id AND cardinality(a.missing) > 0" ;;
    delimited)
      roles="(SELECT btrim(x) AS role FROM regexp_split_to_table(k2.previous_roles, ';') x WHERE btrim(x) <> '') u"
      echo "UPDATE delimited_tokens k SET scopes = CASE WHEN coalesce(btrim(k.scopes), '') = ''
    THEN array_to_string(a.missing, ' ') ELSE k.scopes || ' ' || array_to_string(a.missing, ' ') END
FROM (SELECT k2.id, $(missing_sql "$roles" "m.scope = ANY (coalesce(string_to_array(k2.scopes, ' '), '{}'))") AS missing
      FROM delimited_tokens k2 WHERE $LEGACY2 AND $(known_roles_sql "$roles")) a
WHERE k.id = a.id AND cardinality(a.missing) > 0" ;;
    ids)
      echo "INSERT INTO api_key_scopes (api_key_id, scope)
SELECT DISTINCT k.id, m.scope
FROM api_keys k
JOIN ids_key_roles kr ON kr.api_key_id = k.id JOIN ids_roles n ON n.id = kr.role_id
JOIN role_scope_map m ON m.role_norm = lower(regexp_replace(btrim(n.name), '[ _-]+', '-', 'g'))
WHERE k.created_at < '$CUTOFF'::timestamptz AND k.revoked_at IS NULL
  AND NOT EXISTS (SELECT 1 FROM ids_key_roles kr2 JOIN ids_roles n2 ON n2.id = kr2.role_id
                  WHERE kr2.api_key_id = k.id AND NOT EXISTS (SELECT 1 FROM role_scope_map m2
                    WHERE m2.role_norm = lower(regexp_replace(btrim(n2.name), '[ _-]+', '-', 'g'))))
ON CONFLICT DO NOTHING" ;;
  esac
}
shape_check_sql() {  # the written values, normalised where the formats allow two spellings
  case $1 in
    array) echo "SELECT count(*) || ' ' || md5(string_agg(id::text || ':' || coalesce(scopes::text, '-'), ',' ORDER BY id)) FROM array_tokens" ;;
    json) echo "SELECT count(*) || ' ' || md5(string_agg(id::text || ':' || coalesce(abilities::jsonb::text, '-'), ',' ORDER BY id)) FROM json_tokens" ;;
    delimited) echo "SELECT count(*) || ' ' || md5(string_agg(id::text || ':' || coalesce(scopes, '-'), ',' ORDER BY id)) FROM delimited_tokens" ;;
    ids) echo "$CHECK_SQL" ;;
  esac
}
CHECK_SQL="SELECT count(*) || ' ' || md5(string_agg(api_key_id::text || ':' || scope, ',' ORDER BY api_key_id, scope)) FROM api_key_scopes"
declare -A SHAPE_SUM SHAPE_CHECK SHAPE_ROWS
for shape in $SHAPES; do
  echo "measuring the $shape shape ..."
  warm bench_a
  read_sql=$(shape_read_sql "$shape")
  for _ in $(seq "$REPEAT"); do
    measure "${shape}_read" /dev/null psql -X -q -v ON_ERROR_STOP=1 -d bench_a -c "COPY ($read_sql) TO STDOUT"
    rm -f "$TMP/plan_$shape.jsonl"
    measure "${shape}_plan" /dev/null "$BIN" plan --db dbname=bench_a --mapping "$MAPPING" \
      --layout "$TMP/$shape.yaml" --format jsonl --out "$TMP/plan_$shape.jsonl" --no-progress
  done
  before_write "bench_${shape}_w"
  measure "${shape}_write" "$TMP/${shape}_write.out" psql -X -v ON_ERROR_STOP=1 -d "bench_${shape}_w" \
    -c "$(shape_write_sql "$shape")"
  before_write "bench_${shape}_t"
  measure "${shape}_apply" "$TMP/${shape}_apply.out" "$BIN" apply --db "dbname=bench_${shape}_t" \
    "$TMP/plan_$shape.jsonl" --layout "$TMP/$shape.yaml" --allow-blocked --allow-other-database --no-progress --quiet
  sql_sum=$(psql_db "bench_${shape}_w" -At -c "$(shape_check_sql "$shape")")
  tool_sum=$(psql_db "bench_${shape}_t" -At -c "$(shape_check_sql "$shape")")
  SHAPE_SUM[$shape]=$sql_sum
  SHAPE_CHECK[$shape]=MATCH
  [ "$sql_sum" = "$tool_sum" ] || { SHAPE_CHECK[$shape]="MISMATCH ($sql_sum by SQL, $tool_sum by apply)"; CHECK=MISMATCH; }
  SHAPE_ROWS[$shape]=$(awk '/^(UPDATE|INSERT)/ { print $NF }' "$TMP/${shape}_write.out")
done

# ------------------------------------------------------------------------------------------------
# 3c. Live traffic (SPEC 11.1): the application's transactions at a fixed rate while each
#     writer runs on its own copy; latency per transaction from pgbench's --log.
# ------------------------------------------------------------------------------------------------
cat >"$TMP/app.sql" <<'SQL'
\set n random(1, :nkeys)
BEGIN;
SELECT scope FROM api_key_scopes WHERE api_key_id = (SELECT id FROM bench_live_keys WHERE n = :n);
UPDATE api_keys SET last_used_at = now() WHERE id = (SELECT id FROM bench_live_keys WHERE n = :n);
END;
SQL
live_prepare() {  # the application's column and its list of legacy keys, in this copy only
  psql_db "$1" <<SQL
ALTER TABLE api_keys ADD COLUMN last_used_at timestamptz;
CREATE TABLE bench_live_keys AS
  SELECT row_number() OVER (ORDER BY id)::int AS n, id FROM api_keys WHERE created_at < '$CUTOFF';
ALTER TABLE bench_live_keys ADD PRIMARY KEY (n);
VACUUM (ANALYZE) bench_live_keys;
SQL
}
profile_loop() {  # DB OUT: what the active sessions wait on, every 100 ms, until killed
  while :; do
    psql_db "$1" -At -F ' ' -c "SELECT CASE WHEN application_name LIKE 'pgbench%' THEN 'app' ELSE 'writer' END,
        coalesce(wait_event_type || ':' || wait_event, 'CPU') FROM pg_stat_activity
        WHERE datname = current_database() AND state = 'active' AND pid <> pg_backend_pid()" >>"$2" 2>/dev/null || true
    sleep 0.1
  done
}
# live NAME DB QUIET_SECS CMD...: the application's load on DB for 3 s, then CMD (timed as
# live_NAME), then 3 s more; window start and end (epoch seconds) into WIN0/WIN1[NAME].
declare -A WIN0 WIN1 LIVE_ERR
live() {
  local name=$1 db=$2 quiet=$3 nkeys secs pgb prof=""
  shift 3
  nkeys=$(psql_db "$db" -At -c "SELECT count(*) FROM bench_live_keys")
  secs=$(awk -v q="$quiet" 'BEGIN { printf "%d", 8 + 4 * q }')
  before_write "$db"
  pgbench -n -c 4 -j 2 -R "$RATE" -T "$secs" -D nkeys="$nkeys" -f "$TMP/app.sql" --log \
    --log-prefix="$TMP/pgb_$name" "$db" >"$TMP/pgb_$name.out" 2>"$TMP/pgb_$name.err" &
  pgb=$!
  sleep 3
  if [ "$PROFILE" = 1 ]; then profile_loop "$db" "$TMP/prof_$name.txt" & prof=$!; fi
  WIN0[$name]=$(date +%s.%N)
  measure "live_$name" "$TMP/live_$name.out" "$@"
  WIN1[$name]=$(date +%s.%N)
  [ -n "$prof" ] && { kill "$prof"; wait "$prof" 2>/dev/null || true; }
  # The window is over: 3 s more for pgbench to flush its log of it, then stop it (-T is
  # only a backstop; what it has not flushed yet is after the window).
  sleep 3
  kill -TERM "$pgb" 2>/dev/null || true
  wait "$pgb" 2>/dev/null || true
  LIVE_ERR[$name]=$(grep -ci 'error\|abort' "$TMP/pgb_$name.err" || true)
  # A failed transaction's log line has "failed" (or "skipped") for its time; a line cut short
  # by the TERM above (fewer than 6 fields) is not a transaction at all.
  LIVE_ERR[$name]=$((LIVE_ERR[$name] + $(cat "$TMP"/pgb_"$name".[0-9]* | awk 'NF >= 6 && $3 !~ /^[0-9]+$/' | wc -l)))
}
# latency_stats NAME FROM TO: count, p50, p99 and max (ms) of the transactions scheduled in
# [FROM, TO), and how many failed (a time that is not a number).
latency_stats() {
  cat "$TMP"/pgb_"$1".* 2>/dev/null | awk -v a="$2" -v b="$3" '
    NF >= 6 { if ($3 !~ /^[0-9]+$/) { failed++; next }
              start = $5 + $6 / 1e6 - $3 / 1e6
              if (start >= a && start < b) print $3 / 1000 }
    END { if (failed) print "failed " failed > "/dev/stderr" }' | sort -n | awk '
    { v[NR] = $1 } END {
      if (NR == 0) { print "0 - - -"; exit }
      p50 = v[int(0.50 * (NR - 1)) + 1]; p99 = v[int(0.99 * (NR - 1)) + 1]
      printf "%d %.1f %.1f %.1f\n", NR, p50, p99, v[NR] }'
}
profile_lines() {  # the wait events of each window, most frequent first
  local name
  for name in write apply1 applyn applyp; do
    [ -f "$TMP/prof_$name.txt" ] || continue
    printf '    %-7s ' "$name"
    sort "$TMP/prof_$name.txt" | uniq -c | sort -rn | head -n 8 | awk '{ printf "%s %s %d; ", $2, $3, $1 }'
    echo
  done
}
if [ "$LIVE" = 1 ]; then
  echo "measuring under live traffic (pgbench -R $RATE, 4 clients) ..."
  for db in bench_lw bench_l1 bench_ln bench_lp; do live_prepare "$db"; done
  live write bench_lw "${SECS[sql_write]}" psql -X -v ON_ERROR_STOP=1 -d bench_lw -c "$(insert_sql "")"
  live apply1 bench_l1 "${SECS[tool_apply]}" "$BIN" apply --db dbname=bench_l1 "$TMP/plan.jsonl" \
    --allow-blocked --allow-other-database --no-progress --quiet
  live applyn bench_ln "${SECS[tool_apply_n]}" "$BIN" apply --db dbname=bench_ln "$TMP/plan.jsonl" \
    --allow-blocked --allow-other-database --no-progress --quiet --jobs "$JOBS"
  # SPEC 12.6: the same apply watching the application's own key lookup (the probe), bound
  # APP_LATENCY (default 10ms).
  psql_db bench_lp -At -c "SELECT format('SELECT scope FROM api_key_scopes WHERE api_key_id = %L', id) FROM bench_live_keys WHERE n = 1" >"$TMP/probe.sql"
  live applyp bench_lp "${SECS[tool_apply]}" "$BIN" apply --db dbname=bench_lp "$TMP/plan.jsonl" \
    --allow-blocked --allow-other-database --no-progress --quiet \
    --max-app-latency "${APP_LATENCY:-10ms}" --probe-sql "$TMP/probe.sql"
fi
live_line() {  # LABEL NAME QUIET_SECS
  local idle busy
  idle=$(latency_stats "$2" "$(awk -v w="${WIN0[$2]}" 'BEGIN { printf "%.6f", w - 2.5 }')" "${WIN0[$2]}")
  busy=$(latency_stats "$2" "${WIN0[$2]}" "${WIN1[$2]}")
  printf '           %-16s %6.2f s (quiet %6.2f s, %5s x)  app: %s tx, p50 %s / p99 %s / max %s ms; errors %s   (idle before: p50 %s / p99 %s / max %s ms)\n' \
    "$1" "${SECS[live_$2]}" "$3" "$(ratio "$3" "${SECS[live_$2]}")" \
    $(echo "$busy" | awk '{ print $1, $2, $3, $4 }') "${LIVE_ERR[$2]}" $(echo "$idle" | awk '{ print $2, $3, $4 }')
  # What the errors were: pgbench's own lines, and the failed transactions of its log.
  if [ "${LIVE_ERR[$2]}" != 0 ]; then
    { grep -i 'error\|abort' "$TMP/pgb_$2.err" || true
      cat "$TMP"/pgb_"$2".[0-9]* | awk 'NF >= 6 && $3 !~ /^[0-9]+$/' || true; } | head -n 5 | sed 's/^/             app error: /'
  fi
}
live_lines() {
  [ "$LIVE" = 1 ] || { echo "           (skipped: LIVE=0)"; return; }
  live_line "one INSERT" write "${SECS[sql_write]}"
  live_line "apply --jobs 1" apply1 "${SECS[tool_apply]}"
  live_line "apply --jobs $JOBS" applyn "${SECS[tool_apply_n]}"
  live_line "apply, app latency" applyp "${SECS[tool_apply]}"
  [ "$PROFILE" = 1 ] && { echo "    wait events sampled every 100 ms (who, event, samples):"; profile_lines; }
  return 0
}
# ------------------------------------------------------------------------------------------------
# 4. Same rows everywhere?
# ------------------------------------------------------------------------------------------------
declare -A SUM
CHECK=${CHECK:-MATCH}
CHECK_DBS="bench_w1 bench_t1 bench_wn bench_tn"
[ "$LIVE" = 1 ] && CHECK_DBS="$CHECK_DBS bench_lw bench_l1 bench_ln bench_lp"
[ "$RESUME" = 1 ] && CHECK_DBS="$CHECK_DBS bench_r1 bench_r2"
for db in $CHECK_DBS; do
  SUM[$db]=$(psql_db "$db" -At -c "$CHECK_SQL")
  [ "${SUM[$db]}" = "${SUM[bench_w1]}" ] || CHECK=MISMATCH
done

shape_lines() {
  local shape
  for shape in $SHAPES; do
    printf '           %-10s %6.2f / %6.2f s = %-5s %7.2f / %7.2f s = %-5s %5s / %5s MiB  (%s keys or rows written by SQL)\n' \
      "$shape" "${SECS[${shape}_read]}" "${SECS[${shape}_plan]}" "$(ratio "${SECS[${shape}_plan]}" "${SECS[${shape}_read]}")" \
      "${SECS[${shape}_write]}" "${SECS[${shape}_apply]}" "$(ratio "${SECS[${shape}_apply]}" "${SECS[${shape}_write]}")" \
      "$(mib "${RSS[${shape}_plan]}")" "$(mib "${RSS[${shape}_apply]}")" "${SHAPE_ROWS[$shape]:-?}"
  done
}

cat <<EOF

==================== scope-migrate benchmark ====================
N keys                    $N   (legacy keys read: $(plan_field keys_read), change: $(plan_field change), \
blocked: $(plan_field blocked), skipped: $(plan_field skipped), unchanged: $(plan_field unchanged), drift: $(plan_field drift))
rows inserted             SQL: ${SQL_ROWS:-?}   tool: ${TOOL_ROWS:-?} (in ${BATCHES:-?} batches; plan said $(plan_field scopes_to_add))
(a) read   plain SQL read (COPY)       ${SECS[sql_read]} s
           scope-migrate plan          ${SECS[tool_plan]} s   ratio = $(ratio "${SECS[tool_plan]}" "${SECS[sql_read]}")   (target <= 1.5)
           (tool's own CPU ${CPU[tool_plan]} s; plan --out .zst ${SECS[tool_plan_zst]} s)
(b) write  one INSERT                  ${SECS[sql_write]} s
           apply --jobs 1              ${SECS[tool_apply]} s   ratio = $(ratio "${SECS[tool_apply]}" "${SECS[sql_write]}")
           INSERT over $JOBS sessions       ${SECS[sql_write_n]} s
           apply --jobs $JOBS              ${SECS[tool_apply_n]} s   ratio to one INSERT = $(ratio "${SECS[tool_apply_n]}" "${SECS[sql_write]}") (target <= 0.75 at 2), to $JOBS sessions = $(ratio "${SECS[tool_apply_n]}" "${SECS[sql_write_n]}") (target <= 1.15)
           (tool's own CPU ${CPU[tool_apply]} s with --jobs 1; the rest is the server)
(c) peak RSS  plan $(mib "${RSS[tool_plan]}") MiB, apply $(mib "${RSS[tool_apply]}") MiB, apply --jobs $JOBS $(mib "${RSS[tool_apply_n]}") MiB   (target < 100)
    plan file $((PLAN_BYTES / 1048576)) MiB = $((PLAN_BYTES / LINES)) bytes per key; zstd $((ZST_BYTES / 1048576)) MiB = $((ZST_BYTES / LINES)) bytes per key
(e) live traffic: the writer's time under load (quiet time of (b); throughput ratio, target >= 0.8) and
    the application's latency while it runs (pgbench -R $RATE, 4 clients; targets: p99 <= the INSERT's, max <= 500 ms, no error)
$(live_lines)
(f) resume: an apply stopped by SIGTERM at 90% of its keys, then resumed, against the whole apply
$(resume_lines)
(d) storage shapes (samples/shapes/), the same keys       read / plan      write / apply    RSS plan / apply
$(shape_lines)
    reads timed best of $REPEAT, writes once; 2 shared cores, timings are noisy
row check  $CHECK   (${SUM[bench_w1]} in $CHECK_DBS;
           shapes: $(for shape in $SHAPES; do printf '%s %s; ' "$shape" "${SHAPE_CHECK[$shape]}"; done))
=================================================================
EOF

if [ "$CHECK" = MISMATCH ]; then
  echo
  echo "Rows differ between the writes:"
  for db in $CHECK_DBS; do echo "  $db: ${SUM[$db]}"; done
  psql_db bench_w1 -c "\\copy (SELECT api_key_id, scope FROM api_key_scopes ORDER BY 1, 2) TO '$TMP/rows_sql.tsv'"
  LC_ALL=C sort -o "$TMP/rows_sql.tsv" "$TMP/rows_sql.tsv"
  for db in ${CHECK_DBS#bench_w1 }; do
    [ "${SUM[$db]}" = "${SUM[bench_w1]}" ] && continue
    psql_db "$db" -c "\\copy (SELECT api_key_id, scope FROM api_key_scopes ORDER BY 1, 2) TO '$TMP/rows_$db.tsv'"
    LC_ALL=C sort -o "$TMP/rows_$db.tsv" "$TMP/rows_$db.tsv"
    echo "  $db: $(LC_ALL=C comm -13 "$TMP/rows_sql.tsv" "$TMP/rows_$db.tsv" | wc -l) rows only there, $(LC_ALL=C comm -23 "$TMP/rows_sql.tsv" "$TMP/rows_$db.tsv" | wc -l) only in bench_w1"
    LC_ALL=C comm -3 "$TMP/rows_sql.tsv" "$TMP/rows_$db.tsv" | head -n 10 | sed 's/^/    /'
  done
  exit 1
fi

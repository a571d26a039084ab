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
#   (d) a column-shaped layout (samples/shapes/array: roles and scopes in text[] columns of
#       the keys table), built from the same keys: COPY of the legacy rows vs plan --layout,
#       and one UPDATE appending each key's missing scopes vs apply --layout
# and checks that all four writes left the same rows in api_key_scopes, and both column
# writes the same values.
#
# Environment:
#   BIN=path        the binary (default build/scope-migrate)
#   JOBS=n          parallel sessions / --jobs for the second write (default 2)
#   REPEAT=k        time each read k times and keep the fastest (default 3)
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
DBS="bench_a bench_w1 bench_wn bench_t1 bench_tn bench_cw bench_ct"
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
psql_db bench_a -v N="$N" -v cutoff="$CUTOFF" <<'SQL'
-- uniform in [0,1) from (g, salt), deterministic
CREATE FUNCTION bench_rnd(g bigint, salt bigint) RETURNS float8 LANGUAGE sql IMMUTABLE PARALLEL SAFE
  AS $$ SELECT ((hashint8extended(g, salt) >> 11) & 9007199254740991)::float8 / 9007199254740992.0 $$;

-- Portal spellings of the ten legacy roles, with a skewed share each ([lo, hi) of [0,1)).
CREATE TEMP TABLE role_weights (role text, lo float8, hi float8);
INSERT INTO role_weights
SELECT role, coalesce(sum(w) OVER (ORDER BY ord ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING), 0),
       sum(w) OVER (ORDER BY ord)
FROM (VALUES (1, 'Admin', 0.20), (2, 'Order Manager & Customer Support', 0.15),
             (3, 'Finance Manager', 0.14), (4, 'Manage API credentials', 0.12), (5, 'Auditor', 0.10),
             (6, 'AR Manager', 0.07), (7, 'Product Manager', 0.07),
             (8, 'Accounts Receivable (AR) Manager', 0.05), (9, 'Manage users', 0.04),
             (10, 'Super User', 0.03), (11, 'Beta preview', 0.03)) v(ord, role, w);
UPDATE role_weights SET hi = 1.0 WHERE hi = (SELECT max(hi) FROM role_weights);

-- One row per key with its random draws.
CREATE TEMP TABLE gen AS
SELECT g,
       md5('scope-migrate-bench-key-' || g)::uuid AS id,
       CASE WHEN bench_rnd(g, 1) < 0.005 THEN 'null'
            WHEN bench_rnd(g, 1) < 0.055 THEN 'post' ELSE 'legacy' END AS kind,
       bench_rnd(g, 2) < 0.03 AS revoked,
       1 + (bench_rnd(g, 3) >= 0.6)::int + (bench_rnd(g, 3) >= 0.9)::int AS nroles,
       bench_rnd(g, 4) < 0.005 AS unknown_role,
       CASE WHEN bench_rnd(g, 5) < 0.20 THEN 'partly'
            WHEN bench_rnd(g, 5) < 0.23 THEN 'fully' ELSE 'none' END AS converted,
       bench_rnd(g, 6) < 0.01 AS extra_scope
FROM generate_series(1, :N) g;

INSERT INTO api_keys (id, tenant_id, name, created_at, revoked_at)
SELECT id,
       'tenant-' || lpad(floor(50 * bench_rnd(g, 7) ^ 2)::int::text, 2, '0'),  -- ~50, skewed
       'bench key ' || g,
       c.created_at,
       CASE WHEN revoked THEN coalesce(c.created_at, timestamptz '2020-01-01Z') + interval '30 days' END
FROM gen,
LATERAL (SELECT CASE kind
  WHEN 'null' THEN NULL
  WHEN 'post' THEN to_timestamp(extract(epoch FROM :'cutoff'::timestamptz) + floor(bench_rnd(g, 8) * 60 * 86400))
  ELSE to_timestamp(extract(epoch FROM timestamptz '2019-01-01Z') + floor(bench_rnd(g, 8) *
       (extract(epoch FROM :'cutoff'::timestamptz) - extract(epoch FROM timestamptz '2019-01-01Z'))))
  END AS created_at) c
ORDER BY g;

-- Legacy keys (and keys without created_at) carry 1-3 roles; ~0.5% also an unknown one.
-- Keys made after the cutoff carry scopes only.
INSERT INTO api_key_roles (api_key_id, role)
SELECT gen.id, w.role
FROM gen CROSS JOIN LATERAL generate_series(1, gen.nroles) j
JOIN role_weights w ON bench_rnd(gen.g * 4 + j, 10) >= w.lo AND bench_rnd(gen.g * 4 + j, 10) < w.hi
WHERE gen.kind <> 'post'
UNION ALL
SELECT gen.id, 'Billing Clerk' FROM gen WHERE gen.unknown_role AND gen.kind <> 'post';

-- ~20% of the legacy keys were partly converted by hand (each target scope present with
-- probability 1/2), ~3% fully; ~1% carry a scope no role grants (drift).
INSERT INTO api_key_scopes (api_key_id, scope)
SELECT DISTINCT gen.id, m.scope
FROM gen JOIN api_key_roles r ON r.api_key_id = gen.id
JOIN role_scope_map m ON m.role_norm = lower(regexp_replace(btrim(r.role), '[ _-]+', '-', 'g'))
WHERE gen.kind <> 'post' AND (gen.converted = 'fully' OR
      (gen.converted = 'partly' AND bench_rnd(hashtext(m.scope) # gen.g, 11) < 0.5))
UNION
SELECT gen.id, 'tax-management-read' FROM gen WHERE gen.kind <> 'post' AND gen.extra_scope
UNION
SELECT DISTINCT gen.id, m.scope FROM gen JOIN role_scope_map m
  ON m.role_norm = (ARRAY['admin', 'auditor', 'finance-manager', 'product-manager', 'beta-preview'])
                   [1 + floor(5 * bench_rnd(gen.g, 12))::int]
WHERE gen.kind = 'post';

DROP FUNCTION bench_rnd(bigint, bigint);
SQL
psql_db bench_a -c "VACUUM (ANALYZE) api_keys" -c "VACUUM (ANALYZE) api_key_roles" \
  -c "VACUUM (ANALYZE) api_key_scopes" -c "VACUUM (ANALYZE) role_scope_map"
PREWARM=0
if psql_db bench_a -c "CREATE EXTENSION IF NOT EXISTS pg_prewarm" >/dev/null 2>&1; then PREWARM=1; fi
psql_db postgres -c "CHECKPOINT"
# The same keys in the column shape of samples/shapes/array: roles and scopes in text[]
# columns (the order of the aggregates is the tables' order).
psql_db bench_a <<'SQL'
CREATE TABLE service_tokens AS
SELECT k.id, k.tenant_id, k.name, k.created_at, k.revoked_at, r.roles, s.scopes
FROM api_keys k
LEFT JOIN (SELECT api_key_id, array_agg(role) AS roles FROM api_key_roles GROUP BY 1) r ON r.api_key_id = k.id
LEFT JOIN (SELECT api_key_id, array_agg(scope) AS scopes FROM api_key_scopes GROUP BY 1) s ON s.api_key_id = k.id;
ALTER TABLE service_tokens ADD PRIMARY KEY (id);
VACUUM (ANALYZE) service_tokens;
SQL
cat >"$TMP/columns.yaml" <<'YAML'
keys:   {table: service_tokens, tenant: tenant_id, name: name}
roles:  {column: roles, format: array}
scopes: {column: scopes, format: array}
YAML
# One identical copy for each write; bench_a stays as generated.
for db in bench_w1 bench_wn bench_t1 bench_tn bench_cw bench_ct; do psql_db postgres -c "CREATE DATABASE $db TEMPLATE bench_a"; done
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
  --allow-blocked --no-progress --quiet
before_write bench_wn
measure sql_write_n /dev/null bash -c "insert_split bench_wn"
before_write bench_tn
measure tool_apply_n "$TMP/apply_n.out" "$BIN" apply --db dbname=bench_tn "$TMP/plan.jsonl" \
  --allow-blocked --no-progress --quiet --jobs "$JOBS"
SQL_ROWS=$(awk '/^INSERT/ { print $3 }' "$TMP/sql_write.out")
TOOL_ROWS=$(grep -o '[0-9]* scopes added' "$TMP/apply.out" | cut -d' ' -f1)
BATCHES=$(grep -o 'in [0-9]* committed batch' "$TMP/apply.out" | cut -d' ' -f2)

# ------------------------------------------------------------------------------------------------
# 3b. The column shape: the plain read (the legacy rows as they are) against plan --layout,
#     and the UPDATE a user would write (append each key's missing scopes, sorted, to the
#     array; keys with an unknown role left alone) against apply --layout.
# ------------------------------------------------------------------------------------------------
COLUMN_READ_SQL="SELECT * FROM service_tokens WHERE created_at < '$CUTOFF' OR created_at IS NULL"
NORM_U="lower(regexp_replace(btrim(u.role), '[ _-]+', '-', 'g'))"
COLUMN_UPDATE_SQL="UPDATE service_tokens k SET scopes = coalesce(k.scopes, '{}') || a.missing
FROM (SELECT k2.id, ARRAY(SELECT DISTINCT m.scope FROM unnest(k2.roles) u(role)
                          JOIN role_scope_map m ON m.role_norm = $NORM_U
                          WHERE m.scope <> ALL (coalesce(k2.scopes, '{}')) ORDER BY 1) AS missing
      FROM service_tokens k2
      WHERE k2.created_at < '$CUTOFF'::timestamptz AND k2.revoked_at IS NULL
        AND NOT EXISTS (SELECT 1 FROM unnest(k2.roles) u(role)
                        WHERE NOT EXISTS (SELECT 1 FROM role_scope_map m WHERE m.role_norm = $NORM_U))) a
WHERE k.id = a.id AND cardinality(a.missing) > 0"
echo "measuring the column shape ..."
warm bench_a
for _ in $(seq "$REPEAT"); do
  measure col_read /dev/null psql -X -q -v ON_ERROR_STOP=1 -d bench_a -c "COPY ($COLUMN_READ_SQL) TO STDOUT"
  rm -f "$TMP/plan_c.jsonl"
  measure col_plan /dev/null "$BIN" plan --db dbname=bench_a --mapping "$MAPPING" --layout "$TMP/columns.yaml" \
    --format jsonl --out "$TMP/plan_c.jsonl" --no-progress
done
before_write bench_cw
measure col_update "$TMP/col_update.out" psql -X -v ON_ERROR_STOP=1 -d bench_cw -c "$COLUMN_UPDATE_SQL"
before_write bench_ct
measure col_apply "$TMP/col_apply.out" "$BIN" apply --db dbname=bench_ct "$TMP/plan_c.jsonl" \
  --layout "$TMP/columns.yaml" --allow-blocked --no-progress --quiet
COL_CHECK_SQL="SELECT count(*) || ' ' || md5(string_agg(id::text || ':' || coalesce(scopes::text, '-'), ',' ORDER BY id)) FROM service_tokens"
COL_SQL_SUM=$(psql_db bench_cw -At -c "$COL_CHECK_SQL")
COL_TOOL_SUM=$(psql_db bench_ct -At -c "$COL_CHECK_SQL")
COL_CHECK=MATCH
[ "$COL_SQL_SUM" = "$COL_TOOL_SUM" ] || { COL_CHECK=MISMATCH; CHECK=MISMATCH; }
COL_UPDATED=$(awk '/^UPDATE/ { print $2 }' "$TMP/col_update.out")

# ------------------------------------------------------------------------------------------------
# 4. Same rows everywhere?
# ------------------------------------------------------------------------------------------------
CHECK_SQL="SELECT count(*) || ' ' || md5(string_agg(api_key_id::text || ':' || scope, ',' ORDER BY api_key_id, scope)) FROM api_key_scopes"
declare -A SUM
CHECK=${CHECK:-MATCH}
for db in bench_w1 bench_t1 bench_wn bench_tn; do
  SUM[$db]=$(psql_db "$db" -At -c "$CHECK_SQL")
  [ "${SUM[$db]}" = "${SUM[bench_w1]}" ] || CHECK=MISMATCH
done

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
(d) column shape (text[] columns of the keys table, samples/shapes/array)
           plain read (COPY)           ${SECS[col_read]} s
           plan --layout               ${SECS[col_plan]} s   ratio = $(ratio "${SECS[col_plan]}" "${SECS[col_read]}")
           one UPDATE                  ${SECS[col_update]} s   (${COL_UPDATED:-?} keys)
           apply --layout --jobs 1     ${SECS[col_apply]} s   ratio = $(ratio "${SECS[col_apply]}" "${SECS[col_update]}")
           peak RSS plan $(mib "${RSS[col_plan]}") MiB, apply $(mib "${RSS[col_apply]}") MiB
    reads timed best of $REPEAT, writes once; 2 shared cores, timings are noisy
row check  $CHECK   (${SUM[bench_w1]} in bench_w1, bench_t1, bench_wn and bench_tn;
           columns $COL_CHECK: $COL_SQL_SUM by UPDATE, $COL_TOOL_SUM by apply)
=================================================================
EOF

if [ "$CHECK" = MISMATCH ]; then
  echo
  echo "Rows differ between the writes:"
  for db in bench_w1 bench_t1 bench_wn bench_tn; do echo "  $db: ${SUM[$db]}"; done
  psql_db bench_w1 -c "\\copy (SELECT api_key_id, scope FROM api_key_scopes ORDER BY 1, 2) TO '$TMP/rows_sql.tsv'"
  LC_ALL=C sort -o "$TMP/rows_sql.tsv" "$TMP/rows_sql.tsv"
  for db in bench_t1 bench_wn bench_tn; do
    [ "${SUM[$db]}" = "${SUM[bench_w1]}" ] && continue
    psql_db "$db" -c "\\copy (SELECT api_key_id, scope FROM api_key_scopes ORDER BY 1, 2) TO '$TMP/rows_$db.tsv'"
    LC_ALL=C sort -o "$TMP/rows_$db.tsv" "$TMP/rows_$db.tsv"
    echo "  $db: $(LC_ALL=C comm -13 "$TMP/rows_sql.tsv" "$TMP/rows_$db.tsv" | wc -l) rows only there, $(LC_ALL=C comm -23 "$TMP/rows_sql.tsv" "$TMP/rows_$db.tsv" | wc -l) only in bench_w1"
    LC_ALL=C comm -3 "$TMP/rows_sql.tsv" "$TMP/rows_$db.tsv" | head -n 10 | sed 's/^/    /'
  done
  exit 1
fi

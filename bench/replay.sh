#!/usr/bin/env bash
# The replay's read speed (SPEC 12.1): N usage records (default 10,000,000) over the 51
# legacy keys of samples/ and the routes of mappings/endpoints.yaml (1 in 8 calls to an
# unmatched path of ~100,000 distinct values, the heavy-hitters worst case), as JSON Lines
# and CSV, each replayed by `simulate` from a file on one core. Prints records per second
# (user CPU time, which a busy machine inflates less than wall time) and peak RSS.
# Needs a built tool (BUILD_DIR, default build) and starts a throwaway PostgreSQL.
set -euo pipefail
cd "$(dirname "$0")/.."
n=${N:-10000000}
tool=${BUILD_DIR:-build}/scope-migrate
work=$(mktemp -d /tmp/replay-bench.XXXXXX)
eval "$(bash scripts/throwaway-pg.sh)"
stop() {
  if [ "$(id -u)" = 0 ]; then runuser -u postgres -- /usr/lib/postgresql/15/bin/pg_ctl -D "$PGDATA" -m fast stop >/dev/null
  else /usr/lib/postgresql/15/bin/pg_ctl -D "$PGDATA" -m fast stop >/dev/null; fi
  rm -rf "$SCOPE_MIGRATE_PG_DIR" "$work"
}
trap stop EXIT
export PGDATABASE=bench
createdb bench
psql -q -v ON_ERROR_STOP=1 -f samples/schema.sql -f samples/legacy-keys.sql >/dev/null
python3 - "$n" "$work" <<'PY'
import random, sys
n, work = int(sys.argv[1]), sys.argv[2]
random.seed(1)
keys = ["00000000-0000-4000-8000-%012d" % k for k in range(1, 52)]
routes = [("GET", "/v1/invoices/%d"), ("GET", "/v1/reports"), ("POST", "/v1/orders"),
          ("GET", "/v1/customers/%d"), ("GET", "/v1/opos/cases?page=%d"), ("GET", "/v1/tax/rules"),
          ("PATCH", "/v1/settings"), ("GET", "/v2/unknown/%d")]
with open(work + "/u.jsonl", "w") as j, open(work + "/u.csv", "w") as c:
    c.write("key,method,path,at,status,count\n")
    for i in range(n):
        k = random.choice(keys); m, p = random.choice(routes)
        if "%d" in p: p = p % random.randint(1, 99999)
        at = "2026-%02d-%02dT%02d:%02d:%02dZ" % (random.randint(1, 3), random.randint(1, 28),
                                                random.randint(0, 23), random.randint(0, 59), random.randint(0, 59))
        j.write('{"key":"%s","method":"%s","path":"%s","at":"%s","status":200,"count":1}\n' % (k, m, p, at))
        c.write("%s,%s,%s,%s,200,1\n" % (k, m, p, at))
PY
for f in u.jsonl u.csv; do
  /usr/bin/time -f "%U %e %M" -o "$work/time" "$tool" simulate --mapping mappings/legacy-roles.yaml \
    --endpoints mappings/endpoints.yaml --usage "$work/$f" --usage-since 2026-01-01T00:00:00Z \
    --format jsonl >/dev/null || [ $? = 8 ]
  read -r user wall rss < <(tail -n 1 "$work/time")  # GNU time adds a line for exit 8
  python3 -c "import sys; n,u,w,r=int(sys.argv[1]),float(sys.argv[2]),float(sys.argv[3]),int(sys.argv[4]); print(f'$f: {n:,} records, {u:.2f} s user ({n/u:,.0f} records/s), {w:.2f} s wall, peak RSS {r/1024:.1f} MiB')" "$n" "$user" "$wall" "$rss"
done

# The table path (simulate --usage-table) against the plain read of the same rows, on the
# same database: `COPY (SELECT key, method, path FROM log WHERE at >= …) TO STDOUT` through
# psql into /dev/null. Both are one client reading one streamed statement; the ratio is of
# wall times, best of 3 each (the server's scan is most of both).
psql -q -v ON_ERROR_STOP=1 <<SQL
CREATE TABLE log (key text, method text, path text, at timestamptz, status int, count int);
\copy log FROM '$work/u.csv' CSV HEADER
CREATE INDEX ON log (at);
VACUUM ANALYZE log;
SQL
printf 'usage: {table: log, key: key, method: method, path: path, at: at, status: status, count: count}\n' \
  >"$work/layout.yaml"
best() {  # best wall time of 3 runs of "$@", in seconds
  local best_s=""
  for _ in 1 2 3; do
    local start end
    start=$(date +%s.%N)
    "$@" >/dev/null || [ $? = 8 ]
    end=$(date +%s.%N)
    best_s=$(python3 -c "import sys; a=float(sys.argv[2])-float(sys.argv[1]); b=sys.argv[3]; print(a if not b or a < float(b) else b)" "$start" "$end" "$best_s")
  done
  echo "$best_s"
}
plain=$(best psql -q -X -c "COPY (SELECT key, method, path FROM log WHERE at >= '2026-01-01T00:00:00Z') TO STDOUT")
table=$(best "$tool" simulate --mapping mappings/legacy-roles.yaml --endpoints mappings/endpoints.yaml \
  --layout "$work/layout.yaml" --usage-table --usage-since 2026-01-01T00:00:00Z --format jsonl --no-progress)
python3 -c "import sys; n,p,t=int(sys.argv[1]),float(sys.argv[2]),float(sys.argv[3]); print(f'table: {n:,} rows, plain COPY {p:.2f} s, simulate --usage-table {t:.2f} s ({n/t:,.0f} rows/s), ratio {t/p:.2f}x')" "$n" "$plain" "$table"

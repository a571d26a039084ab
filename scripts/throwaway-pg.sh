#!/usr/bin/env bash
# Starts a throwaway PostgreSQL 15 cluster in a new temporary directory on 127.0.0.1 and a
# free port, as the postgres OS user when run as root (the server refuses root). Prints
# the shell lines that point libpq at it (PGHOST, PGPORT, PGUSER, PGDATA); eval them.
# Stop it with: pg_ctl -D "$PGDATA" stop -m fast (as the same user) and remove the dir.
set -euo pipefail
PGBIN=${PGBIN:-/usr/lib/postgresql/15/bin}
dir=$(mktemp -d /tmp/scope-migrate-pg.XXXXXX)
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
as_owner=()
if [ "$(id -u)" = 0 ]; then
  chown postgres: "$dir"
  as_owner=(runuser -u postgres --)
fi
"${as_owner[@]}" "$PGBIN/initdb" -D "$dir/data" -U postgres -A trust --no-sync -E UTF8 --locale=C.UTF-8 >"$dir/initdb.log" 2>&1 \
  || { cat "$dir/initdb.log" >&2; exit 1; }
"${as_owner[@]}" "$PGBIN/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w \
  -o "-p $port -k $dir -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off" \
  start >/dev/null || { cat "$dir/server.log" >&2; exit 1; }
echo "export PGHOST=127.0.0.1 PGPORT=$port PGUSER=postgres PGDATA=$dir/data SCOPE_MIGRATE_PG_DIR=$dir"

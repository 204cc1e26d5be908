#!/usr/bin/env bash
# A throwaway PostgreSQL server for the test suite, on a Unix socket only (no TCP port).
# Debian's server refuses to run as root, so it runs as the postgres user through runuser.
#   scripts/pg_test_server.sh start   -> prints the DATABASE_URL to use
#   scripts/pg_test_server.sh stop
set -euo pipefail
dir="${PGTEST_DIR:-/tmp/itaku-pgtest}"
port="${PGTEST_PORT:-55432}"
bin="$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)"
as_pg() { runuser -u postgres -- "$@"; }

case "${1:-start}" in
  start)
    if [ -f "$dir/data/postmaster.pid" ] && as_pg "$bin/pg_ctl" -D "$dir/data" status >/dev/null 2>&1; then
      as_pg "$bin/pg_ctl" -D "$dir/data" -m fast -w stop >/dev/null
    fi
    rm -rf "$dir"
    mkdir -p "$dir/sock"
    chown -R postgres:postgres "$dir"
    as_pg "$bin/initdb" -D "$dir/data" -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 >/dev/null
    as_pg "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w start \
      -o "-k $dir/sock -c listen_addresses='' -p $port -c fsync=off -c synchronous_commit=off -c full_page_writes=off" >/dev/null
    socket=$(python3 -c 'import sys, urllib.parse; print(urllib.parse.quote(sys.argv[1], safe=""))' "$dir/sock")
    echo "postgres://postgres@${socket}:${port}/itaku"
    ;;
  stop)
    if [ -d "$dir/data" ]; then
      as_pg "$bin/pg_ctl" -D "$dir/data" -m fast -w stop >/dev/null 2>&1 || true
      rm -rf "$dir"
    fi
    ;;
  *) echo "usage: $0 start|stop" >&2; exit 2 ;;
esac

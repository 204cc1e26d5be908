#!/usr/bin/env bash
# `make loadtest`: the app under load on this machine, end to end, then one line on stdout:
#   load: <U> users, <S> s, <N> requests, <E> errors, p50 <ms> ms, p95 <ms> ms, audit chain OK
# A throwaway PostgreSQL server (scripts/pg_test_server.sh, in its own directory), gunicorn with several
# workers on 127.0.0.1 only, a world of many contracts (loadtest/build_world.py), Locust headless driving the
# people of that world through their pages for a fixed time (loadtest/locustfile.py), then the checks
# (loadtest/report.py). Everything is stopped and removed afterwards, whatever happens. Progress goes to
# stderr. Exit 0 only with no errors and every check passed.
#
# Settings (environment): LOADTEST_USERS (50), LOADTEST_SECONDS (60), LOADTEST_CONTRACTS (40),
# LOADTEST_WORKERS (3, as deploy/systemd/itaku.service on 2 cores), LOADTEST_SPAWN_RATE (2 people a second),
# LOADTEST_PROFILE=FILE.svg (a py-spy flame graph of the gunicorn workers during the run).
set -euo pipefail
cd "$(dirname "$0")/.."

users="${LOADTEST_USERS:-50}"
seconds="${LOADTEST_SECONDS:-60}"
contracts="${LOADTEST_CONTRACTS:-40}"
workers="${LOADTEST_WORKERS:-3}"
spawn_rate="${LOADTEST_SPAWN_RATE:-2}"
say() { echo "== $*" >&2; }

work="$(mktemp -d /tmp/itaku-loadtest.XXXXXX)"
# Beside the work directory, not in it: that one is private to root, and the server runs as postgres.
export PGTEST_DIR="$work-pg" PGTEST_PORT=55439
gunicorn_pid=""
cleanup() {
  if [ -n "$gunicorn_pid" ] && kill -0 "$gunicorn_pid" 2>/dev/null; then
    kill -TERM "$gunicorn_pid" 2>/dev/null || true
    for _ in $(seq 50); do kill -0 "$gunicorn_pid" 2>/dev/null || break; sleep 0.2; done
    kill -KILL "$gunicorn_pid" 2>/dev/null || true
  fi
  scripts/pg_test_server.sh stop >&2 || true
  rm -rf "$work"
}
trap cleanup EXIT INT TERM

# What it needs, installed inside the command: the Debian packages and .venv of `make run`, the PostgreSQL
# server, and .venv-load with the project and its `load` extra (Locust brings gevent and a pytest plugin,
# so it stays out of the .venv that `make test` uses).
scripts/setup.sh run >&2
if ! dpkg-query -W -f='${Status}' postgresql 2>/dev/null | grep -q "install ok installed"; then
  say "Installing Debian packages: postgresql"
  DEBIAN_FRONTEND=noninteractive apt-get update -qq >&2
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null
fi
stamp=".venv-load/.installed-$(sha256sum pyproject.toml | cut -c1-16)"
if [ ! -f "$stamp" ]; then
  say "Installing the project and Locust into .venv-load"
  [ -x .venv-load/bin/python ] || "${PYTHON:-python3}" -m venv .venv-load
  .venv-load/bin/python -m pip install -q --upgrade pip >&2
  .venv-load/bin/python -m pip install -q -e '.[test,load]' >&2
  rm -f .venv-load/.installed-*
  touch "$stamp"
fi
py=.venv-load/bin/python

say "PostgreSQL (throwaway, $PGTEST_DIR)"
url="$(scripts/pg_test_server.sh start)"
pg_bin="$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)"
runuser -u postgres -- "$pg_bin/createdb" -h "$PGTEST_DIR/sock" -p "$PGTEST_PORT" itaku
export DATABASE_URL="$url" DJANGO_HTTPS=0 DJANGO_MANIFEST_STATIC=0 DJANGO_VAR_DIR="$work/var" \
       DJANGO_ALLOWED_HOSTS=127.0.0.1 DJANGO_EMAIL_BACKEND=django.core.mail.backends.dummy.EmailBackend \
       DJANGO_CONN_MAX_AGE=60
$py manage.py migrate --noinput -v 0

say "World: $contracts contracts"
$py loadtest/build_world.py --contracts "$contracts" --out "$work/world.json"

port="$($py -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
say "gunicorn: $workers workers on 127.0.0.1:$port"
.venv-load/bin/gunicorn config.wsgi:application --bind "127.0.0.1:$port" --workers "$workers" --timeout 120 \
  --log-level warning --error-logfile "$work/gunicorn.log" &
gunicorn_pid=$!
for _ in $(seq 100); do
  if $py -c "import urllib.request, sys; urllib.request.urlopen('http://127.0.0.1:$port/healthz', timeout=2)" \
      2>/dev/null; then break; fi
  kill -0 "$gunicorn_pid" 2>/dev/null || { cat "$work/gunicorn.log" >&2; exit 1; }
  sleep 0.2
done

if [ -n "${LOADTEST_PROFILE:-}" ]; then
  .venv-load/bin/py-spy record --pid "$gunicorn_pid" --subprocesses --duration "$seconds" --rate 50 \
    --output "$LOADTEST_PROFILE" --nonblocking >&2 &
  profile_pid=$!
fi

# The people arrive and sign in at LOADTEST_SPAWN_RATE a second (PBKDF2 makes each sign-in cost half a
# second of CPU, as it should); the measured run of LOADTEST_SECONDS starts once all of them are in.
arrival=$(( (users + spawn_rate - 1) / spawn_rate + 2 ))
say "Locust: $users people arriving over ${arrival} s, then $seconds s measured"
LOADTEST_WORLD="$work/world.json" LOADTEST_SUMMARY="$work/summary.json" \
  .venv-load/bin/locust -f loadtest/locustfile.py --headless --users "$users" --spawn-rate "$spawn_rate" \
  --run-time "$(( seconds + arrival ))s" --reset-stats --stop-timeout 10 --host "http://127.0.0.1:$port" \
  --only-summary \
  --loglevel WARNING >"$work/locust.log" 2>&1 || true
[ -f "$work/summary.json" ] || { cat "$work/locust.log" >&2; exit 1; }
[ -z "${LOADTEST_PROFILE:-}" ] || wait "$profile_pid" || true
if grep -q -i -E "traceback|error" "$work/gunicorn.log"; then
  say "gunicorn's log:"; tail -n 40 "$work/gunicorn.log" >&2
fi

$py loadtest/report.py "$work/summary.json" --seconds "$seconds"

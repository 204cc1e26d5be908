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
#
# LOADTEST_SERVERS=2 (`make loadtest-two`): the README's "Several app servers" as a test. Two gunicorn servers
# on loopback (LOADTEST_WORKERS, default 2, each; each its own DJANGO_VAR_DIR) share the one PostgreSQL, one
# file store (DJANGO_MEDIA_ROOT, DJANGO_SURVEY_DATA_DIR, DJANGO_EVIDENCE_DATA_DIR, DJANGO_AUDIT_STATE_DIR) and
# the same three keys, behind the shipped nginx site (deploy/nginx/itaku.conf with an upstream of the two, TLS
# on a free loopback port: loadtest/front.py), with DJANGO_HTTPS=1 and the proxy settings of production. The
# world is the ward's register (LOADTEST_CONTRACTS 500 in LOADTEST_SECTIONS 20, 100 people: build_world.py
# --sections); afterwards every file attached during the run is read back through the other server
# (loadtest/across.py). The people arrive one a second (LOADTEST_SPAWN_RATE). Its line:
#   load: 2 servers behind nginx, <U> users, <S> s, <N> requests, <E> errors, p50 <ms> ms, p95 <ms> ms,
#         /register/ n=<n> p95 <ms> ms, 500 contracts in 20 sections, audit chain OK, files across servers OK (n/n)
set -euo pipefail
cd "$(dirname "$0")/.."

servers="${LOADTEST_SERVERS:-1}"
case "$servers" in
  1) users="${LOADTEST_USERS:-50}"; contracts="${LOADTEST_CONTRACTS:-40}"; workers="${LOADTEST_WORKERS:-3}"
     spawn_rate="${LOADTEST_SPAWN_RATE:-2}" ;;
  2) users="${LOADTEST_USERS:-100}"; contracts="${LOADTEST_CONTRACTS:-500}"; workers="${LOADTEST_WORKERS:-2}"
     spawn_rate="${LOADTEST_SPAWN_RATE:-1}" ;;
  *) echo "LOADTEST_SERVERS is 1 or 2" >&2; exit 2 ;;
esac
sections="${LOADTEST_SECTIONS:-20}"
seconds="${LOADTEST_SECONDS:-60}"
say() { echo "== $*" >&2; }

work="$(mktemp -d /tmp/itaku-loadtest.XXXXXX)"
# Beside the work directory, not in it: that one is private to root, and the server runs as postgres.
export PGTEST_DIR="$work-pg" PGTEST_PORT=$(( 55438 + servers ))
gunicorn_pids=()
nginx_pid=""
stop() {  # stop PID: TERM, then KILL after ten seconds
  if [ -n "$1" ] && kill -0 "$1" 2>/dev/null; then
    kill -TERM "$1" 2>/dev/null || true
    for _ in $(seq 50); do kill -0 "$1" 2>/dev/null || break; sleep 0.2; done
    kill -KILL "$1" 2>/dev/null || true
  fi
}
cleanup() {
  stop "$nginx_pid"
  for pid in "${gunicorn_pids[@]}"; do stop "$pid"; done
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
free_port() { $py -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
site_name=""
contractor_name=""
if [ "$servers" = 2 ]; then
  # What every app server of the README's "Several app servers" shares: the keys (never var/ keys of its
  # own), the file store, the audit chain's state; what each keeps: its var/ (static files, caches).
  key() { $py -c 'import secrets; print(secrets.token_urlsafe(64))'; }
  DJANGO_SECRET_KEY="$(key)"; DJANGO_AUDIT_KEY="$(key)"; DJANGO_DATA_KEY="$(key)"
  export DJANGO_SECRET_KEY DJANGO_AUDIT_KEY DJANGO_DATA_KEY
  mkdir -p "$work/nginx" "$work/files"
  front_port="$(free_port)"
  ports=("$(free_port)" "$(free_port)")
  # The ward face's site and, when deploy/nginx has it, the contractor face's: their host names.
  read -r site_name contractor_name < <($py loadtest/front.py "$work/nginx" --upstream "127.0.0.1:${ports[0]}" \
    --upstream "127.0.0.1:${ports[1]}" --https-port "$front_port" --http-port "$(free_port)")
  [ -n "$site_name" ] || { say "loadtest/front.py could not render deploy/nginx"; exit 1; }
  faces="$site_name=ward"
  if [ -n "$contractor_name" ]; then faces="$faces,$contractor_name=contractor"; else contractor_name="$site_name"; fi
  export DJANGO_MEDIA_ROOT="$work/files/media" DJANGO_SURVEY_DATA_DIR="$work/files/survey" \
         DJANGO_EVIDENCE_DATA_DIR="$work/files/evidence" DJANGO_AUDIT_STATE_DIR="$work/files/audit" \
         DJANGO_HTTPS=1 DJANGO_BEHIND_TLS_PROXY=1 DJANGO_PROXY_COUNT=1 \
         DJANGO_ALLOWED_HOSTS="$site_name,$contractor_name" \
         DJANGO_APP_FACE_BY_HOST="$faces" DJANGO_APP_BIND="127.0.0.1:${ports[0]}" \
         DJANGO_VAR_DIR="$work/var-1"
  mkdir -p "$DJANGO_AUDIT_STATE_DIR"
fi
$py manage.py migrate --noinput -v 0

if [ "$servers" = 2 ]; then
  say "World: $contracts contracts in $sections sections (the ward's register)"
  $py loadtest/build_world.py --contracts "$contracts" --sections "$sections" --out "$work/world.json"
else
  say "World: $contracts contracts"
  $py loadtest/build_world.py --contracts "$contracts" --out "$work/world.json"
fi

healthy() {  # healthy URL: the app (or nginx in front of it) answers /healthz, as the balancer asks it
  $py - "$1" "$site_name" "$work/nginx/server.crt" <<'EOF' 2>/dev/null
import ssl, sys, urllib.request
url, name, ca = sys.argv[1:4]
request = urllib.request.Request(url, headers={"Host": name, "X-Forwarded-Proto": "https"} if name else {})
context = ssl.create_default_context(cafile=ca) if url.startswith("https") else None
urllib.request.urlopen(request, timeout=2, context=context)
EOF
}
start_gunicorn() {  # start_gunicorn N PORT: app server N on 127.0.0.1:PORT
  say "gunicorn $1: $workers workers on 127.0.0.1:$2"
  DJANGO_VAR_DIR="${work}/var${site_name:+-$1}" DJANGO_APP_BIND="127.0.0.1:$2" \
    .venv-load/bin/gunicorn config.wsgi:application --bind "127.0.0.1:$2" --workers "$workers" --timeout 120 \
    --log-level warning --error-logfile "$work/gunicorn-$1.log" &
  gunicorn_pids+=($!)
  for _ in $(seq 150); do
    healthy "http://127.0.0.1:$2/healthz" && return 0
    kill -0 "${gunicorn_pids[-1]}" 2>/dev/null || { cat "$work/gunicorn-$1.log" >&2; exit 1; }
    sleep 0.2
  done
  say "gunicorn $1 does not answer /healthz"; exit 1
}
if [ "$servers" = 2 ]; then
  start_gunicorn 1 "${ports[0]}"
  start_gunicorn 2 "${ports[1]}"
  say "nginx: the shipped sites on https://127.0.0.1:$front_port ($site_name, $contractor_name), upstream of the two"
  nginx -c "$work/nginx/nginx.conf" -p "$work/nginx" -g "daemon off;" 2>"$work/nginx/start.log" &
  nginx_pid=$!
  for _ in $(seq 100); do
    healthy "https://127.0.0.1:$front_port/healthz" && break
    kill -0 "$nginx_pid" 2>/dev/null || { cat "$work/nginx/start.log" >&2; exit 1; }
    sleep 0.1
  done
  host="https://127.0.0.1:$front_port"
else
  port="$(free_port)"
  start_gunicorn 1 "$port"
  host="http://127.0.0.1:$port"
fi
gunicorn_pid="${gunicorn_pids[0]}"

if [ -n "${LOADTEST_PROFILE:-}" ]; then
  .venv-load/bin/py-spy record --pid "$gunicorn_pid" --subprocesses --duration "$seconds" --rate 50 \
    --output "$LOADTEST_PROFILE" --nonblocking >&2 &
  profile_pid=$!
fi

# The people arrive and sign in at LOADTEST_SPAWN_RATE a second (PBKDF2 makes each sign-in cost half a
# second of CPU, as it should); the measured run of LOADTEST_SECONDS starts once all of them are in.
arrival=$(( (users + spawn_rate - 1) / spawn_rate + 2 ))
say "Locust: $users people arriving over ${arrival} s, then $seconds s measured"
LOADTEST_WORLD="$work/world.json" LOADTEST_SUMMARY="$work/summary.json" LOADTEST_HOST_HEADER="$site_name" \
  LOADTEST_CONTRACTOR_HOST="$contractor_name" \
  LOADTEST_CA="${site_name:+$work/nginx/server.crt}" \
  .venv-load/bin/locust -f loadtest/locustfile.py --headless --users "$users" --spawn-rate "$spawn_rate" \
  --run-time "$(( seconds + arrival ))s" --reset-stats --stop-timeout 10 --host "$host" \
  --only-summary \
  --loglevel WARNING >"$work/locust.log" 2>&1 || true
[ -f "$work/summary.json" ] || { cat "$work/locust.log" >&2; exit 1; }
[ -z "${LOADTEST_PROFILE:-}" ] || wait "$profile_pid" || true
for log in "$work"/gunicorn-*.log; do
  if grep -q -i -E "traceback|error" "$log"; then
    say "$(basename "$log"):"; tail -n 40 "$log" >&2
  fi
done

if [ "$servers" = 2 ]; then
  $py loadtest/report.py "$work/summary.json" --seconds "$seconds" --world "$work/world.json" \
    --servers "127.0.0.1:${ports[0]},127.0.0.1:${ports[1]}" --host-header "$site_name"
else
  $py loadtest/report.py "$work/summary.json" --seconds "$seconds"
fi

#!/usr/bin/env bash
# The whole test suite: checks, then SQLite, then a real PostgreSQL server, then the browser journeys.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh test

export DJANGO_HTTPS=0 DJANGO_MANIFEST_STATIC=0 DJANGO_VAR_DIR="$PWD/var/test"
# Compiled modules, and pytest's rewritten test modules, kept between runs (in .venv) even where the
# environment asks Python not to write them: every worker and every process a test starts imports the project.
unset PYTHONDONTWRITEBYTECODE
export PYTHONPYCACHEPREFIX="$PWD/.venv/pycache"
py=.venv/bin/python
pytest=(.venv/bin/pytest -p no:cacheprovider -q)

echo "== Lint and migrations"
.venv/bin/ruff check .
$py manage.py makemigrations --check --dry-run >/dev/null

echo "== Test suite on SQLite"
scripts/suite.sh "not browser"

echo "== Test suite on PostgreSQL"
trap 'scripts/pg_test_server.sh stop' EXIT
DATABASE_URL="$(scripts/pg_test_server.sh start)" scripts/suite.sh "not browser"
scripts/pg_test_server.sh stop
trap - EXIT

echo "== Browser journeys (Chromium)"
"${pytest[@]}" -m browser

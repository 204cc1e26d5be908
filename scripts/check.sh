#!/usr/bin/env bash
# The quick loop while developing: lint, migrations in step with the models, then the test suite on
# SQLite (all of it, or one app's tests). No Debian packages, no PostgreSQL, no browser: `make test`
# runs those. Usage: scripts/check.sh [APP] [pytest arguments...], e.g. `scripts/check.sh handover -x`.
# The tests run over all cores (scripts/suite.sh); TEST_WORKERS=0 runs them in one process.
set -euo pipefail
cd "$(dirname "$0")/.."

app="${1:-}"
shift || true

# Python packages only ('make setup' also installs the Debian packages); again when pyproject.toml changed.
source scripts/venv.sh

targets=(tests)
if [ -n "$app" ]; then
  if [ -e "tests/$app" ]; then
    targets=("tests/$app")
  elif [ -e "tests/$app.py" ]; then
    targets=("tests/$app.py")
  else
    echo "No tests for '$app'. One of: $(cd tests && ls -d */ | tr -d / | grep -v -e browser -e matrix -e __pycache__ | tr '\n' ' ')" >&2
    exit 2
  fi
fi

export DJANGO_HTTPS=0 DJANGO_MANIFEST_STATIC=0 DJANGO_VAR_DIR="$PWD/var/test"
# Compiled modules, and pytest's rewritten test modules, kept between runs (in .venv) even where the
# environment asks Python not to write them: every worker and every process a test starts imports the project.
unset PYTHONDONTWRITEBYTECODE
export PYTHONPYCACHEPREFIX="$PWD/.venv/pycache"
# The English catalogue is compiled when gettext is there and the catalogue changed (make setup installs it).
mo=locale/en/LC_MESSAGES/django.mo
if command -v msgfmt >/dev/null && { [ ! -f "$mo" ] || [ -n "$(find locale -name '*.po' -newer "$mo")" ]; }; then
  .venv/bin/python manage.py compilemessages --ignore=.venv -v 0
fi

echo "== Lint and migrations"
.venv/bin/ruff check .
.venv/bin/python manage.py makemigrations --check --dry-run >/dev/null

echo "== Tests on SQLite: ${targets[*]}"
scripts/suite.sh "not browser" "${targets[@]}" "$@"

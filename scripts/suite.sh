#!/usr/bin/env bash
# Runs the tests that MARKS selects (a pytest -m expression) over the machine's cores with pytest-xdist: one
# worker process per core, each with its own test database (pytest-django names them test_…_gw0, _gw1, …)
# and its own temporary directories. On a database server (DATABASE_URL set), the tests marked `alone` (they
# stop the server the workers share) run afterwards in one process; on SQLite each worker's database is its
# own and they run with the others.
#   scripts/suite.sh MARKS [pytest arguments and paths...]
# TEST_WORKERS sets the number of workers (default: auto, one per core; 0 runs everything in one process).
set -euo pipefail
cd "$(dirname "$0")/.."

marks="$1"
shift
pytest=(.venv/bin/pytest -p no:cacheprovider -q)

if [ -z "${DATABASE_URL:-}" ]; then
  exec "${pytest[@]}" -n "${TEST_WORKERS:-auto}" -m "$marks" "$@"
fi
status=0
"${pytest[@]}" -n "${TEST_WORKERS:-auto}" -m "($marks) and not alone" "$@" || status=$?
# Exit status 5 is "nothing selected": a run of one app's tests usually has no `alone` test.
alone=0
"${pytest[@]}" -m "($marks) and alone" "$@" || alone=$?
[ "$alone" -eq 5 ] || [ "$alone" -eq 0 ] || [ "$status" -ne 0 ] || status=$alone
exit "$status"

#!/usr/bin/env bash
# Set everything up and serve the demo on http://127.0.0.1:8000 (SQLite, demo data, demo users).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh run

# A local demonstration: plain HTTP on loopback, and accounts without a TOTP device may sign in
# (every page says so in a banner).
export DJANGO_HTTPS=0 DJANGO_DEMO_SKIP_TWO_FACTOR_ENROLMENT=1
# Both faces (core.faces): 127.0.0.1 the ward's, localhost the contractor's (only a contractor's pages; the rest 404).
export DJANGO_APP_FACE_BY_HOST="${DJANGO_APP_FACE_BY_HOST-localhost=contractor}"
py=.venv/bin/python
$py manage.py migrate --noinput -v 0
$py manage.py collectstatic --noinput -v 0
$py manage.py load_demo
echo "Serving http://127.0.0.1:8000/  (Ctrl-C to stop); the contractor face: http://localhost:8000/"
exec $py manage.py runserver "${DJANGO_RUN_ADDR:-127.0.0.1:8000}" --noreload

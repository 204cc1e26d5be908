.PHONY: run test check setup lint bench loadtest loadtest-two probe

run:            ## set everything up and serve the demo on http://127.0.0.1:8000
	bash scripts/run.sh

test:           ## set everything up and run the whole suite (SQLite, PostgreSQL, browser)
	bash scripts/test.sh

check:          ## while developing: lint and the SQLite suite, no apt, no browser (make check APP=handover)
	bash scripts/check.sh "$(APP)" $(ARGS)

setup:
	bash scripts/setup.sh test

lint:
	.venv/bin/ruff check .

loadtest:       ## 50 people for 60 s against gunicorn and a throwaway PostgreSQL; prints one "load:" line
	@bash scripts/loadtest.sh

loadtest-two:   ## 100 people over 500 contracts, two gunicorn behind the shipped nginx site; one "load:" line
	@LOADTEST_SERVERS=2 bash scripts/loadtest.sh

probe:          ## each role attacks the demo on loopback (leaks, 5xx, CSRF); prints one "probe:" line
	@bash scripts/setup.sh run >&2
	@.venv/bin/python scripts/attack_probe.py

# Each bench prints OK or OVER TARGET per figure and exits 1 on a miss; "-" runs the next one anyway.
bench:
	-DJANGO_HTTPS=0 DJANGO_MANIFEST_STATIC=0 .venv/bin/python bench/ledger_page.py
	-DJANGO_HTTPS=0 DJANGO_MANIFEST_STATIC=0 .venv/bin/python bench/checklist_pdf.py
	-DJANGO_HTTPS=0 DJANGO_MANIFEST_STATIC=0 .venv/bin/python bench/survey_export.py
	-DJANGO_HTTPS=0 DJANGO_MANIFEST_STATIC=0 .venv/bin/python bench/supervision.py
	-DJANGO_HTTPS=0 DJANGO_MANIFEST_STATIC=0 .venv/bin/python bench/register.py

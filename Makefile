# Provenance: `make demo` serves the app with the sample corpus; `make test` runs the suite.
# Both work on a fresh Debian machine with Python 3.11 and pip (uv is installed if missing).

SHELL := /bin/bash
.DEFAULT_GOAL := help

UV := $(shell command -v uv 2>/dev/null || echo "python3 -m uv")
MANAGE := $(UV) run --frozen python manage.py
HOST ?= 127.0.0.1
PORT ?= 8000
PYTEST_ARGS ?=

.PHONY: help uv install migrate demo-data demo serve worker test lint bench clean-demo

help:  ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-10s %s\n", $$1, $$2}'

uv:  ## install uv with pip if it is missing
	@command -v uv >/dev/null 2>&1 || python3 -m uv --version >/dev/null 2>&1 || \
		python3 -m pip install --user --quiet uv || \
		python3 -m pip install --quiet uv || \
		python3 -m pip install --user --quiet --break-system-packages uv

install: uv  ## install the locked dependencies into .venv
	$(UV) sync --frozen

migrate: install
	$(MANAGE) migrate --noinput

demo-data: migrate  ## demo accounts, default outlets and the five sample articles (idempotent)
	$(MANAGE) setup_demo
	$(MANAGE) ingest samples/seeds --manifest samples/seeds/manifest.csv --wait

demo: demo-data  ## serve the app with the sample corpus on http://127.0.0.1:8000/
	@echo "Provenance on http://$(HOST):$(PORT)/ : sign in with an account printed above (Ctrl-C stops)."
	$(MANAGE) runserver $(HOST):$(PORT)

worker: install  ## Celery worker and beat (needs REDIS_URL)
	@test -n "$$REDIS_URL" || { echo "REDIS_URL is not set: without it tasks run in-process and no worker is needed." >&2; exit 2; }
	$(UV) run --frozen celery -A provenance worker --beat --schedule var/celerybeat-schedule --concurrency 2 --loglevel INFO

test: install  ## run the test suite (DATABASE_URL/REDIS_URL optional; CI=true makes service tests mandatory)
	$(UV) run --frozen pytest -q -p no:cacheprovider --durations=15 $(PYTEST_ARGS)

lint: install  ## ruff, if installed in the environment
	$(UV) run --frozen --with ruff ruff check provenance tests

bench: install  ## parse throughput benchmark (no services; the others are in docs/benchmarks.md)
	$(UV) run --frozen python bench/bench_parse.py

clean-demo:  ## remove the SQLite database and media of the quick start
	rm -rf var/provenance.sqlite3 var/media

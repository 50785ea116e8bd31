# asb: make run (set up and serve the demo), make test (set up and run every check).
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
FLASK := $(BIN)/flask --app wsgi
WORKERS ?= $(shell echo $$(( $$(nproc 2>/dev/null || echo 1) * 2 + 1 )))
BIND ?= 127.0.0.1:8000

.PHONY: run test test-fast test-postgres lint serve assets setup clean help

help:
	@echo "make run     set everything up and serve the demo on http://127.0.0.1:5000"
	@echo "make test    set up and run ruff and the whole test suite (TEST_DATABASE_URL for PostgreSQL)"
	@echo "make test-fast  the same without the browser tests (about half the time)"
	@echo "make serve   serve with gunicorn (production: set ASB_CONFIG, SECRET_KEY, DATABASE_URL)"

$(BIN)/python:
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "asb needs Python 3.11 or newer")'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: requirements.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements.txt
	@touch $@

$(VENV)/.installed-dev: requirements-dev.txt requirements.txt $(VENV)/.installed
	$(BIN)/pip install --quiet -r requirements-dev.txt
	@touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund
	@touch $@

static/dist/.built: node_modules/.installed $(shell find assets scripts -type f 2>/dev/null)
	npm run build --silent
	@touch $@

assets: static/dist/.built

setup: $(VENV)/.installed assets

run: setup
	@mkdir -p instance
	$(FLASK) db upgrade
	$(FLASK) asb seed-demo
	@echo "Serving asb on http://127.0.0.1:5000 (Ctrl+C to stop)"
	$(FLASK) run --host 127.0.0.1 --port 5000

serve: setup
	$(BIN)/gunicorn --config gunicorn.conf.py --workers $(WORKERS) --bind $(BIND) wsgi:app

lint: $(VENV)/.installed-dev
	$(BIN)/ruff check .

test: $(VENV)/.installed-dev assets lint
	$(BIN)/pytest $(PYTEST_ARGS)

# Every test but those that drive Chromium (marked `browser`, see tests/conftest.py).
test-fast: $(VENV)/.installed-dev assets lint
	$(BIN)/pytest -m "not browser" $(PYTEST_ARGS)

clean:
	rm -rf $(VENV) node_modules static/dist instance/asb-test.sqlite3

# A million synthetic incidents in SQLite and PostgreSQL (generated once, then reused), timed;
# the figures go into docs/performance.md. Takes minutes: not part of `make test`.
.PHONY: bench
bench: $(VENV)/.installed
	$(BIN)/python -m bench $(BENCH_ARGS)

# 40 signed-in users for 60 s against gunicorn on PostgreSQL, in a database of its own
# (asb_loadtest, dropped afterwards), one worker killed mid-run; every acknowledged write
# is counted in the database. The figures go into docs/performance.md. Not part of `make test`.
.PHONY: loadtest
loadtest: $(VENV)/.installed
	$(BIN)/python -m bench.loadtest $(LOADTEST_ARGS)

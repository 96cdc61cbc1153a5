# DevOps Learn: the README's two commands live here (make run, make test).
SHELL := /bin/bash
.DEFAULT_GOAL := help

VENV := .venv
PY := $(VENV)/bin/python
HOST ?= 127.0.0.1
PORT ?= 8000
WORKERS ?= 2
# A Python >= 3.12: the first that works of these (a user's PATH, then pyenv's versions folder).
PYTHON ?= $(shell for c in python3.13 python3.12 python3 \
	$$(ls -d $$HOME/.pyenv/versions/3.1[2-9]*/bin/python3 /root/.pyenv/versions/3.1[2-9]*/bin/python3 2>/dev/null | sort -rV); do \
	  if command -v $$c >/dev/null 2>&1 && $$c -c 'import sys; sys.exit(sys.version_info < (3, 12))' 2>/dev/null; then \
	    command -v $$c; break; fi; done)

.PHONY: help setup prepare run dev test test-postgres bench scale-demo lint clean browser

help:
	@echo "make run            set up, load the course and demo accounts, serve on http://$(HOST):$(PORT)"
	@echo "make test           set up and run the whole test suite (browser tests included)"
	@echo "make dev            like run, with Django's autoreloading server and DEBUG=1"
	@echo "make setup          create .venv and install the dependencies"
	@echo "make test-postgres  the suite against DATABASE_URL=postgres://..."
	@echo "make bench          benchmarks (see bench/README.md)"
	@echo "make scale-demo     3 app instances + 2 workers + nginx + PostgreSQL + Redis under load, one of each"
	@echo "                    killed mid-run, then the database checked against the load's log (docs/scaling.md)"

$(VENV)/.installed: pyproject.toml
	@if [ -z "$(PYTHON)" ]; then \
	  echo "DevOps Learn needs Python 3.12 or newer and none was found."; \
	  echo "Install it (Debian/Ubuntu: apt-get install python3.12 python3.12-venv; macOS: brew install python@3.12)"; \
	  echo "or point to it: make PYTHON=/path/to/python3.12 ..."; exit 1; fi
	@echo "Using $(PYTHON) ($$($(PYTHON) --version))"
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	@$(PY) -m pip --version >/dev/null 2>&1 || $(PY) -m ensurepip --upgrade >/dev/null
	@$(PY) -m pip install --quiet --disable-pip-version-check uv
	@UV_PYTHON_DOWNLOADS=never $(VENV)/bin/uv pip install --quiet --python $(PY) -r pyproject.toml --extra test
	@touch $@

setup: $(VENV)/.installed

# A secret key for the production-mode server, generated once and kept in an ignored file.
.secret_key:
	@$(PYTHON) -c 'import secrets; print(secrets.token_urlsafe(64))' > $@ && chmod 600 $@

prepare: setup .secret_key
	@SECRET_KEY=$$(cat .secret_key) $(PY) manage.py migrate --noinput
	@SECRET_KEY=$$(cat .secret_key) $(PY) manage.py collectstatic --noinput --verbosity 0
	@SECRET_KEY=$$(cat .secret_key) $(PY) manage.py load_content
	@SECRET_KEY=$$(cat .secret_key) $(PY) manage.py seed_demo --force

run: prepare
	@echo ""
	@echo "DevOps Learn is starting on http://$(HOST):$(PORT)  (Ctrl+C to stop)"
	@echo "Log in as learner, instructor or lead; the password is devops-demo."
	@DEBUG=0 EMAIL_CONSOLE=1 SECRET_KEY=$$(cat .secret_key) ALLOWED_HOSTS=$(HOST),localhost,127.0.0.1 \
	  SITE_URL=$${SITE_URL:-http://$(HOST):$(PORT)} \
	  bin/with-graders \
	  $(VENV)/bin/gunicorn --config gunicorn.conf.py --bind $(HOST):$(PORT) --workers $(WORKERS) \
	  --access-logfile - --error-logfile -

dev: prepare
	@DEBUG=1 bin/with-graders $(PY) manage.py runserver $(HOST):$(PORT)

# Browser tests drive Chromium: Debian's package when we can install it, else Playwright's download.
browser: setup
	@if command -v chromium >/dev/null 2>&1 || [ -x /usr/bin/chromium ]; then :; \
	elif [ "$$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then \
	  echo "Installing Debian's chromium for the browser tests..."; \
	  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium) >/dev/null; \
	elif $(PY) -m playwright install chromium; then :; \
	else echo "The browser tests need Chromium: install Debian's 'chromium' package (as root: apt-get install chromium)"; \
	  echo "or run '$(PY) -m playwright install chromium' on a machine with internet access."; exit 1; fi

test: browser
	@$(PY) -m pytest -n $${PYTEST_WORKERS:-2} -q $(PYTEST_ARGS)

test-postgres: browser
	@if [ -z "$$DATABASE_URL" ]; then echo "Set DATABASE_URL=postgres://user:password@host/dbname"; exit 1; fi
	@$(PY) -m pytest -n $${PYTEST_WORKERS:-2} -q $(PYTEST_ARGS)

# Benchmarks: SQLite always; PostgreSQL too, from BENCH_POSTGRES_URL or, as root, a local cluster.
bench: setup
	@command -v wrk >/dev/null 2>&1 || { [ "$$(id -u)" = "0" ] && (apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk) >/dev/null; } || \
	  { echo "The benchmarks need wrk (Debian/Ubuntu: apt-get install wrk)."; exit 1; }
	@if [ -z "$$BENCH_POSTGRES_URL" ] && [ "$$(id -u)" = "0" ] && ls /usr/lib/postgresql/*/bin/pg_ctl >/dev/null 2>&1; then \
	  bash -c 'source .ci/postgres.sh && start_postgres devopslearn_bench' && \
	  export BENCH_POSTGRES_URL=postgres://devopslearn:devopslearn@127.0.0.1:5432/devopslearn_bench; fi; \
	$(PY) bench/run.py $(BENCH_ARGS)

# Not part of CI: a demonstration and a benchmark (as root it installs postgresql, redis-server, nginx).
# SCALE_LEARNERS, SCALE_USERS, SCALE_DURATION, SCALE_PORT, SCALE_REDIS_PORT: see bin/scale-demo.
scale-demo: setup
	@bin/scale-demo

lint: setup
	@$(VENV)/bin/ruff check .

clean:
	rm -rf $(VENV) staticfiles var .secret_key

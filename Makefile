# The two commands a newcomer needs: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run up test install migrate test-python test-postgres bench-room clean

$(VENV)/.installed: requirements.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements.txt
	touch $@

install: $(VENV)/.installed

migrate: install
	$(PY) manage.py migrate --noinput

run: migrate
	$(PY) -m studio.serve --host $(HOST) --port $(PORT)

# The production topology on this machine (PostgreSQL and Redis must be running): 2 daphne
# processes, a Celery worker and the job sweeper; see docs/deploy.md. Ctrl+C stops it all.
up: install
	$(PY) -m deploy.topology --env-file deploy/loopback.env

# Every test: the browser's pure core under node, the Python suite on the embedded
# default (SQLite, browser tests included), then the room and generation tests
# again against real PostgreSQL and Redis (with a real Celery worker).
test: install
	node --test tests/js/
	$(PY) -m pytest -q -m "not production_path"
	$(MAKE) --no-print-directory test-postgres

test-postgres: install
	@if $(PY) -c "import psycopg; psycopg.connect('$(PG_URL)', connect_timeout=3).close()" 2>/dev/null; then \
		DATABASE_URL=$(PG_URL) REDIS_URL=$(REDIS_TEST_URL) CONN_MAX_AGE=0 STUDIO_FUZZ_MESSAGES=$(PG_FUZZ_MESSAGES) $(PY) -m pytest -q tests/composer_ui tests/interop tests/research tests/deploy tests/faults tests/hostile; \
	else echo "PostgreSQL at $(PG_URL) is not answering: start it (see .ci/run)"; exit 1; fi

PG_URL ?= postgres://postgres@127.0.0.1:5432/test
REDIS_TEST_URL ?= redis://127.0.0.1:6379/15
# The SQLite pass sends the full 10,000 generated messages (tests/hostile); PostgreSQL + Redis a share of them.
PG_FUZZ_MESSAGES ?= 2000

bench-room: migrate
	$(PY) -m bench.room

clean:
	rm -rf $(VENV) var

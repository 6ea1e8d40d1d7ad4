# Everything runs from a local virtualenv that `make install` builds from the lock file
# (and any target below rebuilds when it changes). Needs only Python 3.11+.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
BENCH_DIR ?= ../shared/bench
BENCH_PORT ?= 8101

USERS ?= 10000
# The harness's wrk scripts read BENCH_USERS (the highest seeded id; 10000 when unset).
ifdef BENCH_USERS
export BENCH_USERS
endif

.PHONY: install lock run serve migrate superuser seed lint format test fuzz bench bench-seed clean

$(STAMP): pyproject.toml requirements-dev.lock
	$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11) and "Python 3.11+ is needed")'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements-dev.lock
	$(BIN)/python -m pip install --quiet --no-deps -e .
	touch $(STAMP)

install: $(STAMP)

## lock: pin every dependency anew from pyproject.toml (the service's, and the developers')
lock: install
	$(BIN)/uv pip compile pyproject.toml --python-version 3.11 --quiet -o requirements.lock
	$(BIN)/uv pip compile pyproject.toml --python-version 3.11 --extra dev --quiet -o requirements-dev.lock

## run: apply migrations, then serve (SQLite under ./var/ unless DATABASE_URL says otherwise)
run: migrate serve

## serve: HOST, PORT, WORKERS and DATABASE_URL come from the environment or .env
serve: install
	$(BIN)/python -m entrypoints.cli serve

migrate: install
	$(BIN)/python -m entrypoints.cli db upgrade

## superuser: make superuser EMAIL=... USERNAME=... (asks for the password)
superuser: install
	$(BIN)/python -m entrypoints.cli users create-superuser --email "$(EMAIL)" --username "$(USERNAME)"

## seed: make seed USERS=N [FORCE=1] fills the migrated PostgreSQL database at DATABASE_URL with
## N demo users, 3 posts (1-4 of 1,000 skewed tags each), 3 comments, 10 follows and 5 favourites
## each, and the user feedreader (id N) following 1,000 authors; password inkwell-demo; FORCE=1
## empties it first
seed: install
	$(BIN)/python -m entrypoints.cli seed --users "$(USERS)" $(if $(FORCE),--force)

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	$(BIN)/lint-imports

format: install
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

## test: unit, integration (memory, SQLite, PostgreSQL) and e2e suites
## Two pytest workers (pytest-xdist): the suite waits on servers, clusters and sockets as much as
## it computes, and one process took 7.5 min here; each worker makes its own databases.
## Work stealing: a worker that runs out takes tests from the other, so the slow ones (the
## fuzz run, the plan fills) do not leave one worker busy alone at the end (5m14s → 4m35s here).
PYTEST_WORKERS ?= 2
test: install
	$(BIN)/pytest -n $(PYTEST_WORKERS) --dist worksteal

## fuzz: schemathesis over every operation, every check (--checks all), against a real
## service (inkwell serve) on a throw-away PostgreSQL database (created, migrated and dropped,
## also on failure), logged in as a user and as a superuser; a couple of minutes. Bounded by
## tests/fuzz/schemathesis.toml; more with FUZZ_ARGS, e.g. FUZZ_ARGS="--max-examples 200 --seed 1".
## One worker: CPython 3.11's ast is not thread-safe and hypothesis parses lambdas with it.
fuzz: install
	$(BIN)/python -m tests.fuzz.run --checks all $(FUZZ_ARGS)

## bench: Inkwell beside the reference servers, with the shared harness. By default the harness
## seeds its 10,000 users before each peer; BENCH_KEEP_DATA=1 runs every peer on the data already
## in the bench database instead (make bench-seed), e.g. at a million users (README, Performance)
bench: install
	cd $(BENCH_DIR) && ./compare.sh --peer raw_limit --peer seed_ref \
		--peer inkwell@$(BENCH_PORT)='cd $(CURDIR) && exec make --no-print-directory serve' \
		$(if $(BENCH_KEEP_DATA),--no-seed,--prepare inkwell='cd $(CURDIR) && make --no-print-directory migrate') \
		$(BENCH_ARGS)

## bench-seed: BENCH_USERS=N make bench-seed starts the harness's PostgreSQL and replaces the bench
## database's schema with Inkwell's, seeded with N users (make seed)
bench-seed: install
	cd $(BENCH_DIR) && ./pg.sh start >/dev/null && ./pg.sh psql -qc 'DROP SCHEMA public CASCADE; CREATE SCHEMA public'
	DATABASE_URL=$$(cd $(BENCH_DIR) && ./pg.sh url) $(MAKE) --no-print-directory migrate seed USERS=$(or $(BENCH_USERS),$(USERS))

clean:
	rm -rf $(VENV) var .pytest_cache .mypy_cache .ruff_cache .hypothesis

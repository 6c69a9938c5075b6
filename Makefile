# CreatorFlix — `make run` serves the API on the embedded defaults, `make test` runs
# every test. Both create the virtualenv and install what they need.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
# Two stamps: `make run` installs what serving needs, `make test` adds the test extras.
STAMP := $(VENV)/.installed-stamp
TEST_STAMP := $(VENV)/.test-installed-stamp
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: install install-serve run migrate lint test typecheck bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(STAMP): setup.cfg pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e .
	touch $(STAMP)

$(TEST_STAMP): setup.cfg pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(STAMP) $(TEST_STAMP)

# `make install`: everything a developer needs (tests, mypy); `make run` needs only
# install-serve (`pip install -e .`).
install: $(TEST_STAMP)

install-serve: $(STAMP)

migrate: install-serve
	$(BIN)/creatorflix migrate

# One worker (8 threads): rate limits count in process with the default memory://
# storage, so a single process keeps them exact (README: Configuration).
run: migrate
	$(BIN)/creatorflix serve --host $(HOST) --port $(PORT) --workers 1 --threads 8

# Tests in 3 processes (pytest-xdist): on 2 cores they overlap what waits on
# PostgreSQL, gunicorn, chromium and the loopback servers. PYTEST_WORKERS= runs them in one.
PYTEST_WORKERS ?= -n 3
test: install lint
	$(BIN)/python -m pytest $(PYTEST_WORKERS) $(PYTEST_ARGS)

# Style and architecture (configured in pyproject.toml [tool.ruff] and .importlinter):
# lint with import sorting, the formatter's verdict (nothing rewritten), and the import
# contracts (layers, a pure domain, independent capabilities).
lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports

# mypy over domain, ports, adapters and entrypoints, as configured in setup.cfg [mypy].
typecheck: install
	$(BIN)/mypy $(MYPY_ARGS)

bench: install
	$(BIN)/python bench/run_all.py $(BENCH_ARGS)

clean:
	rm -rf $(VENV) .pytest_cache .hypothesis *.egg-info

"""Fixtures shared by every test: backends (memory, Pony/SQLite, Pony/PostgreSQL),
dependencies, the Falcon test client, and users with tokens. The helpers behind them
live in tests/support (deps.py, backends.py): test modules import helpers from there."""

from __future__ import annotations

import os
import shutil
import tempfile
import uuid
from pathlib import Path

import pytest
from falcon.testing import TestClient
from hypothesis import settings

from adapters import migrator
from adapters.clock import FakeClock
from entrypoints.bootstrap import Deps
from entrypoints.config import Config
from tests.support import postgres
from tests.support.backends import BACKENDS, Backend, make_backend
from tests.support.deps import IN_CI, TEST_RATE_LIMIT_FACTOR, TEST_SECRET, Actors, deps_for

# Importable from here only for test modules written before the helpers moved to
# tests/support (tests/unit/test_architecture.py names them); remove with the last one.

RAM_DISK = "/dev/shm"

# Hypothesis: no per-example deadline (a timed assertion in disguise: a 2-core machine
# running 3 workers misses 200 ms now and then), and in CI the same examples every run.
settings.register_profile("creatorflix", deadline=None, derandomize=IN_CI)
settings.load_profile("creatorflix")


@pytest.fixture(scope="session")
def database_dir(tmp_path_factory):
    """Where the tests' SQLite files live: a RAM disk when there is one (Linux), since a
    SQLite commit waits for the disk (~10 ms each on a busy one, a few µs on tmpfs);
    the tests never need a database to survive a crash."""
    if os.path.isdir(RAM_DISK) and os.access(RAM_DISK, os.W_OK):
        folder = tempfile.mkdtemp(prefix="creatorflix-tests-", dir=RAM_DISK)
        yield Path(folder)
        shutil.rmtree(folder, ignore_errors=True)
    else:
        yield tmp_path_factory.mktemp("databases")


@pytest.fixture
def database_path(database_dir) -> Path:
    """A fresh SQLite file name (not created) for one test, in `database_dir`."""
    return Path(tempfile.mkdtemp(dir=database_dir)) / "test.db"


@pytest.fixture(scope="session")
def sqlite_database(database_dir):
    from adapters.pony.database import PonyDatabase

    url = f"sqlite:///{database_dir / 'creatorflix.db'}"
    migrator.migrate(url)
    pdb = PonyDatabase(url)
    yield pdb
    pdb.close()


@pytest.fixture(scope="session")
def postgres_url():
    problem = postgres.ensure_server()
    if problem:
        if IN_CI:
            pytest.fail(f"PostgreSQL is mandatory in CI: {problem}")
        pytest.skip(f"PostgreSQL tests skipped: {problem}")
    name = f"creatorflix_test_{os.getpid()}_{uuid.uuid4().hex[:6]}"
    url = postgres.create_database(name)
    # Commits of this scratch database do not wait for the WAL to reach the disk (~5x
    # faster on a busy disk); locking and isolation are unchanged.
    _alter_database(name, "SET synchronous_commit TO off")
    migrator.migrate(url)
    yield url
    postgres.drop_database(name)


def _alter_database(name: str, change: str) -> None:
    import psycopg2

    conn = psycopg2.connect(postgres.admin_url(), connect_timeout=3)
    conn.autocommit = True
    try:
        with conn.cursor() as cur:
            cur.execute(f'ALTER DATABASE "{name}" {change}')
    finally:
        conn.close()


@pytest.fixture(scope="session")
def postgres_database(postgres_url):
    from adapters.pony.database import PonyDatabase

    pdb = PonyDatabase(postgres_url)
    yield pdb
    pdb.close()


@pytest.fixture(params=BACKENDS)
def backend(request) -> Backend:
    """Each test using it runs once per persistence set-up (tests/e2e overrides it: memory
    only, but for the tests marked `smoke`)."""
    return make_backend(request.param, request)


@pytest.fixture(params=["sqlite", "postgres"])
def pony_backend(request) -> Backend:
    """For tests of what only a real database does (query counts, locks)."""
    return make_backend(request.param, request)


@pytest.fixture
def memory_backend(request) -> Backend:
    return make_backend("memory", request)


@pytest.fixture
def pg_backend(request) -> Backend:
    return make_backend("postgres", request)


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def config(tmp_path) -> Config:
    # The age gate (issue 16) is off here so the tests of what assured callers see stay
    # as they were; tests/e2e/test_age_gate.py and test_age_assurance*.py turn it on.
    # Rate limits x1000 (issue 13): tests log in many times from one address; the real
    # limits are proven in tests/e2e/test_rate_limits.py.
    # Mail (issue 14): the databases' deps deliver to .eml files in the test's folder.
    return Config(
        secret_key=TEST_SECRET,
        storage_url=f"file://{tmp_path / 'media'}",
        age_gate=False,
        rate_limit_factor=TEST_RATE_LIMIT_FACTOR,
        mail_url=f"file://{tmp_path / 'outbox'}",
    )


@pytest.fixture
def deps(backend, config, clock) -> Deps:
    return deps_for(backend, config, clock)


@pytest.fixture
def client(deps) -> TestClient:
    from entrypoints.http.app import create_app

    return TestClient(create_app(deps))


@pytest.fixture
def actors(deps) -> Actors:
    return Actors(deps)

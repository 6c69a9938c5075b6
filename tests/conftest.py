"""Fixtures shared by every test: backends (memory, Pony/SQLite, Pony/PostgreSQL),
dependencies, the Falcon test client, and users with tokens."""
from __future__ import annotations

import os
import shutil
import tempfile
import uuid
from pathlib import Path

import pytest
from falcon.testing import TestClient

from adapters import migrator
from adapters.clock import FakeClock
from adapters.memory.unit_of_work import MemoryStore
from adapters.security import Argon2PasswordHasher
from entrypoints.bootstrap import Deps, build_deps, build_memory_deps
from entrypoints.config import Config
from tests.support import postgres
from tests.support.backends import Backend, clear_pony, table_names_children_first

BACKENDS = ["memory", "sqlite", "postgres"]
IN_CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")
TEST_SECRET = "test-secret-key-" + "x" * 32
TEST_RATE_LIMIT_FACTOR = 1000.0


RAM_DISK = "/dev/shm"


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


_PG_RESET_SQL: dict[str, str] = {}


def reset_database(pdb) -> None:
    """Empty every table and restart the id sequences, between tests. On PostgreSQL in one
    round trip of DELETEs (children first) and sequence restarts: a TRUNCATE of every
    table (`clear_pony`) costs ~5 times as much, paid by every test on PostgreSQL."""
    if pdb.dialect != "postgresql":
        clear_pony(pdb)
        return
    from pony.orm import db_session
    with db_session:
        if pdb.url not in _PG_RESET_SQL:
            tables = table_names_children_first()
            sequences = pdb.db.select(
                "SELECT pg_get_serial_sequence(quote_ident(table_name), column_name) "
                "FROM information_schema.columns WHERE table_schema = current_schema() "
                "AND table_name IN $(tuple(tables))", {"tables": tables})
            _PG_RESET_SQL[pdb.url] = "; ".join(
                [f"DELETE FROM {table}" for table in tables]
                + [f"ALTER SEQUENCE {seq} RESTART" for seq in sequences if seq])
        pdb.db.execute(_PG_RESET_SQL[pdb.url])


def make_backend(name: str, request) -> Backend:
    if name == "memory":
        return Backend("memory", MemoryStore())
    pdb = request.getfixturevalue(f"{name}_database")
    reset_database(pdb)
    return Backend(name, pdb, pdb.url)


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
    return Config(secret_key=TEST_SECRET, storage_url=f"file://{tmp_path / 'media'}",
                  age_gate=False, rate_limit_factor=TEST_RATE_LIMIT_FACTOR,
                  mail_url=f"file://{tmp_path / 'outbox'}")


# Slow on purpose in production, not here.
FAST_HASHER = Argon2PasswordHasher(memory_cost=8, time_cost=1)


def deps_for(backend: Backend, config: Config, clock) -> Deps:
    if backend.is_pony:
        return build_deps(config, clock=clock, hasher=FAST_HASHER, database=backend.database)
    return build_memory_deps(config, clock=clock, hasher=FAST_HASHER, store=backend.database)


@pytest.fixture
def deps(backend, config, clock) -> Deps:
    return deps_for(backend, config, clock)


@pytest.fixture
def client(deps) -> TestClient:
    from entrypoints.http.app import create_app
    return TestClient(create_app(deps))


class Actors:
    """Creates users through the real use cases and hands out bearer headers."""

    def __init__(self, deps: Deps):
        self.deps = deps

    def admin(self, email: str = "admin@example.com") -> dict:
        from domain.accounts.auth import create_admin, issue_token
        from domain.accounts.commands import CreateAdmin
        user, _ = create_admin(self.deps.auth, CreateAdmin(email, "admin-password"))
        return self.headers(issue_token(self.deps.auth, user).token)

    def user(self, email: str = "user@example.com") -> dict:
        from domain.accounts.auth import register
        from domain.accounts.commands import Register
        session = register(self.deps.auth, Register(email=email, password="user-password"))
        return self.headers(session.token)

    @staticmethod
    def headers(token: str) -> dict:
        return {"Authorization": f"Bearer {token}"}


@pytest.fixture
def actors(deps) -> Actors:
    return Actors(deps)

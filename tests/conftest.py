"""Fixtures shared by every test: backends (memory, Pony/SQLite, Pony/PostgreSQL),
dependencies, the Falcon test client, and users with tokens."""
from __future__ import annotations

import os
import uuid

import pytest
from falcon.testing import TestClient

from adapters import migrator
from adapters.clock import FakeClock
from adapters.memory.unit_of_work import MemoryStore
from adapters.security import ScryptPasswordHasher
from entrypoints.bootstrap import Deps, build_deps, build_memory_deps
from entrypoints.config import Config
from tests.support import postgres
from tests.support.backends import Backend, clear_pony

BACKENDS = ["memory", "sqlite", "postgres"]
IN_CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")
TEST_SECRET = "test-secret-key-" + "x" * 32


@pytest.fixture(scope="session")
def sqlite_database(tmp_path_factory):
    from adapters.pony.database import PonyDatabase
    url = f"sqlite:///{tmp_path_factory.mktemp('db') / 'creatorflix.db'}"
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
    migrator.migrate(url)
    yield url
    postgres.drop_database(name)


@pytest.fixture(scope="session")
def postgres_database(postgres_url):
    from adapters.pony.database import PonyDatabase
    pdb = PonyDatabase(postgres_url)
    yield pdb
    pdb.close()


def make_backend(name: str, request) -> Backend:
    if name == "memory":
        return Backend("memory", MemoryStore())
    pdb = request.getfixturevalue(f"{name}_database")
    clear_pony(pdb)
    return Backend(name, pdb, pdb.url)


@pytest.fixture(params=BACKENDS)
def backend(request) -> Backend:
    """Each test using it runs once per persistence set-up."""
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
    return Config(secret_key=TEST_SECRET, storage_url=f"file://{tmp_path / 'media'}")


FAST_HASHER = ScryptPasswordHasher(n=2 ** 8)  # slow on purpose in production, not here


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

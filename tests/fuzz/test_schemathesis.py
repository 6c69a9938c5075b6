"""Every route of /openapi.json fuzzed by schemathesis, in process over the WSGI app, as
an anonymous caller, a subscriber and an administrator: no answer may be a server error,
and every answer must be documented (status code, content type, body schema).

The document is the app's own /openapi.json; each operation runs against a freshly
seeded database (demo catalogue, checkouts, a synced white-label model, so the ids a
fuzzer guesses first exist), with the sandbox gateway: on SQLite locally, on SQLite
and PostgreSQL in CI (CI=true; the contract suite in tests/integration proves that the
databases answer every repository query alike, so one is enough for a local run).
About half of the cases carry the tokens and ids a real client would have (see
realistic.py). Deterministic: derandomized, fixed seed, bounded example count
(FUZZ_EXAMPLES; CREATORFLIX_FUZZ_EXAMPLES=200 for a deeper local run)."""

from __future__ import annotations

import os
import sqlite3
import tempfile
from contextlib import closing
from pathlib import Path

import attrs
import pytest
import schemathesis
from falcon.testing import TestClient
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from adapters import migrator
from adapters.clock import FakeClock
from adapters.pony.database import PonyDatabase, sqlite_path
from entrypoints.bootstrap import build_deps, build_memory_deps
from entrypoints.config import Config
from entrypoints.http.app import create_app
from tests.fuzz.realistic import steer
from tests.support.backends import reset_database
from tests.support.deps import FAST_HASHER, IN_CI, TEST_SECRET
from tests.support.seeded_app import seed_app, write_media

# Examples per operation in the fuzzing phase (the examples and coverage phases add
# their own deterministic cases). Raise it locally for a deeper run.
FUZZ_EXAMPLES = int(os.environ.get("CREATORFLIX_FUZZ_EXAMPLES", "40"))
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
    response_headers_conformance,
]
CONFIG = schemathesis.Config.from_dict(
    {
        "seed": 20240801,
        "suppress-health-check": ["too_slow", "filter_too_much", "data_too_large"],
        "generation": {
            "mode": "positive",
            "max-examples": FUZZ_EXAMPLES,
            "deterministic": True,
            "database": "none",
            "with-security-parameters": False,
        },
        "phases": {"stateful": {"enabled": False}},
    }
)
# A closed loopback port: a gateway the fuzzer activates answers "unavailable" at once,
# and nothing ever leaves the machine.
CLOSED_PORT_URL = "http://127.0.0.1:9"


def _document_app():
    """The app whose /openapi.json is loaded (the document does not depend on data)."""
    config = Config(secret_key=TEST_SECRET, storage_url="file:///nonexistent-fuzz-media")
    return create_app(build_memory_deps(config, hasher=FAST_HASHER))


schema = schemathesis.openapi.from_wsgi("/openapi.json", _document_app(), config=CONFIG)


# SQLite (the embedded default) always; PostgreSQL (production) too in CI.
FUZZ_DATABASES = ["sqlite", "postgres"] if IN_CI else ["sqlite"]


@pytest.fixture(scope="module", params=FUZZ_DATABASES)
def fuzz_database(database_dir, request):
    """The database the fuzzed app runs on: (media folder, db)."""
    folder = Path(tempfile.mkdtemp(prefix="fuzz-", dir=database_dir))
    if request.param == "postgres":
        yield folder, request.getfixturevalue("postgres_database")
        return
    url = f"sqlite:///{folder / 'fuzz.db'}"
    migrator.migrate(url)
    pdb = PonyDatabase(url)
    yield folder, pdb
    pdb.close()


def fuzz_deps(folder: Path, pdb):
    config = Config(
        secret_key=TEST_SECRET,
        storage_url=f"file://{folder / 'media'}",
        database_url=pdb.url,
        junglepay_url=CLOSED_PORT_URL,
        rate_limit_factor=1e6,
    )  # a 429 would hide what the body would get
    return build_deps(config, clock=FakeClock(), hasher=FAST_HASHER, database=pdb)


def copy_sqlite(source: str, target: str) -> None:
    """The whole database `source` into `target` (SQLite's online backup)."""
    with closing(sqlite3.connect(source)) as src, closing(sqlite3.connect(target)) as dst:
        src.backup(dst)


@pytest.fixture(scope="module")
def seeded_snapshot(fuzz_database):
    """SQLite: the database seeded once per module and kept aside, (SeededApp, its copy),
    so that each operation starts from the very same rows for the cost of a file copy.
    None on PostgreSQL, which is seeded again for each operation."""
    folder, pdb = fuzz_database
    if pdb.dialect != "sqlite":
        yield None
        return
    reset_database(pdb)
    seeded = seed_app(fuzz_deps(folder, pdb), folder / "media")
    copy = str(folder / "seeded.db")
    copy_sqlite(sqlite_path(pdb.url), copy)
    yield seeded, copy


@pytest.fixture
def seeded(fuzz_database, seeded_snapshot):
    """A freshly seeded app per operation (a DELETE fuzzed on one operation does not
    starve the next one of rows): the seeded rows restored, new dependencies (no
    in-process state, such as rate limits, carried from one operation to the next)."""
    folder, pdb = fuzz_database
    if seeded_snapshot is None:
        reset_database(pdb)
        return seed_app(fuzz_deps(folder, pdb), folder / "media")
    seeded, copy = seeded_snapshot
    copy_sqlite(copy, sqlite_path(pdb.url))
    write_media(folder / "media")
    deps = fuzz_deps(folder, pdb)
    # The tokens and ids of the seeding hold: the same rows, secret and clock.
    return attrs.evolve(seeded, deps=deps, client=TestClient(create_app(deps)))


@schema.parametrize()
# The fixture is per operation on purpose (reseeded), not per example.
@settings(suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_every_route_answers_as_documented_to_every_role(case, seeded):
    steer(case, seeded)
    anonymous = {k: v for k, v in (case.headers or {}).items() if k.lower() != "authorization"}
    # Administrators last: what they change (a DELETE) is what the others saw first.
    for headers in ({}, seeded.user, seeded.admin):
        response = case.call(app=seeded.client.app, headers={**anonymous, **headers})
        case.validate_response(response, checks=CHECKS)

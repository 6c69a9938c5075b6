"""The e2e layer of the test pyramid: the Falcon app through its TestClient runs on the
in-memory adapters. A test marked `smoke` runs on memory, SQLite and PostgreSQL: the
main journey of every capability (and what only a real database can get wrong, such as
values it cannot hold) reaches a real database through the API.

What the databases answer to each repository query is proven equal to the in-memory
adapters by the contract suite (tests/integration); tests of what only a database does
(query counts, locks, concurrency) ask for `pony_backend` / `pg_backend` directly."""

from __future__ import annotations

import pytest

from tests.support.backends import BACKENDS, make_backend

SMOKE_BACKENDS = BACKENDS  # memory, sqlite, postgres
DEFAULT_BACKENDS = ["memory"]


@pytest.fixture
def backend(request):
    """The persistence set-up the app runs on: memory, or each of SMOKE_BACKENDS for a
    `smoke` test (parametrised by pytest_generate_tests below)."""
    return make_backend(getattr(request, "param", "memory"), request)


def _chooses_its_own_backend(metafunc) -> bool:
    """The test says itself which backend(s) it runs on: an explicit
    @pytest.mark.parametrize("backend", ..., indirect=True), or a `backend` fixture of
    its module (e.g. test_secrets.py: the databases only)."""
    for mark in metafunc.definition.iter_markers("parametrize"):
        names = mark.args[0] if mark.args else mark.kwargs.get("argnames", "")
        if isinstance(names, str):
            names = [name.strip() for name in names.split(",")]
        if "backend" in names:
            return True
    return getattr(metafunc.module, "backend", None) is not None


def pytest_generate_tests(metafunc):
    if "backend" not in metafunc.fixturenames or _chooses_its_own_backend(metafunc):
        return
    smoke = metafunc.definition.get_closest_marker("smoke") is not None
    metafunc.parametrize("backend", SMOKE_BACKENDS if smoke else DEFAULT_BACKENDS, indirect=True)

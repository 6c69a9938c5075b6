"""A gunicorn worker that boots while PostgreSQL does not answer waits for it (up to
entrypoints.server.BOOT_WAIT_SECONDS) instead of failing to boot — which made gunicorn
stop the whole server (tests/integration/test_deployment_drill.py found it: a worker
killed during a database restart took its server down)."""

from __future__ import annotations

import pytest

from adapters.pony.database import PonyDatabase
from domain.common.errors import ServiceUnavailable
from entrypoints.server import when_the_database_answers
from tests.support.s3 import free_port


def test_a_postgresql_that_does_not_answer_is_unavailable_not_a_crash():
    with pytest.raises(ServiceUnavailable):
        PonyDatabase(f"postgresql://postgres@127.0.0.1:{free_port()}/nothing")


def test_a_worker_loads_its_app_once_the_database_answers():
    failures = [ServiceUnavailable("the database does not answer")] * 2

    def load() -> str:
        if failures:
            raise failures.pop()
        return "app"

    assert when_the_database_answers(load, seconds=5, pause=0) == "app"
    assert failures == []


def test_a_database_that_never_answers_fails_the_boot_in_the_end():
    def load() -> str:
        raise ServiceUnavailable("the database does not answer")

    with pytest.raises(ServiceUnavailable):
        when_the_database_answers(load, seconds=0, pause=0)


def test_other_boot_errors_are_not_waited_for():
    calls = []

    def load() -> str:
        calls.append(1)
        raise ValueError("unsupported database URL scheme 'mysql'")

    with pytest.raises(ValueError):
        when_the_database_answers(load, seconds=5, pause=0)
    assert calls == [1]

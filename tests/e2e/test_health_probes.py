"""Health for balancers (issue 21, finding 6): /health/live touches nothing but the
process; /health/ready answers 503 while the database does not answer or has migrations
to apply, and says how rate limits count; /health stays as it was."""

from __future__ import annotations

import attrs
from falcon.testing import TestClient

from entrypoints.http.app import create_app
from tests.support.api import assert_error


class Down:
    """A database that does not answer: every use of it fails."""

    def ping(self) -> bool:
        return False

    def migrations_current(self) -> bool:
        raise AssertionError("a database that does not answer is not asked for more")


class Behind:
    def ping(self) -> bool:
        return True

    def migrations_current(self) -> bool:
        return False


def no_database():
    raise AssertionError("/health/live opened a unit of work")


class DegradedLimiter:
    """What the Redis rate limiter says while Redis fails (adapters/rate_limits.py)."""

    shared, degraded = True, True

    def hit(self, rate, key):
        return None

    def wait(self, rate, key):
        return None

    def reset(self, rate, key):
        return None


def test_live_answers_with_the_database_down_and_never_touches_it(deps):
    client = TestClient(create_app(attrs.evolve(deps, health=Down(), uow=no_database)))
    result = client.simulate_get("/health/live")
    assert result.status_code == 200 and result.json == {"status": "ok"}
    assert result.headers["cache-control"] == "no-store"
    assert_error(client.simulate_get("/health"), 503, "unavailable")  # as before


def test_ready_when_the_database_answers_and_its_migrations_are_current(client):
    result = client.simulate_get("/health/ready")
    assert result.status_code == 200
    assert result.json == {
        "status": "ready",
        "checks": {"database": "ok", "migrations": "current", "rate_limits": "memory"},
    }


def test_not_ready_with_the_database_down(deps):
    client = TestClient(create_app(attrs.evolve(deps, health=Down())))
    result = client.simulate_get("/health/ready")
    assert_error(result, 503, "unavailable")
    assert result.json["checks"]["database"] == "down"
    assert result.headers["retry-after"]


def test_not_ready_with_migrations_to_apply(deps):
    client = TestClient(create_app(attrs.evolve(deps, health=Behind())))
    result = client.simulate_get("/health/ready")
    assert_error(result, 503, "unavailable")
    assert result.json["checks"]["migrations"] == "pending"
    assert "creatorflix migrate" in result.json["error"]["message"]


def test_ready_reports_rate_limits_counting_per_process_while_redis_fails(deps):
    client = TestClient(create_app(attrs.evolve(deps, rate_limiter=DegradedLimiter())))
    result = client.simulate_get("/health/ready")
    assert result.status_code == 200
    assert result.json["checks"]["rate_limits"] == "degraded"


def test_ready_checks_wait_on_one_check_at_most_and_a_hung_one_means_not_ready():
    """While one check hangs on the database, the others hold no extra database call:
    after a second they answer 'down' (the hung one still holds its thread)."""
    import threading

    from entrypoints.http.health import Readiness

    release, asked = threading.Event(), []

    class Hung:
        def ping(self) -> bool:
            asked.append(1)
            release.wait(10)
            return True

        def migrations_current(self) -> bool:
            return True

    readiness = Readiness(Hung(), DegradedLimiter(), clock=lambda: 100.0)  # time stands
    first = threading.Thread(target=readiness.check)
    first.start()
    while not asked:
        threading.Event().wait(0.01)
    assert readiness.check() == {"database": "down", "migrations": "unknown"}
    assert len(asked) == 1
    release.set()
    first.join()
    assert readiness.check() == {"database": "ok", "migrations": "current"}  # reused
    assert len(asked) == 1

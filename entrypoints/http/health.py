"""GET /health, /health/live, /health/ready and /openapi.json.

For balancers (issue 21): /health/live says the process answers and touches nothing (no
database, no gateway, no Redis); /health/ready says this server can take traffic — the
database answers and its migrations are current (503 otherwise) — and how rate limits
count (`redis`, `memory`, or `degraded`: Redis fails and each process counts on its own,
still 200). /health stays as it was: the process and the database.

A ready check holds at most one thread of a process: while one runs, the others wait up
to a second for it, then answer what it found if that is recent, else "database down";
so a hung database cannot pile balancer probes onto every thread. Slow clients hold no
thread at all (requests are buffered whole first: entrypoints/slow_clients.py), and
gateway calls are capped to part of the threads, so a live check always finds a thread."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

import falcon

from entrypoints.bootstrap import Deps
from entrypoints.http.errors import error_body
from entrypoints.http.openapi import OpenApiResource
from entrypoints.http.routes import NO_MEDIA, Operation, Route
from entrypoints.http.schemas import ERROR_SCHEMA
from ports.rate_limits import RateLimiter
from ports.unit_of_work import HealthProbe

HEALTH_SCHEMA = {
    "type": "object",
    "required": ["status"],
    "properties": {"status": {"type": "string", "enum": ["ok"]}},
}
CHECKS_SCHEMA = {
    "type": "object",
    "required": ["database", "migrations", "rate_limits"],
    "properties": {
        "database": {"type": "string", "enum": ["ok", "down"]},
        "migrations": {"type": "string", "enum": ["current", "pending", "unknown"]},
        "rate_limits": {"type": "string", "enum": ["redis", "memory", "degraded"]},
    },
}
READY_SCHEMA = {
    "type": "object",
    "required": ["status", "checks"],
    "properties": {"status": {"type": "string", "enum": ["ready"]}, "checks": CHECKS_SCHEMA},
}
NOT_READY_SCHEMA = {
    **ERROR_SCHEMA,
    "required": ["error", "checks"],
    "properties": {**ERROR_SCHEMA["properties"], "checks": CHECKS_SCHEMA},
}
RETRY = {
    503: {
        "Retry-After": {
            "type": "integer",
            "minimum": 1,
            "description": "seconds before checking again",
        }
    }
}
# How long a ready check's answer is reused by the checks that come while it is fresh.
READY_REUSE_SECONDS = 1.0


class HealthResource:
    def __init__(self, probe: HealthProbe):
        self.probe = probe

    def on_get(self, req: falcon.Request, resp: falcon.Response) -> None:
        if self.probe.ping():
            resp.media = {"status": "ok"}
        else:
            resp.status = falcon.HTTP_503
            resp.media = error_body("unavailable", "the database does not answer")


class LiveResource:
    """The process answers: nothing else is looked at."""

    def on_get(self, req: falcon.Request, resp: falcon.Response) -> None:
        resp.cache_control = ("no-store",)  # a cached answer would hide a dead process
        resp.media = {"status": "ok"}


def rate_limit_state(limiter: RateLimiter) -> str:
    if getattr(limiter, "degraded", False):
        return "degraded"
    return "redis" if getattr(limiter, "shared", False) else "memory"


class Readiness:
    """The ready checks, run by one thread at a time (see the module docstring)."""

    def __init__(
        self, probe: HealthProbe, limiter: RateLimiter, clock: Callable[[], float] = time.monotonic
    ):
        self.probe, self.limiter, self.clock = probe, limiter, clock
        self._running = threading.Lock()
        self._last: tuple[float, dict] | None = None

    def check(self) -> dict:
        """{"database": …, "migrations": …} (see CHECKS_SCHEMA), the rate limits apart."""
        if not self._running.acquire(timeout=READY_REUSE_SECONDS):
            # The running check has waited on the database for over a second: only an
            # answer it found a moment ago stands; else the database is not answering.
            if self._last is not None and self.clock() - self._last[0] < 2 * READY_REUSE_SECONDS:
                return self._last[1]
            return {"database": "down", "migrations": "unknown"}
        try:
            if self._last is not None and self.clock() - self._last[0] < READY_REUSE_SECONDS:
                return self._last[1]
            found = self._run()
            self._last = (self.clock(), found)
            return found
        finally:
            self._running.release()

    def _run(self) -> dict:
        if not self.probe.ping():
            return {"database": "down", "migrations": "unknown"}
        current = self.probe.migrations_current()
        return {"database": "ok", "migrations": "current" if current else "pending"}


class ReadyResource:
    def __init__(self, readiness: Readiness):
        self.readiness = readiness

    def on_get(self, req: falcon.Request, resp: falcon.Response) -> None:
        resp.cache_control = ("no-store",)
        checks = {**self.readiness.check(), "rate_limits": rate_limit_state(self.readiness.limiter)}
        if checks["database"] == "ok" and checks["migrations"] == "current":
            resp.media = {"status": "ready", "checks": checks}
            return
        resp.status = falcon.HTTP_503
        message = (
            "the database does not answer"
            if checks["database"] != "ok"
            else "the database has migrations to apply (creatorflix migrate)"
        )
        resp.media = {**error_body("unavailable", message), "checks": checks}
        resp.set_header("Retry-After", "5")


def routes(deps: Deps, spec_provider: Callable[[], dict]) -> list[Route]:
    readiness = Readiness(deps.health, deps.rate_limiter)
    return [
        Route(
            "/health",
            HealthResource(deps.health),
            (
                Operation(
                    "GET",
                    "Liveness and database check",
                    tags=("platform",),
                    responses={200: HEALTH_SCHEMA},
                    serves=NO_MEDIA,
                ),
            ),
        ),
        Route(
            "/health/live",
            LiveResource(),
            (
                Operation(
                    "GET",
                    "The process answers (for balancers; touches nothing else)",
                    tags=("platform",),
                    responses={200: HEALTH_SCHEMA},
                    serves=NO_MEDIA,
                ),
            ),
        ),
        Route(
            "/health/ready",
            ReadyResource(readiness),
            (
                Operation(
                    "GET",
                    "Ready for traffic: the database answers and its migrations "
                    "are current (503 otherwise); how rate limits count",
                    tags=("platform",),
                    responses={200: READY_SCHEMA, 503: NOT_READY_SCHEMA},
                    headers=RETRY,
                    serves=NO_MEDIA,
                ),
            ),
        ),
        Route(
            "/openapi.json",
            OpenApiResource(spec_provider),
            (
                Operation(
                    "GET",
                    "This OpenAPI document",
                    tags=("platform",),
                    responses={200: {"type": "object"}},
                    serves=NO_MEDIA,
                ),
            ),
        ),
    ]

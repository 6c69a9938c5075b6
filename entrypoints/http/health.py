"""GET /health and GET /openapi.json."""
from __future__ import annotations

from collections.abc import Callable

import falcon

from entrypoints.bootstrap import Deps
from entrypoints.http.errors import error_body
from entrypoints.http.openapi import OpenApiResource
from entrypoints.http.routes import NO_MEDIA, Operation, Route
from ports.unit_of_work import HealthProbe

HEALTH_SCHEMA = {"type": "object", "required": ["status"],
                 "properties": {"status": {"type": "string", "enum": ["ok"]}}}


class HealthResource:
    def __init__(self, probe: HealthProbe):
        self.probe = probe

    def on_get(self, req: falcon.Request, resp: falcon.Response) -> None:
        if self.probe.ping():
            resp.media = {"status": "ok"}
        else:
            resp.status = falcon.HTTP_503
            resp.media = error_body("unavailable", "the database does not answer")


def routes(deps: Deps, spec_provider: Callable[[], dict]) -> list[Route]:
    return [
        Route("/health", HealthResource(deps.health), (
            Operation("GET", "Liveness and database check", tags=("platform",),
                      responses={200: HEALTH_SCHEMA}, serves=NO_MEDIA),)),
        Route("/openapi.json", OpenApiResource(spec_provider), (
            Operation("GET", "This OpenAPI document", tags=("platform",),
                      responses={200: {"type": "object"}}, serves=NO_MEDIA),)),
    ]

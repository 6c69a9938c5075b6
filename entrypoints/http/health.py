"""GET /health and GET /openapi.json."""
from __future__ import annotations

import falcon

from entrypoints.http.errors import error_body
from entrypoints.http.openapi import OpenApiResource
from entrypoints.http.routes import Operation, Route

HEALTH_SCHEMA = {"type": "object", "required": ["status"],
                 "properties": {"status": {"type": "string", "enum": ["ok"]}}}


class HealthResource:
    def __init__(self, probe):
        self.probe = probe

    def on_get(self, req, resp) -> None:
        if self.probe.ping():
            resp.media = {"status": "ok"}
        else:
            resp.status = falcon.HTTP_503
            resp.media = error_body("unavailable", "the database does not answer")


def routes(deps, spec_provider) -> list[Route]:
    return [
        Route("/health", HealthResource(deps.health), (
            Operation("GET", "Liveness and database check", tags=("platform",),
                      responses={200: HEALTH_SCHEMA}),)),
        Route("/openapi.json", OpenApiResource(spec_provider), (
            Operation("GET", "This OpenAPI document", tags=("platform",),
                      responses={200: {"type": "object"}}),)),
    ]

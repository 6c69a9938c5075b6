"""The OpenAPI 3 document (GET /openapi.json), generated from the route declarations."""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Iterable
from typing import Any

import falcon

from entrypoints.http.routes import ADMIN, PUBLIC, Operation, Route, required_level
from entrypoints.http.schemas import ERROR_SCHEMA, openapi_path

# falcon.code_to_http_status costs ~70 µs a call; an app documents ~1,500 responses.
_status_line = functools.lru_cache(maxsize=None)(falcon.code_to_http_status)


def _responses(op: Operation, level: str) -> dict:
    out: dict[str, Any] = {}
    for status, schema in op.responses.items():
        entry: dict[str, Any] = {"description": _status_line(status)}
        if schema is None and status >= 400:
            schema = ERROR_SCHEMA
        if schema is not None:
            # Errors are JSON whatever the route serves (e.g. a file).
            ctype = op.content_type if status < 400 else "application/json"
            entry["content"] = {ctype: {"schema": schema}}
        if status in op.headers:
            entry["headers"] = {
                name: {"schema": header} for name, header in op.headers[status].items()
            }
        out[str(status)] = entry
    # 401 everywhere: a Bearer token that does not verify is refused on any route.
    errors = {400, 401, 404, 413, 503} | ({403} if level == ADMIN else set())
    for status in sorted(errors):
        out.setdefault(
            str(status),
            {
                "description": _status_line(status),
                "content": {"application/json": {"schema": ERROR_SCHEMA}},
            },
        )
    return out


def build_spec(
    routes: Iterable[Route], *, title: str = "CreatorFlix API", version: str = "0.1.0"
) -> dict:
    paths: dict[str, dict] = {}
    for route in routes:
        path, path_params = openapi_path(route.path)
        item = paths.setdefault(path, {})
        for op in route.operations:
            level = required_level(route.path, op.auth)
            entry: dict[str, Any] = {
                "summary": op.summary,
                "operationId": f"{op.method.lower()}_"
                f"{re.sub(r'[^a-zA-Z0-9]+', '_', path).strip('_')}",
                "responses": _responses(op, level),
                "parameters": path_params
                + [
                    {
                        "name": p.name,
                        "in": p.location,
                        "required": p.required,
                        "schema": p.schema,
                        **({"description": p.description} if p.description else {}),
                    }
                    for p in op.params
                ],
            }
            if op.tags:
                entry["tags"] = list(op.tags)
            if level != PUBLIC:
                entry["security"] = [{"bearerAuth": []}]
                entry["x-access"] = level
            if op.request is not None:
                entry["requestBody"] = {
                    "required": op.request_required,
                    "content": {op.request_type: {"schema": op.request}},
                }
            item[op.method.lower()] = entry
    return {
        "openapi": "3.0.3",
        "info": {
            "title": title,
            "version": version,
            "description": "Premium-content subscriptions: creators, plans, checkout "
            "(PIX/card), white-label media and ads.",
        },
        "paths": paths,
        "components": {
            "securitySchemes": {"bearerAuth": {"type": "http", "scheme": "bearer"}},
            "schemas": {"Error": ERROR_SCHEMA},
        },
    }


class OpenApiResource:
    def __init__(self, spec_provider: Callable[[], dict]):
        self._spec_provider = spec_provider

    def on_get(self, req: falcon.Request, resp: falcon.Response) -> None:
        resp.media = self._spec_provider()

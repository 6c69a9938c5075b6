"""Routes are declared once, with their documentation: the app is built from these
declarations and /openapi.json is generated from the same list."""

from __future__ import annotations

from typing import Any

from attrs import field, frozen

PUBLIC = "public"
USER = "user"
ADMIN = "admin"


@frozen
class Param:
    name: str
    schema: dict
    description: str = ""
    required: bool = False
    location: str = "query"


@frozen
class Operation:
    """One HTTP method of a route. `auth`: public, user or admin (every /api/admin route
    is admin whatever is declared). `request`: JSON schema of the body, if any.
    `responses`: status -> JSON schema (None for an empty body)."""

    method: str
    summary: str
    auth: str = PUBLIC
    request: dict | None = None
    request_required: bool = True
    responses: dict[int, dict | None] = field(factory=dict)
    params: tuple[Param, ...] = ()
    tags: tuple[str, ...] = ()
    content_type: str = "application/json"
    # Response headers to document: status -> header name -> JSON schema.
    headers: dict[int, dict[str, dict]] = field(factory=dict)
    # The media type of the request body (an upload's is multipart/form-data).
    request_type: str = "application/json"


@frozen
class Route:
    path: str
    resource: Any
    operations: tuple[Operation, ...]
    suffix: str | None = None

    def operation(self, method: str) -> Operation | None:
        for op in self.operations:
            if op.method == method:
                return op
        return None

"""The Falcon application factory."""

from __future__ import annotations

import logging
from typing import Any

import falcon

from entrypoints import log_redaction
from entrypoints.http import audit, auth, caching, errors, health, media_admin
from entrypoints.http.json_io import JSON_HANDLER, PayloadTooLarge
from entrypoints.http.openapi import build_spec
from entrypoints.http.routes import Route

log = logging.getLogger("creatorflix.http")


class IdConverter(falcon.routing.IntConverter):
    """`{id:id}`: a positive 32-bit integer; anything else is a 404."""

    def __init__(self):
        super().__init__(min=1, max=2**31 - 1)


class BodyLimitMiddleware:
    """Refuse bodies over the limit before any responder reads them. `streaming`:
    (method, path) -> the limit of a route that streams its own body (an upload)
    instead of the global one."""

    def __init__(self, max_bytes: int, streaming: dict[tuple[str, str], int] | None = None):
        self.max_bytes = max_bytes
        self.streaming = streaming or {}

    def process_request(self, req, resp) -> None:
        limit = self.streaming.get((req.method, req.path.rstrip("/") or "/"), self.max_bytes)
        if req.content_length is not None and req.content_length > limit:
            raise PayloadTooLarge(f"the request body exceeds {limit} bytes", field="body")


class CreatorFlixApp(falcon.App):
    """falcon.App that also keeps its route declarations (`routes`) for tests and tools."""

    routes: list[Route]
    deps: Any
    # The largest request body any route takes (the server's pre-read is bounded by it;
    # each route's own limit is BodyLimitMiddleware's).
    largest_body: int


def area_routes(deps) -> list[Route]:
    """Routes of every capability, in the order they are documented."""
    from entrypoints.http import areas

    found: list[Route] = []
    for module in areas.MODULES:
        found.extend(module.routes(deps))
    return found


def create_app(deps) -> CreatorFlixApp:
    """The WSGI app over `deps` (see entrypoints.bootstrap)."""
    routes: list[Route] = []
    spec: dict = {}
    routes.extend(health.routes(deps, lambda: spec))
    routes.extend(area_routes(deps))
    spec.update(build_spec(routes))

    # Routes that take more than CREATORFLIX_MAX_BODY_BYTES read no further than their
    # own limit: uploads of the panel, and an ID photo (CREATORFLIX_AGE_DOCUMENT_MAX_BYTES,
    # base64 in JSON (4/3) or in a multipart form).
    larger = {
        ("POST", media_admin.UPLOAD_PATH): deps.config.max_upload_bytes
        + media_admin.MULTIPART_OVERHEAD,
        ("POST", "/api/age-assurance/documents"): max(
            deps.config.max_body_bytes, deps.config.age_document_max_bytes * 4 // 3 + 8192
        ),
    }
    app = CreatorFlixApp(
        middleware=[
            BodyLimitMiddleware(deps.config.max_body_bytes, larger),
            auth.AuthMiddleware(deps.auth, routes, deps),
            audit.AuditMiddleware(deps),
            caching.CallerCacheMiddleware(),
        ]
    )
    app.router_options.converters["id"] = IdConverter
    app.req_options.strip_url_path_trailing_slash = True
    app.req_options.auto_parse_qs_csv = False
    app.resp_options.media_handlers[falcon.MEDIA_JSON] = JSON_HANDLER
    app.req_options.media_handlers[falcon.MEDIA_JSON] = JSON_HANDLER
    errors.install(app)
    for route in routes:
        app.add_route(
            route.path, route.resource, **({"suffix": route.suffix} if route.suffix else {})
        )
    app.routes = routes
    # What the server reads ahead of a thread: the ID photo, not the streamed uploads.
    app.largest_body = larger[("POST", "/api/age-assurance/documents")]
    app.deps = deps  # for the server's post-fork hooks (the mail delivery thread)
    return app


def get_app() -> falcon.App:
    """The app from the environment (gunicorn: entrypoints.http.app:get_app())."""
    from entrypoints.bootstrap import build_deps
    from entrypoints.config import load_config

    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s %(message)s")
    log_redaction.install()  # no secret query parameter in any line of ours either
    deps = build_deps(load_config())
    warn_about_age_methods(deps)
    return create_app(deps)


def warn_about_age_methods(deps) -> list[str]:
    """The start-up log's warnings about the age-assurance methods on offer (the admin
    dashboard shows the same): PIX buyers left with manual review only, or no way at
    all, and how to add an OIDC provider. Returns what it logged."""
    from domain.assurance.admin import method_warnings

    if not deps.config.age_gate:
        return []
    found = method_warnings(deps.age_assurance.live_methods())
    for warning in found:
        logging.getLogger("creatorflix.age").warning("age assurance: %s", warning)
    return found

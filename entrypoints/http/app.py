"""The Falcon application factory, and the route map: ROUTE_MODULES lists every module
that declares routes, and no route module pulls in another's routes (asgilook's way:
one place to read what the API is made of)."""

from __future__ import annotations

import logging
from types import ModuleType

import falcon

from entrypoints import log_redaction
from entrypoints.bootstrap import Deps
from entrypoints.http import (
    accounts,
    ads,
    ads_admin,
    age_assurance,
    age_gate,
    audit,
    auth,
    branding,
    caching,
    catalog,
    catalog_admin,
    checkout,
    checkout_qr,
    dashboard,
    errors,
    health,
    me,
    media,
    media_admin,
    notifications,
    payments_admin,
    privacy,
    purchases,
    renewals,
    sales_admin,
    web,
    webhooks,
    whitelabel,
    withdrawals,
)
from entrypoints.http.json_io import JSON_HANDLER, PayloadTooLarge
from entrypoints.http.openapi import build_spec
from entrypoints.http.routes import Route

log = logging.getLogger("creatorflix.http")

# Every module of routes, in the order they are documented; each has `routes(deps)`,
# which gives each resource the few collaborators it uses. (/health and /openapi.json,
# which need the document, come first: health.routes.)
ROUTE_MODULES: tuple[ModuleType, ...] = (
    accounts,
    me,
    purchases,
    renewals,  # automatic renewal, coupons
    withdrawals,
    privacy,  # accounts and members
    catalog,
    catalog_admin,  # the catalog
    checkout,
    checkout_qr,
    webhooks,
    payments_admin,  # payments
    sales_admin,  # sales and customers
    whitelabel,
    media,  # the white-label catalogue
    media_admin,  # the panel's uploads
    ads,
    ads_admin,  # ads
    dashboard,
    age_assurance,
    audit,
    branding,
    notifications,  # reports, age, audit, brand, notices
    web,  # the web client
)


class IdConverter(falcon.routing.IntConverter):
    """`{id:id}`: a positive 32-bit integer; anything else is a 404."""

    def __init__(self) -> None:
        super().__init__(min=1, max=2**31 - 1)


class BodyLimitMiddleware:
    """Refuse bodies over the limit before any responder reads them. `streaming`:
    (method, path) -> the limit of a route that streams its own body (an upload)
    instead of the global one."""

    def __init__(self, max_bytes: int, streaming: dict[tuple[str, str], int] | None = None):
        self.max_bytes = max_bytes
        self.streaming = streaming or {}

    def process_request(self, req: falcon.Request, resp: falcon.Response) -> None:
        limit = self.streaming.get((req.method, req.path.rstrip("/") or "/"), self.max_bytes)
        if req.content_length is not None and req.content_length > limit:
            raise PayloadTooLarge(f"the request body exceeds {limit} bytes", field="body")


class CreatorFlixApp(falcon.App):
    """falcon.App that also keeps its route declarations (`routes`) for tests and tools."""

    routes: list[Route]
    deps: Deps
    # The largest request body any route takes (the server's pre-read is bounded by it;
    # each route's own limit is BodyLimitMiddleware's).
    largest_body: int


def area_routes(deps: Deps) -> list[Route]:
    """Routes of every capability (ROUTE_MODULES), in the order they are documented."""
    found: list[Route] = []
    for module in ROUTE_MODULES:
        found.extend(module.routes(deps))
    return found


def create_app(deps: Deps, extra: tuple[Route, ...] = ()) -> CreatorFlixApp:
    """The WSGI app over `deps` (see entrypoints.bootstrap). `extra`: routes declared
    elsewhere (a test's), added as the map's are."""
    routes: list[Route] = []
    spec: dict = {}
    routes.extend(health.routes(deps, lambda: spec))
    routes.extend(area_routes(deps))
    routes.extend(extra)
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
            auth.AuthMiddleware(deps.auth, routes, deps.config),
            age_gate.AgeGate(deps.age_assurance, routes),
            audit.AuditMiddleware(deps.uow, deps.clock),
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


def warn_about_age_methods(deps: Deps) -> list[str]:
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

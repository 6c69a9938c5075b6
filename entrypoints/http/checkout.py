"""HTTP routes of the checkout area: buying (checkouts), gateway webhooks and the
payment administration."""
from __future__ import annotations

import falcon

from domain.payments import buying as checkout_service
from domain.payments.customer import CUSTOMER_FIELDS
from domain.common.errors import GatewayTimeout
from entrypoints.http import payments_admin, webhooks
from entrypoints.http.auth import current_user
from entrypoints.http.checkout_views import (CHECKOUT_CREATED_SCHEMA, CHECKOUT_PENDING_ERROR_SCHEMA,
                                             CHECKOUT_VIEW_SCHEMA, checkout_view_json,
                                             payment_service)
from entrypoints.http.errors import error_body
from entrypoints.http.json_io import read_json
from entrypoints.http.openapi import body_schema
from entrypoints.http.routes import Operation, Param, Route

# Both derived from the domain's field specs, so the document and the checks agree.
CUSTOMER_SCHEMA = body_schema(CUSTOMER_FIELDS)
_REQUEST = body_schema(checkout_service.CHECKOUT_FIELDS)
CHECKOUT_REQUEST_SCHEMA = {**_REQUEST, "properties": {
    **_REQUEST["properties"], "customer": CUSTOMER_SCHEMA,
    # Accepted so clients of the original keep working, and ignored: the server prices.
    **{name: {"description": "accepted and ignored: the server computes the total"}
       for name in checkout_service.CLIENT_TOTALS}}}


class CheckoutsResource:
    def __init__(self, deps):
        self.deps = deps
        self.svc = payment_service(deps)

    def on_post(self, req, resp) -> None:
        data = read_json(req, self.deps.config.max_body_bytes)
        view = checkout_service.start_checkout(self.svc, data, current_user(req))
        body = checkout_view_json(view, self.svc.public_url)
        if view.problem is None:
            resp.status = falcon.HTTP_201
            resp.media = body
            return
        # The gateway failed: say so, and hand over the pending checkout to poll.
        problem = view.problem
        resp.status = falcon.HTTP_504 if isinstance(problem, GatewayTimeout) else falcon.HTTP_503
        resp.set_header("Retry-After", "5")
        resp.media = {**error_body(problem.code, problem.message), "checkout": body}


class CheckoutResource:
    def __init__(self, deps):
        self.svc = payment_service(deps)

    def on_get(self, req, resp, id: int) -> None:
        view = checkout_service.checkout_status(self.svc, id, req.get_param("access_token"))
        resp.media = checkout_view_json(view, self.svc.public_url)


def _public_routes(deps) -> list[Route]:
    tags = ("checkout",)
    return [
        Route("/api/checkouts", CheckoutsResource(deps), (
            Operation("POST", "Buy a plan (with order bumps): PIX code, card outcome or "
                      "external checkout link; the total is computed by the server",
                      tags=tags, request=CHECKOUT_REQUEST_SCHEMA,
                      responses={201: CHECKOUT_CREATED_SCHEMA, 402: None, 502: None,
                                 503: CHECKOUT_PENDING_ERROR_SCHEMA,
                                 504: CHECKOUT_PENDING_ERROR_SCHEMA}),)),
        Route("/api/checkouts/{id:id}", CheckoutResource(deps), (
            Operation("GET", "Poll a checkout (buyer, with its access token)", tags=tags,
                      params=(Param("access_token", {"type": "string", "maxLength": 4096},
                                    "the token returned when the checkout was created"),),
                      responses={200: CHECKOUT_VIEW_SCHEMA, 401: None, 403: None}),)),
    ]


def routes(deps) -> list[Route]:
    return _public_routes(deps) + webhooks.routes(deps) + payments_admin.routes(deps)

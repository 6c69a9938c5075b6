"""HTTP routes of the checkout area: buying (checkouts), gateway webhooks and the
payment administration."""

from __future__ import annotations

import falcon

from domain.accounts.users import User
from domain.common.errors import GatewayTimeout, ValidationError
from domain.common.fields import parse_fields
from domain.payments import buying, idempotency
from domain.payments import commands as cmd
from domain.payments.card_form import card_form
from domain.payments.customer import CUSTOMER_FIELDS
from entrypoints.http import payments_admin, webhooks
from entrypoints.http.auth import current_user
from entrypoints.http.checkout_views import (
    CHECKOUT_CREATED_SCHEMA,
    CHECKOUT_PENDING_ERROR_SCHEMA,
    CHECKOUT_VIEW_SCHEMA,
    checkout_view_json,
)
from entrypoints.http.errors import error_body
from entrypoints.http.json_io import read_json
from entrypoints.http.openapi import body_schema, nullable
from entrypoints.http.rate_limits import RETRY_AFTER, limit_per_ip
from entrypoints.http.routes import Operation, Param, Route

# Both derived from the domain's field specs, so the document and the checks agree.
CUSTOMER_SCHEMA = body_schema(CUSTOMER_FIELDS)
_REQUEST = body_schema(cmd.START_CHECKOUT_FIELDS)
CHECKOUT_REQUEST_SCHEMA = {
    **_REQUEST,
    "properties": {
        **_REQUEST["properties"],
        "customer": CUSTOMER_SCHEMA,
        # Accepted so clients of the original keep working, and ignored: the server prices.
        **{
            name: {"description": "accepted and ignored: the server computes the total"}
            for name in cmd.CLIENT_TOTALS
        },
    },
}


IDEMPOTENCY_PARAM = Param(
    idempotency.HEADER,
    {"type": "string", "minLength": 1, "maxLength": 255},
    "one per attempt to pay (e.g. a UUID made when the buyer clicks pay), reused on a "
    "retry: a repeat returns the same checkout and never charges twice (409 when the key "
    "was used for another purchase)",
    location="header",
)


def idempotency_key(req) -> str | None:
    """The Idempotency-Key header: printable ASCII, at most 255 characters."""
    value = req.get_header(idempotency.HEADER)
    if value is None:
        return None
    if not 0 < len(value) <= 255 or not all(33 <= ord(c) < 127 for c in value):
        raise ValidationError(
            f"{idempotency.HEADER} must be 1 to 255 printable ASCII "
            "characters without spaces (e.g. a UUID)",
            field=idempotency.HEADER,
        )
    return value


def start_checkout_command(
    data: object, buyer: User | None, key: str | None = None
) -> cmd.StartCheckout:
    """The body of POST /api/checkouts as a command; a total the client sends is
    accepted and dropped (the server prices)."""
    if isinstance(data, dict):
        data = {k: v for k, v in data.items() if k not in cmd.CLIENT_TOTALS}
    values = parse_fields(cmd.START_CHECKOUT_FIELDS, data, partial=False)
    values["order_bump_ids"] = values.get("order_bump_ids") or []
    return cmd.StartCheckout(**values, buyer=buyer, idempotency_key=key)


class CheckoutsResource:
    def __init__(self, deps):
        self.deps = deps
        self.svc = deps.payments_service

    @falcon.before(limit_per_ip("checkout"))
    def on_post(self, req, resp) -> None:
        data = read_json(req, self.deps.config.max_body_bytes)
        command = start_checkout_command(data, current_user(req), idempotency_key(req))
        view = buying.start_checkout(self.svc, command)
        body = checkout_view_json(view, self.svc.public_url)
        if view.replayed:
            resp.set_header("Idempotent-Replayed", "true")
        if view.problem is None:
            resp.status = falcon.HTTP_201
            resp.media = body
            return
        # The gateway failed: say so, and hand over the pending checkout to poll.
        problem = view.problem
        resp.status = falcon.HTTP_504 if isinstance(problem, GatewayTimeout) else falcon.HTTP_503
        resp.set_header("Retry-After", "5")
        resp.media = {**error_body(problem.code, problem.message), "checkout": body}


CHECKOUT_TOKEN_HEADER = "X-Checkout-Token"
# The buyer's access token travels in a header, out of URLs (and so out of access logs,
# browser history and Referer); the query parameter is still accepted.
ACCESS_TOKEN_PARAMS = (
    Param(
        CHECKOUT_TOKEN_HEADER,
        {"type": "string", "maxLength": 4096},
        "the access token returned when the checkout was created (preferred)",
        location="header",
    ),
    Param(
        "access_token",
        {"type": "string", "maxLength": 4096},
        f"the same token in the URL (accepted; prefer the {CHECKOUT_TOKEN_HEADER} header)",
    ),
)


def checkout_token(req) -> str | None:
    """The buyer's access token: the X-Checkout-Token header, else ?access_token=."""
    return req.get_header(CHECKOUT_TOKEN_HEADER) or req.get_param("access_token")


class CheckoutResource:
    def __init__(self, deps):
        self.svc = deps.payments_service

    def on_get(self, req, resp, id: int) -> None:
        view = buying.checkout_status(self.svc, id, checkout_token(req))
        resp.media = checkout_view_json(view, self.svc.public_url)


CHECKOUT_OPTIONS_SCHEMA = {
    "type": "object",
    "required": ["card"],
    "properties": {
        "card": nullable(
            {
                "type": "object",
                "required": ["public_key", "script_url"],
                "description": "the in-page card form (null: no card in the page; PIX or the "
                "plan's external checkout)",
                "properties": {
                    "public_key": {"type": "string"},
                    "script_url": {"type": "string", "format": "uri"},
                },
            }
        )
    },
}


class CheckoutOptionsResource:
    def __init__(self, deps):
        self.deps = deps

    def on_get(self, req, resp) -> None:
        form = card_form(self.deps.payments_service, self.deps.config.card_script_url)
        resp.media = {
            "card": None
            if form is None
            else {"public_key": form.public_key, "script_url": form.script_url}
        }
        resp.cache_control = ("no-store",)


def _public_routes(deps) -> list[Route]:
    tags = ("checkout",)
    return [
        Route(
            "/api/checkout-options",
            CheckoutOptionsResource(deps),
            (
                Operation(
                    "GET",
                    "How the checkout page takes payments: the in-page card form "
                    "(JunglePay's public key and card-encryption script) when JunglePay "
                    "charges",
                    tags=tags,
                    responses={200: CHECKOUT_OPTIONS_SCHEMA},
                ),
            ),
        ),
        Route(
            "/api/checkouts",
            CheckoutsResource(deps),
            (
                Operation(
                    "POST",
                    "Buy a plan (with order bumps): PIX code, card outcome or "
                    "external checkout link; the total is computed by the server",
                    tags=tags,
                    request=CHECKOUT_REQUEST_SCHEMA,
                    params=(IDEMPOTENCY_PARAM,),
                    responses={
                        201: CHECKOUT_CREATED_SCHEMA,
                        402: None,
                        409: None,
                        429: None,
                        502: None,
                        503: CHECKOUT_PENDING_ERROR_SCHEMA,
                        504: CHECKOUT_PENDING_ERROR_SCHEMA,
                    },
                    headers=RETRY_AFTER,
                ),
            ),
        ),
        Route(
            "/api/checkouts/{id:id}",
            CheckoutResource(deps),
            (
                Operation(
                    "GET",
                    "Poll a checkout (buyer, with its access token)",
                    tags=tags,
                    params=ACCESS_TOKEN_PARAMS,
                    responses={200: CHECKOUT_VIEW_SCHEMA, 401: None, 403: None},
                ),
            ),
        ),
    ]


def routes(deps) -> list[Route]:
    return _public_routes(deps) + webhooks.routes(deps) + payments_admin.routes(deps)

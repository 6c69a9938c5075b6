"""HTTP routes of buying: start a checkout, and poll it as its buyer. (Its PIX QR code:
checkout_qr.py; gateway webhooks: webhooks.py; administration: payments_admin.py.)"""

from __future__ import annotations

import falcon

from domain.accounts.users import User
from domain.common.errors import GatewayTimeout, ValidationError
from domain.common.fields import parse_fields
from domain.payments import buying, idempotency
from domain.payments import commands as cmd
from domain.payments.card_form import checkout_options
from domain.payments.customer import CUSTOMER_FIELDS
from domain.payments.service import PaymentService
from entrypoints.bootstrap import Deps
from entrypoints.http.caller import current_user
from entrypoints.http.checkout_views import (
    ACCESS_TOKEN_PARAMS,
    CHECKOUT_CREATED_SCHEMA,
    CHECKOUT_PENDING_ERROR_SCHEMA,
    CHECKOUT_VIEW_SCHEMA,
    checkout_token,
    checkout_view_json,
)
from entrypoints.http.errors import error_body
from entrypoints.http.json_io import read_json
from entrypoints.http.rate_limits import RETRY_AFTER, Limits, limit_per_ip, limits_of
from entrypoints.http.routes import NO_MEDIA, Operation, Param, Route
from entrypoints.http.schemas import body_schema, nullable

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


def idempotency_key(req: falcon.Request) -> str | None:
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
    values["renewal_consent"] = bool(values.get("renewal_consent"))
    return cmd.StartCheckout(**values, buyer=buyer, idempotency_key=key)


class CheckoutsResource:
    def __init__(self, svc: PaymentService, limits: Limits, max_body: int):
        self.svc, self.limits, self.max_body = svc, limits, max_body

    @falcon.before(limit_per_ip("checkout"))
    def on_post(self, req: falcon.Request, resp: falcon.Response) -> None:
        data = read_json(req, self.max_body)
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


class CheckoutResource:
    def __init__(self, svc: PaymentService):
        self.svc = svc

    def on_get(self, req: falcon.Request, resp: falcon.Response, id: int) -> None:
        view = buying.checkout_status(self.svc, id, checkout_token(req))
        resp.media = checkout_view_json(view, self.svc.public_url)


CHECKOUT_OPTIONS_SCHEMA = {
    "type": "object",
    "required": ["card", "pix_automatico"],
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
        ),
        "pix_automatico": {
            "type": "array",
            "items": {"type": "integer"},
            "description": "the plan durations (days) PIX Automático renews here, for plans "
            "that renew automatically and take PIX (empty: not offered)",
        },
    },
}


class CheckoutOptionsResource:
    """`script_url`: JunglePay's card-encryption script (CREATORFLIX_CARD_SCRIPT_URL)."""

    def __init__(self, svc: PaymentService, script_url: str):
        self.svc, self.script_url = svc, script_url

    def on_get(self, req: falcon.Request, resp: falcon.Response) -> None:
        options = checkout_options(self.svc, self.script_url)
        form = options.card
        resp.media = {
            "card": None
            if form is None
            else {"public_key": form.public_key, "script_url": form.script_url},
            "pix_automatico": list(options.pix_automatico),
        }
        resp.cache_control = ("no-store",)


def routes(deps: Deps) -> list[Route]:
    tags = ("checkout",)
    svc = deps.payments_service
    return [
        Route(
            "/api/checkout-options",
            CheckoutOptionsResource(svc, deps.config.card_script_url),
            (
                Operation(
                    "GET",
                    "How the checkout page takes payments: the in-page card form "
                    "(JunglePay's public key and card-encryption script) when JunglePay "
                    "charges; the plan durations PIX Automático renews when a PSP's API "
                    "Pix charges",
                    tags=tags,
                    responses={200: CHECKOUT_OPTIONS_SCHEMA},
                    serves=NO_MEDIA,
                ),
            ),
        ),
        Route(
            "/api/checkouts",
            CheckoutsResource(svc, limits_of(deps), deps.config.max_body_bytes),
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
            CheckoutResource(svc),
            (
                Operation(
                    "GET",
                    "Poll a checkout (buyer, with its access token)",
                    tags=tags,
                    params=ACCESS_TOKEN_PARAMS,
                    responses={200: CHECKOUT_VIEW_SCHEMA, 401: None, 403: None},
                    serves=NO_MEDIA,
                ),
            ),
        ),
    ]

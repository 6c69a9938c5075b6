"""Admin routes of payments: gateway settings, checkouts, subscriptions, manual grants
and the sandbox's "pay" button."""

from __future__ import annotations

import falcon

from domain.common.fields import parse_fields
from domain.payments import commands as cmd
from domain.payments import gateway_settings, settlement, subscription_admin
from domain.payments.checkout import Checkout
from domain.payments.gateways import CIRCUIT_STATES, CONFIGURABLE, PIX_ACCOUNT_TYPES
from domain.payments.service import PaymentService
from domain.payments.subscriptions import Subscription
from entrypoints.bootstrap import Deps
from entrypoints.http.crud import Store, crud_routes
from entrypoints.http.json_io import read_command, read_json, to_json
from entrypoints.http.routes import ADMIN, Operation, Route
from entrypoints.http.schemas import body_schema, entity_schema, nullable, page_schema
from ports.clock import Clock
from ports.unit_of_work import UnitOfWorkFactory

TAGS = ("payments",)
_NSTR = nullable({"type": "string"})
GATEWAY_SCHEMA = {
    "type": "object",
    "required": [
        "name",
        "public_key",
        "has_secret_key",
        "postback_url",
        "generated_postback_url",
        "is_active",
    ],
    "properties": {
        "name": {"type": "string", "enum": list(CONFIGURABLE)},
        "public_key": _NSTR,
        "has_secret_key": {"type": "boolean"},
        "postback_url": _NSTR,
        "generated_postback_url": {"type": "string"},
        "is_active": {"type": "boolean"},
        "pix": nullable(
            {
                "type": "object",
                "description": "the pix gateway's own settings "
                "(null for the others); never the client secret or the certificate",
                "properties": {
                    "api_url": _NSTR,
                    "token_url": _NSTR,
                    "pix_key": _NSTR,
                    "pix_account": nullable(
                        {
                            "type": "string",
                            "description": "Pix Automático's receiving account: "
                            "agência/conta or conta",
                        }
                    ),
                    "pix_account_type": nullable(
                        {
                            "type": "string",
                            "enum": [*PIX_ACCOUNT_TYPES, None],
                            "description": "null: CORRENTE",
                        }
                    ),
                    "has_certificate": {"type": "boolean"},
                    "ca_certificate": _NSTR,
                    "missing": {
                        "type": "array",
                        "items": {"type": "string"},
                        "description": "what activating it still needs",
                    },
                },
            }
        ),
        "circuit": {
            "type": "object",
            "description": "this app server process's circuit "
            "breaker of the gateway's API: open after repeated timeouts or "
            "server errors (calls refused with 503), half_open after 30 s "
            "(one trial call)",
            "properties": {
                "state": {"type": "string", "enum": list(CIRCUIT_STATES)},
                "consecutive_failures": {"type": "integer"},
                "open_until": nullable({"type": "number", "description": "UNIX time"}),
            },
        },
    },
}
_GATEWAY_PAGE = page_schema(GATEWAY_SCHEMA)
GATEWAY_LIST_SCHEMA = {
    **_GATEWAY_PAGE,
    "required": _GATEWAY_PAGE["required"] + ["charging_gateway"],
    "properties": {
        **_GATEWAY_PAGE["properties"],
        "charging_gateway": nullable(
            {
                "type": "string",
                "description": "the gateway new checkouts are charged through "
                "(null: none configured)",
            }
        ),
    },
}
SUBSCRIPTION_SCHEMA = entity_schema(Subscription)
SANDBOX_PAY_SCHEMA = {
    "type": "object",
    "required": ["status", "checkout"],
    "properties": {"status": {"type": "string"}, "checkout": entity_schema(Checkout)},
}


class GatewaysResource:
    def __init__(self, svc: PaymentService):
        self.svc = svc

    def on_get(self, req: falcon.Request, resp: falcon.Response) -> None:
        settings = gateway_settings.list_gateways(self.svc)
        items = [to_json(g) for g in settings.gateways]
        resp.media = {
            "data": items,
            "total": len(items),
            "page": 1,
            "total_pages": 1,
            "charging_gateway": settings.charging_gateway,
        }


class GatewayResource:
    def __init__(self, svc: PaymentService, max_body: int):
        self.svc, self.max_body = svc, max_body

    def on_put(self, req: falcon.Request, resp: falcon.Response, name: str) -> None:
        gateway_settings.check_gateway_name(name)  # an unknown gateway is a 404 first
        changes = parse_fields(cmd.GATEWAY_FIELDS, read_json(req, self.max_body), partial=True)
        command = cmd.ConfigureGateway(name=name, changes=changes)
        resp.media = to_json(gateway_settings.configure_gateway(self.svc, command))


class UserSubscriptionsResource:
    def __init__(self, uow: UnitOfWorkFactory, clock: Clock, max_body: int):
        self.uow, self.clock, self.max_body = uow, clock, max_body

    def on_post(self, req: falcon.Request, resp: falcon.Response, id: int) -> None:
        command = read_command(req, self.max_body, cmd.GrantPlan, cmd.GRANT_FIELDS, user_id=id)
        granted = subscription_admin.grant_manually(self.uow, self.clock, command)
        resp.media = to_json(granted)
        resp.status = falcon.HTTP_201


class SettleCheckoutResource:
    def __init__(self, svc: PaymentService, max_body: int):
        self.svc, self.max_body = svc, max_body

    def on_post(self, req: falcon.Request, resp: falcon.Response, id: int) -> None:
        command = read_command(
            req, self.max_body, cmd.SettleCheckout, cmd.SETTLE_FIELDS, checkout_id=id
        )
        resp.media = to_json(settlement.settle_review(self.svc, command))


class SandboxPayResource:
    def __init__(self, svc: PaymentService):
        self.svc = svc

    def on_post(self, req: falcon.Request, resp: falcon.Response, id: int) -> None:
        outcome = settlement.pay_sandbox_checkout(self.svc, id)
        with self.svc.uow() as uow:
            checkout = uow.checkouts.get(id)
        resp.media = {"status": outcome.status, "checkout": to_json(checkout)}


def routes(deps: Deps) -> list[Route]:
    svc, store, max_body = deps.payments_service, Store.of(deps), deps.config.max_body_bytes
    return [
        Route(
            "/api/admin/payment-gateways",
            GatewaysResource(svc),
            (
                Operation(
                    "GET",
                    "Payment gateway settings (secret keys are never returned)",
                    ADMIN,
                    tags=TAGS,
                    responses={200: GATEWAY_LIST_SCHEMA},
                ),
            ),
        ),
        Route(
            "/api/admin/payment-gateways/{name}",
            GatewayResource(svc, max_body),
            (
                Operation(
                    "PUT",
                    "Configure a gateway (junglepay or dias); activating one "
                    "deactivates the others",
                    ADMIN,
                    tags=TAGS,
                    request=body_schema(cmd.GATEWAY_FIELDS, partial=True),
                    responses={200: GATEWAY_SCHEMA},
                ),
            ),
        ),
        # The list (search, filters, totals, CSV) is entrypoints.http.sales_admin's.
        *crud_routes(
            "/api/admin/checkouts",
            subscription_admin.CHECKOUTS,
            store,
            tag=TAGS[0],
            actions=("get",),
        ),
        *crud_routes(
            "/api/admin/subscriptions",
            subscription_admin.SUBSCRIPTIONS,
            store,
            tag=TAGS[0],
            actions=("list", "get"),
        ),
        Route(
            "/api/admin/users/{id:id}/subscriptions",
            UserSubscriptionsResource(deps.uow, deps.clock, max_body),
            (
                Operation(
                    "POST",
                    "Grant a plan by hand (external_id MANUAL_ADMIN), from now or "
                    "from the end of the user's current access",
                    ADMIN,
                    tags=TAGS,
                    request=body_schema(cmd.GRANT_FIELDS),
                    responses={201: SUBSCRIPTION_SCHEMA},
                ),
            ),
        ),
        Route(
            "/api/admin/checkouts/{id:id}/settle",
            SettleCheckoutResource(svc, max_body),
            (
                Operation(
                    "POST",
                    "Settle a checkout in review (paid for another amount than "
                    "its total): paid activates the subscription as a payment does, "
                    "failed closes it; 409 when it is not in review",
                    ADMIN,
                    tags=TAGS,
                    request=body_schema(cmd.SETTLE_FIELDS),
                    responses={200: entity_schema(Checkout), 409: None},
                ),
            ),
        ),
        Route(
            "/api/admin/sandbox/checkouts/{id:id}/pay",
            SandboxPayResource(svc),
            (
                Operation(
                    "POST",
                    "Sandbox only: simulate the gateway's paid notification",
                    ADMIN,
                    tags=TAGS,
                    request_required=False,
                    responses={200: SANDBOX_PAY_SCHEMA, 409: None},
                ),
            ),
        ),
    ]

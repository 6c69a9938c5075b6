"""The member's purchases over HTTP: my checkouts and subscriptions, and the checkout a
renewal mail's link fills in (withdrawing from a purchase: withdrawals.py)."""

from __future__ import annotations

import falcon

from domain.accounts import commands as cmd
from domain.common.pagination import PageRequest
from domain.payments import membership, purchases, reminders
from domain.payments.checkout import Checkout
from domain.payments.reminders import Reminders
from domain.payments.renewals import Schedule
from entrypoints.bootstrap import Deps
from entrypoints.http.account_views import MEMBER_SUBSCRIPTION_SCHEMA, member_json
from entrypoints.http.caller import required_user_id
from entrypoints.http.crud import PAGE_PARAMS
from entrypoints.http.json_io import page_json, read_command, to_json
from entrypoints.http.routes import NO_MEDIA, USER, Operation, Route
from entrypoints.http.schemas import body_schema, entity_schema, nullable, page_schema
from ports.unit_of_work import UnitOfWorkFactory

TAGS = ("accounts",)
CHECKOUT_SCHEMA = entity_schema(Checkout)
PREFILL_SCHEMA = {
    "type": "object",
    "required": ["plan_id", "customer"],
    "properties": {
        "plan_id": nullable({"type": "integer"}),
        "customer": {
            "type": "object",
            "properties": {
                k: nullable({"type": "string"}) for k in ("name", "email", "document", "phone")
            },
        },
    },
}


class MyCheckoutsResource:
    def __init__(self, uow: UnitOfWorkFactory):
        self.uow = uow

    def on_get(self, req: falcon.Request, resp: falcon.Response) -> None:
        page = purchases.member_checkouts(
            self.uow, required_user_id(req), PageRequest.parse(req.params)
        )
        resp.media = page_json(page, to_json)


class MySubscriptionsResource:
    """`schedule`: when automatic renewals charge (the next charge shown, issue 25)."""

    def __init__(self, uow: UnitOfWorkFactory, schedule: Schedule):
        self.uow, self.schedule = uow, schedule

    def on_get(self, req: falcon.Request, resp: falcon.Response) -> None:
        page = purchases.member_subscriptions(
            self.uow, required_user_id(req), PageRequest.parse(req.params)
        )
        shown = membership.views(self.uow, list(page.items), self.schedule)
        resp.media = {**page_json(page, to_json), "data": [member_json(v) for v in shown]}


class RenewalPrefillResource:
    def __init__(self, reminders: Reminders, max_body: int):
        self.reminders, self.max_body = reminders, max_body

    def on_post(self, req: falcon.Request, resp: falcon.Response) -> None:
        command = read_command(req, self.max_body, cmd.ConfirmToken, cmd.CONFIRM_TOKEN_FIELDS)
        resp.media = reminders.checkout_prefill(self.reminders, command.token)


def routes(deps: Deps) -> list[Route]:
    return [
        Route(
            "/api/me/checkouts",
            MyCheckoutsResource(deps.uow),
            (
                Operation(
                    "GET",
                    "My checkouts, newest first",
                    USER,
                    tags=TAGS,
                    params=PAGE_PARAMS,
                    responses={200: page_schema(CHECKOUT_SCHEMA)},
                    serves=NO_MEDIA,
                ),
            ),
        ),
        Route(
            "/api/me/subscriptions",
            MySubscriptionsResource(deps.uow, deps.renewals.schedule),
            (
                Operation(
                    "GET",
                    "My subscriptions, newest first",
                    USER,
                    tags=TAGS,
                    params=PAGE_PARAMS,
                    responses={200: page_schema(MEMBER_SUBSCRIPTION_SCHEMA)},
                    serves=NO_MEDIA,
                ),
            ),
        ),
        Route(
            "/api/renewals/prefill",
            RenewalPrefillResource(deps.reminders, deps.config.max_body_bytes),
            (
                Operation(
                    "POST",
                    "The plan and buyer details a renewal mail's link fills the checkout with",
                    tags=TAGS,
                    request=body_schema(cmd.CONFIRM_TOKEN_FIELDS),
                    responses={200: PREFILL_SCHEMA},
                ),
            ),
        ),
    ]

"""Withdrawals over HTTP (CDC art. 49): a member withdraws from a purchase paid at most
7 days ago; administrators list the requests and mark them refunded."""

from __future__ import annotations

import falcon

from domain.common.fields import Choice, Text, parse_fields
from domain.common.pagination import PageRequest
from domain.payments import customers, purchases, subscription_admin
from domain.payments import withdrawal as wd
from domain.payments.checkout import Checkout
from entrypoints.bootstrap import Deps
from entrypoints.http.caller import required_user_id
from entrypoints.http.crud import PAGE_PARAMS
from entrypoints.http.json_io import page_json, read_json, to_json
from entrypoints.http.routes import ADMIN, USER, Operation, Param, Route
from entrypoints.http.schemas import body_schema, entity_schema, nullable, page_schema
from ports.clock import Clock
from ports.unit_of_work import UnitOfWorkFactory

TAGS = ("accounts",)
ADMIN_TAGS = ("admin: accounts",)
WITHDRAWAL_SCHEMA = entity_schema(wd.Withdrawal)
WITHDRAWAL_ROW_SCHEMA = entity_schema(
    wd.Withdrawal,
    extra={
        "customer_name": nullable({"type": "string"}),
        "customer_email": nullable({"type": "string"}),
        "amount": nullable({"type": "integer", "description": "the checkout's total, cents"}),
    },
)
WITHDRAWAL_FIELDS = {"reason": Text(max_length=1000)}
WITHDRAWAL_FILTERS = {"status": Choice(choices=wd.STATUSES)}


class WithdrawalResource:
    def __init__(self, uow: UnitOfWorkFactory, clock: Clock, max_body: int):
        self.uow, self.clock, self.max_body = uow, clock, max_body

    def on_post(self, req: falcon.Request, resp: falcon.Response, id: int) -> None:
        user_id = required_user_id(req)
        values = parse_fields(
            WITHDRAWAL_FIELDS, read_json(req, self.max_body, required=False), partial=False
        )
        request = wd.request_withdrawal(self.uow, self.clock, user_id, id, values.get("reason"))
        resp.media = to_json(request)
        resp.status = falcon.HTTP_201


class AdminWithdrawalsResource:
    def __init__(self, uow: UnitOfWorkFactory):
        self.uow = uow

    def on_get(self, req: falcon.Request, resp: falcon.Response) -> None:
        filters = parse_fields(
            WITHDRAWAL_FILTERS,
            {k: v for k, v in req.params.items() if k in WITHDRAWAL_FILTERS},
            partial=True,
        )
        page = purchases.withdrawal_requests(
            self.uow, filters.get("status"), PageRequest.parse(req.params)
        )
        # Who asked and for how much (the panel names people, never "user #2").
        bought = customers.checkouts_by_id(self.uow, {w.checkout_id for w in page.items})
        resp.media = page_json(page, lambda w: {**to_json(w), **_buyer(bought.get(w.checkout_id))})


def _buyer(checkout: Checkout | None) -> dict:
    return {
        "customer_name": checkout.customer_name if checkout else None,
        "customer_email": checkout.customer_email if checkout else None,
        "amount": checkout.total_amount if checkout else None,
    }


class AdminWithdrawalRefundResource:
    def __init__(self, uow: UnitOfWorkFactory, clock: Clock):
        self.uow, self.clock = uow, clock

    def on_post(self, req: falcon.Request, resp: falcon.Response, id: int) -> None:
        resp.media = to_json(subscription_admin.refund_withdrawal(self.uow, self.clock, id))


def routes(deps: Deps) -> list[Route]:
    uow, clock = deps.uow, deps.clock
    return [
        Route(
            "/api/me/checkouts/{id:id}/withdrawal",
            WithdrawalResource(uow, clock, deps.config.max_body_bytes),
            (
                Operation(
                    "POST",
                    "Withdraw from a purchase paid at most 7 days ago (CDC art. "
                    "49): the refund is made by an administrator",
                    USER,
                    tags=TAGS,
                    request=body_schema(WITHDRAWAL_FIELDS),
                    request_required=False,
                    responses={201: WITHDRAWAL_SCHEMA, 404: None, 409: None},
                ),
            ),
        ),
        Route(
            "/api/admin/withdrawals",
            AdminWithdrawalsResource(uow),
            (
                Operation(
                    "GET",
                    "Withdrawal requests, newest first",
                    ADMIN,
                    tags=ADMIN_TAGS,
                    params=PAGE_PARAMS
                    + (Param("status", {"type": "string", "enum": list(wd.STATUSES)}),),
                    responses={200: page_schema(WITHDRAWAL_ROW_SCHEMA)},
                ),
            ),
        ),
        Route(
            "/api/admin/withdrawals/{id:id}/refund",
            AdminWithdrawalRefundResource(uow, clock),
            (
                Operation(
                    "POST",
                    "Mark a withdrawal refunded (after refunding it at the "
                    "gateway): the checkout becomes refunded and its access ends",
                    ADMIN,
                    tags=ADMIN_TAGS,
                    request=None,
                    responses={200: WITHDRAWAL_SCHEMA, 404: None, 409: None},
                ),
            ),
        ),
    ]

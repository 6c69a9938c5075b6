"""A member's automatic renewal over HTTP (issue 25): cancel, resume, switch the plan
of the next renewal; how /api/me/subscriptions shows each subscription; the admin's
coupons."""

from __future__ import annotations

import functools
from collections.abc import Callable

import falcon

from domain.common.fields import Integer, Text
from domain.payments import coupon_admin, coupon_preview, membership, pix_recurrences
from domain.payments.renewals import Schedule
from entrypoints.bootstrap import Deps
from entrypoints.http.account_views import MEMBER_SUBSCRIPTION_SCHEMA, member_json
from entrypoints.http.caller import required_user_id
from entrypoints.http.crud import Store, crud_routes
from entrypoints.http.json_io import read_command, to_json
from entrypoints.http.rate_limits import RETRY_AFTER, Limits, limit_per_ip, limits_of
from entrypoints.http.routes import USER, Operation, Route
from entrypoints.http.schemas import body_schema, entity_schema
from ports.clock import Clock
from ports.unit_of_work import UnitOfWorkFactory

TAGS = ("accounts",)
CHANGE_PLAN_FIELDS = {
    "plan_id": Integer(
        required=True,
        nullable=False,
        minimum=1,
        description="an automatic plan for sale: the next renewal charges it",
    )
}


COUPON_CHECK_FIELDS = {
    "code": Text(required=True, nullable=False, max_length=40, description="the coupon's code"),
    "plan_id": Integer(required=True, nullable=False, minimum=1),
}
COUPON_PREVIEW_SCHEMA = entity_schema(coupon_preview.CouponPreview)


class CouponCheckResource:
    def __init__(self, uow: UnitOfWorkFactory, clock: Clock, limits: Limits, max_body: int):
        self.uow, self.clock, self.limits, self.max_body = uow, clock, limits, max_body

    @falcon.before(limit_per_ip("coupon_check"))
    def on_post(self, req: falcon.Request, resp: falcon.Response) -> None:
        code, plan_id = read_command(
            req, self.max_body, lambda code, plan_id: (code, plan_id), COUPON_CHECK_FIELDS
        )
        resp.media = to_json(coupon_preview.preview(self.uow, self.clock, code, plan_id))


class _Action:
    """A member's action on their own subscription; `schedule`: when automatic renewals
    charge (the next charge in the answer)."""

    def __init__(self, uow: UnitOfWorkFactory, clock: Clock, schedule: Schedule):
        self.uow, self.clock, self.schedule = uow, clock, schedule


class CancelResource(_Action):
    """Pix Automático's recurrence is cancelled at the PSP first (`cancel_pix`: False
    for a subscription it does not renew), then here; the card's renewal only here."""

    def __init__(
        self,
        uow: UnitOfWorkFactory,
        clock: Clock,
        schedule: Schedule,
        cancel_pix: Callable[[int, int], bool],
    ):
        super().__init__(uow, clock, schedule)
        self.cancel_pix = cancel_pix

    def on_post(self, req: falcon.Request, resp: falcon.Response, id: int) -> None:
        user_id = required_user_id(req)
        if self.cancel_pix(user_id, id):
            view = membership.current(self.uow, user_id, id, self.schedule)
        else:
            view = membership.cancel(self.uow, self.clock, user_id, id, self.schedule)
        resp.media = member_json(view)


class ResumeResource(_Action):
    def on_post(self, req: falcon.Request, resp: falcon.Response, id: int) -> None:
        view = membership.resume(self.uow, self.clock, required_user_id(req), id, self.schedule)
        resp.media = member_json(view)


class ChangePlanResource(_Action):
    def __init__(self, uow: UnitOfWorkFactory, clock: Clock, schedule: Schedule, max_body: int):
        super().__init__(uow, clock, schedule)
        self.max_body = max_body

    def on_post(self, req: falcon.Request, resp: falcon.Response, id: int) -> None:
        user_id = required_user_id(req)
        plan_id = read_command(req, self.max_body, lambda plan_id: plan_id, CHANGE_PLAN_FIELDS)
        view = membership.change_plan(self.uow, self.clock, user_id, id, plan_id, self.schedule)
        resp.media = member_json(view)


def routes(deps: Deps) -> list[Route]:
    answers: dict[int, dict | None] = {200: MEMBER_SUBSCRIPTION_SCHEMA, 404: None, 409: None}
    uow, clock, max_body = deps.uow, deps.clock, deps.config.max_body_bytes
    schedule = deps.renewals.schedule
    return [
        *crud_routes("/api/admin/coupons", coupon_admin.COUPONS, Store.of(deps), tag="payments"),
        Route(
            "/api/coupons/check",
            CouponCheckResource(uow, clock, limits_of(deps), max_body),
            (
                Operation(
                    "POST",
                    "What a coupon takes off a plan's price, before paying (400 "
                    "naming coupon when the checkout would refuse it)",
                    tags=("payments",),
                    request=body_schema(COUPON_CHECK_FIELDS),
                    responses={200: COUPON_PREVIEW_SCHEMA, 400: None, 429: None},
                    headers=RETRY_AFTER,
                ),
            ),
        ),
        Route(
            "/api/me/subscriptions/{id:id}/cancel",
            CancelResource(
                uow,
                clock,
                schedule,
                functools.partial(pix_recurrences.cancel_by_member, deps.payments_service),
            ),
            (
                Operation(
                    "POST",
                    "Turn my subscription's automatic renewal off: no further "
                    "charge, access until the end already paid, a confirmation mail",
                    USER,
                    tags=TAGS,
                    request=None,
                    responses=answers,
                ),
            ),
        ),
        Route(
            "/api/me/subscriptions/{id:id}/resume",
            ResumeResource(uow, clock, schedule),
            (
                Operation(
                    "POST",
                    "Turn the automatic renewal back on, before the end",
                    USER,
                    tags=TAGS,
                    request=None,
                    responses=answers,
                ),
            ),
        ),
        Route(
            "/api/me/subscriptions/{id:id}/change-plan",
            ChangePlanResource(uow, clock, schedule, max_body),
            (
                Operation(
                    "POST",
                    "Switch the plan my next renewal charges (the current period is unchanged)",
                    USER,
                    tags=TAGS,
                    request=body_schema(CHANGE_PLAN_FIELDS),
                    responses={**answers, 400: None},
                ),
            ),
        ),
    ]

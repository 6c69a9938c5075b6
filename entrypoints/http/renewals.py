"""A member's automatic renewal over HTTP (issue 25): cancel, resume, switch the plan
of the next renewal; how /api/me/subscriptions shows each subscription; the admin's
coupons."""

from __future__ import annotations

import falcon

from domain.common.fields import Integer, Text
from domain.payments import coupon_admin, coupon_preview, membership
from domain.payments.membership import MemberSubscription
from domain.payments.subscriptions import Subscription
from entrypoints.http.auth import required_user
from entrypoints.http.crud import crud_routes
from entrypoints.http.json_io import read_command, to_json
from entrypoints.http.openapi import body_schema, entity_schema, nullable
from entrypoints.http.rate_limits import RETRY_AFTER, limit_per_ip
from entrypoints.http.routes import USER, Operation, Route

TAGS = ("accounts",)
MEMBER_SUBSCRIPTION_SCHEMA = entity_schema(
    Subscription,
    extra={
        "next_charge_at": nullable({"type": "string", "format": "date-time"}),
        "next_charge_amount": nullable({"type": "integer"}),
        "next_plan_id": nullable({"type": "integer"}),
    },
)
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
    def __init__(self, deps):
        self.deps = deps

    @falcon.before(limit_per_ip("coupon_check"))
    def on_post(self, req, resp) -> None:
        code, plan_id = read_command(
            req,
            self.deps.config.max_body_bytes,
            lambda code, plan_id: (code, plan_id),
            COUPON_CHECK_FIELDS,
        )
        resp.media = to_json(coupon_preview.preview(self.deps.uow, self.deps.clock, code, plan_id))


def member_json(view: MemberSubscription) -> dict:
    """A subscription with `auto_renew`, the card's brand and last digits (never its
    reference) and, while it renews, the next charge's date, amount and plan."""
    return {
        **to_json(view.subscription),
        "next_charge_at": view.next_charge_at,
        "next_charge_amount": view.next_charge_amount,
        "next_plan_id": view.next_plan_id,
    }


def _user_id(req) -> int:
    user = required_user(req)
    assert user.id is not None, "an authenticated user is stored"
    return user.id


class _Action:
    def __init__(self, deps):
        self.deps = deps

    def _done(self, resp, view: MemberSubscription) -> None:
        resp.media = member_json(view)


class CancelResource(_Action):
    def on_post(self, req, resp, id: int) -> None:
        self._done(
            resp,
            membership.cancel(
                self.deps.uow, self.deps.clock, _user_id(req), id, self.deps.renewals.schedule
            ),
        )


class ResumeResource(_Action):
    def on_post(self, req, resp, id: int) -> None:
        self._done(
            resp,
            membership.resume(
                self.deps.uow, self.deps.clock, _user_id(req), id, self.deps.renewals.schedule
            ),
        )


class ChangePlanResource(_Action):
    def on_post(self, req, resp, id: int) -> None:
        user_id = _user_id(req)
        plan_id = read_command(
            req, self.deps.config.max_body_bytes, lambda plan_id: plan_id, CHANGE_PLAN_FIELDS
        )
        self._done(
            resp,
            membership.change_plan(
                self.deps.uow, self.deps.clock, user_id, id, plan_id, self.deps.renewals.schedule
            ),
        )


def routes(deps) -> list[Route]:
    answers = {200: MEMBER_SUBSCRIPTION_SCHEMA, 404: None, 409: None}
    return [
        *crud_routes("/api/admin/coupons", coupon_admin.COUPONS, deps, tag="payments"),
        Route(
            "/api/coupons/check",
            CouponCheckResource(deps),
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
            CancelResource(deps),
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
            ResumeResource(deps),
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
            ChangePlanResource(deps),
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

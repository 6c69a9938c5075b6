"""Admin: coupons (issue 25) — how the table is validated and written (one
`crud.Resource`): codes case-insensitive, either a percentage or an amount, cycles only
for repeating coupons, plans that exist."""

from __future__ import annotations

import re

from domain.common.crud import Resource
from domain.common.errors import ValidationError
from domain.common.fields import Choice, Integer, IntList, Text, Timestamp
from domain.payments.coupons import DURATIONS, Coupon, check, normalize, normalize_code
from ports.unit_of_work import UnitOfWork


def _code(text: str, name: str) -> str:
    if not re.fullmatch(r"[A-Za-z0-9_-]+", text):
        raise ValidationError(f"{name} may hold only letters, digits, - and _", field=name)
    return normalize_code(text)


def _plans_exist(uow: UnitOfWork, current: Coupon | None, coupon: Coupon) -> Coupon:
    missing = [i for i in coupon.plan_ids or [] if uow.plans.get(i) is None]
    if missing:
        raise ValidationError(f"plan {missing[0]} does not exist", field="plan_ids")
    return coupon


COUPONS = Resource(
    name="coupon",
    repo="coupons",
    entity=Coupon,
    fields={
        "code": Text(
            required=True,
            nullable=False,
            max_length=40,
            normalize=_code,
            description="case-insensitive (stored upper-case); letters, digits, - and _",
        ),
        "percent_off": Integer(minimum=1, maximum=100, description="1-100 (or amount_off)"),
        "amount_off": Integer(minimum=1, description="cents off the plan's price (or percent_off)"),
        "duration": Choice(
            nullable=False,
            choices=DURATIONS,
            description="once: the first payment; forever: every renewal "
            "too; repeating: `cycles` payments",
        ),
        "cycles": Integer(
            minimum=1, maximum=120, description="repeating: how many payments (the first included)"
        ),
        "max_redemptions": Integer(minimum=1, description="null: unlimited"),
        "expires_at": Timestamp(description="no redemption from then on (null: never)"),
        "plan_ids": IntList(nullable=False, description="the plans it applies to (empty: all)"),
    },
    check=check,
    normalize=normalize,
    before_write=_plans_exist,
    order_by=("-id",),
)

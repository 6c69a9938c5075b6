"""Coupons (issue 25): a discount on a plan's price — a percentage (1–100) or an amount
in cents — for the first payment only (`once`), every renewal (`forever`) or a number of
periods (`repeating`, `cycles` counting the first), optionally limited in redemptions,
in time and to some plans. The server applies it; order bumps are never discounted."""

from __future__ import annotations

from datetime import datetime

import attrs
from attrs import field, frozen

from domain.common.errors import ValidationError

ONCE = "once"
FOREVER = "forever"
REPEATING = "repeating"
DURATIONS = (ONCE, FOREVER, REPEATING)


@frozen
class Coupon:
    """Table `coupons`. `code` is stored upper-case (codes are case-insensitive);
    `plan_ids` empty: every plan."""

    id: int | None
    code: str
    percent_off: int | None = None
    amount_off: int | None = None
    duration: str = ONCE
    cycles: int | None = None
    max_redemptions: int | None = None
    times_redeemed: int = 0
    expires_at: datetime | None = None
    plan_ids: list[int] = field(factory=list)
    created_at: datetime | None = None


def normalize_code(code: str) -> str:
    return code.strip().upper()


def discount(coupon: Coupon, price: int) -> int:
    """What `coupon` takes off `price` (cents): a percentage rounded half up to the
    cent, or the amount; never more than the price, never negative."""
    if price <= 0:
        return 0
    if coupon.percent_off is not None:
        off = (price * coupon.percent_off + 50) // 100
    else:
        off = coupon.amount_off or 0
    return max(0, min(price, off))


def applied(coupon: Coupon | None, plan_id: int | None, price: int) -> tuple[int, int]:
    """(amount, discount) of `price` for plan `plan_id` once `coupon` (kept by a
    subscription) is applied: nothing off when there is none or it is another plan's."""
    if coupon is None or (coupon.plan_ids and plan_id not in coupon.plan_ids):
        return price, 0
    off = discount(coupon, price)
    return price - off, off


def check_usable(coupon: Coupon | None, plan_id: int, now: datetime) -> Coupon:
    """The coupon a buyer typed, if it may be used now on `plan_id`; a 400 naming
    `coupon` otherwise (unknown, expired, used up, another plan's)."""
    if coupon is None:
        raise ValidationError("this coupon does not exist", field="coupon")
    if coupon.expires_at is not None and coupon.expires_at <= now:
        raise ValidationError("this coupon has expired", field="coupon")
    if coupon.max_redemptions is not None and coupon.times_redeemed >= coupon.max_redemptions:
        raise ValidationError("this coupon has been used up", field="coupon")
    if coupon.plan_ids and plan_id not in coupon.plan_ids:
        raise ValidationError("this coupon is not valid for this plan", field="coupon")
    return coupon


def renewals_left(coupon: Coupon) -> tuple[int | None, int | None]:
    """(coupon_id, coupon_cycles_left) a subscription bought with `coupon` keeps for its
    renewals: none for `once` (or a repeating one of 1 cycle), every one for `forever`
    (None left: no limit), `cycles - 1` for `repeating` (the purchase was the first)."""
    if coupon.duration == FOREVER:
        return coupon.id, None
    if coupon.duration == REPEATING and coupon.cycles and coupon.cycles > 1:
        return coupon.id, coupon.cycles - 1
    return None, None


def check(coupon: Coupon) -> None:
    """Whole-coupon rules (admin writes)."""
    if (coupon.percent_off is None) == (coupon.amount_off is None):
        raise ValidationError("give either percent_off or amount_off", field="percent_off")
    if coupon.duration == REPEATING and coupon.cycles is None:
        raise ValidationError("a repeating coupon needs cycles", field="cycles")
    if coupon.duration != REPEATING and coupon.cycles is not None:
        raise ValidationError("cycles is only for repeating coupons", field="cycles")


def normalize(coupon: Coupon) -> Coupon:
    return attrs.evolve(
        coupon, code=normalize_code(coupon.code), plan_ids=sorted(set(coupon.plan_ids or []))
    )

"""What a coupon does to a plan's price, before paying (the checkout page's coupon
field): the same rules the checkout applies (domain.payments.coupons)."""

from __future__ import annotations

from attrs import frozen

from domain.common.errors import ValidationError
from domain.payments import coupons
from ports.clock import Clock
from ports.unit_of_work import UnitOfWorkFactory


@frozen
class CouponPreview:
    code: str
    plan_id: int
    discount: int  # cents off the plan's price (never off the order bumps)
    plan_price: int  # the plan's price after the discount
    duration: str
    cycles: int | None = None


def preview(uow_factory: UnitOfWorkFactory, clock: Clock, code: str, plan_id: int) -> CouponPreview:
    """A 400 naming `coupon` for a coupon the checkout would refuse."""
    with uow_factory() as uow:
        plan = uow.plans.get(plan_id)
        if plan is None or not plan.is_active:
            raise ValidationError(f"plan {plan_id} is not for sale", field="plan_id")
        found = uow.coupons.first({"code": coupons.normalize_code(code)})
    coupon = coupons.check_usable(found, plan_id, clock.now())
    off = coupons.discount(coupon, plan.price)
    return CouponPreview(
        code=coupon.code,
        plan_id=plan_id,
        discount=off,
        plan_price=plan.price - off,
        duration=coupon.duration,
        cycles=coupon.cycles,
    )

"""Pricing: what a checkout costs, computed from stored prices (never the client's)."""

from __future__ import annotations

from collections.abc import Iterable

from attrs import frozen

from domain.catalog.entities import OrderBump, Plan
from domain.common.errors import ValidationError
from domain.payments.checkout import PAYMENT_METHODS, PIX, PIX_AUTOMATICO


@frozen
class Quote:
    """What the buyer pays: the plan and the distinct selected bumps, priced from storage."""

    plan: Plan
    bumps: tuple[OrderBump, ...]
    payment_method: str
    # Cents a coupon takes off the plan's price (never off the bumps).
    discount: int = 0

    @property
    def plan_price(self) -> int:
        return self.plan.price - self.discount

    @property
    def total(self) -> int:
        return self.plan_price + sum(b.price for b in self.bumps)

    @property
    def order_bump_ids(self) -> list[int]:
        ids = []
        for bump in self.bumps:
            # quote() picks each bump by its (requested) id among the stored ones.
            assert bump.id is not None, bump
            ids.append(bump.id)
        return ids


def accepts(plan: Plan, payment_method: str) -> bool:
    return plan.accepts_pix if payment_method in (PIX, PIX_AUTOMATICO) else plan.accepts_card


def quote(
    plan: Plan,
    payment_method: str,
    requested_bump_ids: Iterable[int],
    stored_bumps: Iterable[OrderBump],
    discount: int = 0,
) -> Quote:
    """Price a checkout from stored prices. Duplicate bump ids count once; an unknown or
    inactive bump, a payment method the plan does not accept, or a total of 0 (nothing
    for a gateway to charge) is refused."""
    if payment_method not in PAYMENT_METHODS:
        raise ValidationError(
            f"payment_method must be one of: {', '.join(PAYMENT_METHODS)}", field="payment_method"
        )
    if not accepts(plan, payment_method):
        raise ValidationError(
            f"this plan does not accept {payment_method} payments", field="payment_method"
        )
    available = {b.id: b for b in stored_bumps if b.is_active}
    chosen = []
    for bump_id in dict.fromkeys(requested_bump_ids):
        if bump_id not in available:
            raise ValidationError(
                f"order bump {bump_id} does not exist or is not available", field="order_bump_ids"
            )
        chosen.append(available[bump_id])
    priced = Quote(
        plan=plan,
        bumps=tuple(chosen),
        payment_method=payment_method,
        discount=max(0, min(discount, plan.price)),
    )
    if priced.total <= 0:
        # Gateways charge at least a cent; a free plan is granted by an administrator.
        raise ValidationError("this plan is free: there is nothing to pay", field="plan_id")
    return priced

"""Checkout: a purchase of a plan plus order bumps, and its payment state."""
from __future__ import annotations

from datetime import datetime

from attrs import field, frozen

PENDING = "pending"
PAID = "paid"
FAILED = "failed"
ABANDONED = "abandoned"
REFUNDED = "refunded"
STATUSES = (PENDING, PAID, FAILED, ABANDONED, REFUNDED)

PIX = "pix"
CREDIT_CARD = "credit_card"
PAYMENT_METHODS = (PIX, CREDIT_CARD)


@frozen
class Checkout:
    """Table `checkouts`. `total_amount` in cents, always computed by the server."""

    id: int | None
    plan_id: int
    total_amount: int
    user_id: int | None = None
    external_id: str | None = None
    status: str = PENDING
    payment_method: str | None = None
    order_bump: bool = False
    order_bump_ids: list[int] = field(factory=list)
    customer_name: str | None = None
    customer_email: str | None = None
    customer_document: str | None = None
    customer_phone: str | None = None
    created_at: datetime | None = None
    updated_at: datetime | None = None

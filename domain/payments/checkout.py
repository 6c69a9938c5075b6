"""Checkout: a purchase of a plan plus order bumps, and its one-way payment state."""

from __future__ import annotations

from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any

import attrs
from attrs import field, frozen

from domain.common.errors import ValidationError
from domain.common.fields import parse_timestamp
from domain.common.statuses import lenient
from domain.payments.payment_data import PaymentData, payment_of, to_payment_data


class CheckoutStatus(StrEnum):
    PENDING = "pending"
    PAID = "paid"
    FAILED = "failed"
    ABANDONED = "abandoned"
    REFUNDED = "refunded"
    # Paid for another amount than the checkout's total (or an unknown one): money
    # moved, but not what we asked for. Never granted by itself: an administrator
    # settles it, or a later read-back of the right amount does.
    REVIEW = "review"


class PaymentMethod(StrEnum):
    PIX = "pix"
    CREDIT_CARD = "credit_card"
    # PIX whose QR also authorises Pix Automático (domain.payments.pix_automatico)
    PIX_AUTOMATICO = "pix_automatico"


PENDING = CheckoutStatus.PENDING
PAID = CheckoutStatus.PAID
FAILED = CheckoutStatus.FAILED
ABANDONED = CheckoutStatus.ABANDONED
REFUNDED = CheckoutStatus.REFUNDED
REVIEW = CheckoutStatus.REVIEW
STATUSES = tuple(CheckoutStatus)

PIX = PaymentMethod.PIX
CREDIT_CARD = PaymentMethod.CREDIT_CARD
PIX_AUTOMATICO = PaymentMethod.PIX_AUTOMATICO
PAYMENT_METHODS = tuple(PaymentMethod)


def to_checkout_status(value: str) -> CheckoutStatus:
    return lenient(CheckoutStatus, value)


def to_payment_method(value: str | None) -> PaymentMethod | None:
    return None if value is None else lenient(PaymentMethod, value)


def stored_method(method: str) -> PaymentMethod:
    """The column `checkouts.payment_method` keeps the original's two values: a Pix
    Automático checkout is a PIX one there (its payment_data says which)."""
    return PIX if method == PIX_AUTOMATICO else PaymentMethod(method)


def method_of(checkout: Checkout) -> str | None:
    """How the buyer chose to pay: pix_automatico when the payment data says so."""
    if checkout.payment_data is not None and checkout.payment_data.method == PIX_AUTOMATICO:
        return PIX_AUTOMATICO
    return checkout.payment_method


# One-way state machine: a status only ever moves along these arrows, so a late,
# repeated or forged notification can never move a paid checkout back to pending.
# Abandoned only means we stopped waiting: a payment the gateway confirms afterwards
# (read back, right amount) still counts, and a refusal still closes it as failed.
# A payment of the wrong amount parks the checkout in review, never paid, never stuck.
TRANSITIONS: dict[str, frozenset[str]] = {
    PENDING: frozenset({PAID, FAILED, ABANDONED, REVIEW}),
    ABANDONED: frozenset({PAID, FAILED, REVIEW}),
    REVIEW: frozenset({PAID, FAILED, REFUNDED}),
    PAID: frozenset({REFUNDED}),
}
# How long a checkout waits to be paid when its PIX code has no known expiry.
ABANDON_AFTER = timedelta(hours=24)


@frozen
class Checkout:
    """Table `checkouts`. `total_amount` in cents, always computed by the server.
    `payment_data` (ours) keeps what the buyer needs to pay: PIX code, expiry, links."""

    id: int | None
    plan_id: int
    total_amount: int
    user_id: int | None = None
    external_id: str | None = None
    status: CheckoutStatus = field(default=PENDING, converter=to_checkout_status)
    payment_method: PaymentMethod | None = field(default=None, converter=to_payment_method)
    order_bump: bool = False
    order_bump_ids: list[int] = field(factory=list)
    customer_name: str | None = None
    customer_email: str | None = None
    customer_document: str | None = None
    customer_phone: str | None = None
    created_at: datetime | None = None
    updated_at: datetime | None = None
    payment_data: PaymentData | None = field(default=None, converter=to_payment_data)
    # The digest of the request's Idempotency-Key and its caller (domain.payments.
    # idempotency); unique: a repeat of the request finds this checkout.
    idempotency_key: str | None = None

    @property
    def payment(self) -> PaymentData:
        """payment_data, or an empty one when the row has none."""
        return payment_of(self.payment_data)

    def with_payment(self, **changes: Any) -> Checkout:
        """This checkout with its payment data changed (`changes`: PaymentData fields)."""
        return attrs.evolve(self, payment_data=self.payment.but(**changes))


def can_move(current: str, target: str) -> bool:
    """True when `current -> target` is a forward transition."""
    return target in TRANSITIONS.get(current, frozenset())


def advance(checkout: Checkout, target: str, now: datetime) -> Checkout | None:
    """The checkout moved to `target`, or None when that would not be a forward move."""
    if not can_move(checkout.status, target):
        return None
    return attrs.evolve(checkout, status=target, updated_at=now)


def _pix_expiry(value: Any) -> datetime | None:
    """The PIX code's expiry (naive UTC) from what the gateway said: a date-time, or
    a bare date (JunglePay's expirationDate), which lasts until the end of that day."""
    if not isinstance(value, str):
        return None
    try:
        expires = parse_timestamp(value, "expires_at")
    except ValidationError:
        return None
    return expires + timedelta(days=1) if len(value.strip()) == 10 else expires


def waits_until(checkout: Checkout) -> datetime | None:
    """Until when a pending checkout waits to be paid: its PIX expiry, else a day after
    it was created (None when neither is known)."""
    expires = _pix_expiry(checkout.payment.expires_at)
    if expires is not None:
        return expires
    return checkout.created_at + ABANDON_AFTER if checkout.created_at else None


def abandon(checkout: Checkout, now: datetime) -> Checkout | None:
    """The checkout marked abandoned when it is pending and past `waits_until`."""
    deadline = waits_until(checkout)
    if checkout.status != PENDING or deadline is None or now <= deadline:
        return None
    return advance(checkout, ABANDONED, now)

"""Idempotent checkouts (issue 21.5): `POST /api/checkouts` with an Idempotency-Key (the
web client makes one per attempt to pay and reuses it on a retry). The key is stored on
the checkout as a digest of key and caller, unique, so a repeat finds the checkout
instead of charging again, and another caller's key finds nothing of theirs."""

from __future__ import annotations

import hashlib

from domain.common.errors import Conflict
from domain.payments.checkout import Checkout, method_of
from domain.payments.commands import StartCheckout

HEADER = "Idempotency-Key"
# PaymentData.charge (JSON key "charge") of a checkout whose gateway was never called
# (GatewayBusy): a retry with its key may charge it; any other pending checkout without
# a transaction may have been charged (the answer was lost) and is never charged again.
CHARGE = "charge"
NOT_SENT = "not_sent"
CHARGING = "charging"


def digest(command: StartCheckout) -> str | None:
    """What is stored for the command's key: the key scoped to its caller (the account
    when signed in, else the buyer's email)."""
    if command.idempotency_key is None:
        return None
    caller = (
        f"user:{command.buyer.id}"
        if command.buyer is not None
        else f"email:{command.customer.email.strip().lower()}"
    )
    return hashlib.sha256(f"{caller}\n{command.idempotency_key}".encode()).hexdigest()


def check_same_request(checkout: Checkout, command: StartCheckout) -> None:
    """Conflict when the key was used for another purchase (another plan, method or
    bumps): a key names one attempt to pay, never two."""
    same = (
        checkout.plan_id == command.plan_id
        and method_of(checkout) == command.payment_method
        and sorted(set(checkout.order_bump_ids or [])) == sorted(set(command.order_bump_ids or []))
    )
    if not same:
        raise Conflict(
            f"this {HEADER} was used for another checkout: make a new key for a new purchase",
            field=HEADER,
        )


def never_charged(checkout: Checkout) -> bool:
    """Whether the gateway was never called for this pending checkout."""
    return (
        checkout.status == "pending"
        and checkout.external_id is None
        and checkout.payment.charge == NOT_SENT
    )

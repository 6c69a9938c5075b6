"""Withdrawal (CDC art. 49): a purchase made online may be undone within 7 days of the
payment; the member asks, an administrator (or the gateway's refund) settles it."""

from __future__ import annotations

from datetime import datetime, timedelta

import attrs
from attrs import frozen

from domain.common.errors import Conflict, NotFound
from domain.mail import compose
from domain.payments import checkout as co
from domain.payments.events import WithdrawalRequested

REQUESTED = "requested"
REFUNDED = "refunded"
REJECTED = "rejected"
STATUSES = (REQUESTED, REFUNDED, REJECTED)
WITHDRAWAL_PERIOD = timedelta(days=7)


@frozen
class Withdrawal:
    """Table `withdrawal_requests`: one per checkout."""

    id: int | None
    checkout_id: int
    user_id: int
    status: str = REQUESTED
    reason: str | None = None
    created_at: datetime | None = None
    resolved_at: datetime | None = None


def acknowledge(uow, request: WithdrawalRequested) -> None:
    """The member's acknowledgement mail of their request."""
    user = uow.users.get(request.user_id)
    if user is not None:
        uow.outbox.enqueue(
            compose.withdrawal_received(
                user.email,
                user.name,
                request.checkout_id,
                request.total_amount,
                request.occurred_at,
                request.user_id,
            )
        )


def close_refunded(uow, checkout_id: int, now: datetime) -> None:
    """The checkout was refunded (the gateway's notice or an administrator): its open
    withdrawal request, if any, is done."""
    request = uow.withdrawals.first({"checkout_id": checkout_id, "status": REQUESTED})
    if request is not None:
        uow.withdrawals.update(attrs.evolve(request, status=REFUNDED, resolved_at=now))


def request_withdrawal(
    uow_factory, clock, user_id: int, checkout_id: int, reason: str | None
) -> Withdrawal:
    """The member asks to undo a purchase paid at most 7 days ago (CDC art. 49); the
    request is stored with its acknowledgement mail. NotFound for another member's
    checkout; Conflict when it is not paid, too old, or already asked."""
    now = clock.now()
    with uow_factory() as uow:
        checkout = uow.checkouts.get_for_update(checkout_id)
        if checkout is None or checkout.user_id != user_id:
            raise NotFound(f"checkout {checkout_id} not found")
        if checkout.status != co.PAID:
            raise Conflict("only a paid checkout can be withdrawn", field="status")
        paid_at = checkout.updated_at or checkout.created_at
        if paid_at is None or now - paid_at > WITHDRAWAL_PERIOD:
            raise Conflict("the 7-day withdrawal period of this purchase is over", field="status")
        if uow.withdrawals.first({"checkout_id": checkout_id}) is not None:
            raise Conflict(
                "a withdrawal was already requested for this checkout", field="checkout_id"
            )
        request = uow.withdrawals.add(
            Withdrawal(
                id=None, checkout_id=checkout_id, user_id=user_id, reason=reason, created_at=now
            )
        )
        assert request.id is not None, "add() returns the request with its id"
        # Its handler stores the acknowledgement mail (domain.payments.handlers).
        uow.record(
            WithdrawalRequested(
                occurred_at=now,
                withdrawal_id=request.id,
                checkout_id=checkout_id,
                user_id=user_id,
                total_amount=checkout.total_amount,
            )
        )
        uow.commit()
    return request

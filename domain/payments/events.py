"""What the payments capability tells the rest of the system (domain.common.events):
a checkout's life, the access it grants, a withdrawal asked. Amounts are in cents."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from attrs import field, frozen

from domain.common.events import Event
from domain.common.statuses import SubscriptionStatus
from domain.payments.checkout import Checkout, CheckoutStatus, PaymentMethod
from domain.payments.gateways import SavedCard
from domain.payments.subscriptions import Subscription


@frozen(kw_only=True)
class CheckoutEvent(Event):
    """A checkout moved to `status` (its id, plan, buyer, total and payment)."""

    checkout_id: int
    plan_id: int
    user_id: int | None
    total_amount: int
    status: CheckoutStatus
    payment_method: PaymentMethod | None
    external_id: str | None = None
    provider: str | None = None
    # Paid by a card our gateway confirmed (PaymentData.confirms_card): assures age.
    card_confirmed: bool = False


@frozen(kw_only=True)
class CheckoutCreated(CheckoutEvent):
    name = "checkout.created"


@frozen(kw_only=True)
class CheckoutCharged(CheckoutEvent):
    """The gateway took the charge (its transaction is `external_id`); `pix_code_issued`:
    it answered with a PIX code for the buyer to pay."""

    name = "checkout.charged"
    pix_code_issued: bool = False


@frozen(kw_only=True)
class CheckoutPaid(CheckoutEvent):
    """Paid the right amount. `account_created`: this payment opened the buyer's
    account (the receipt then carries the set-password link). `saved_card`: the card
    the gateway keeps for later charges (issue 25), for the handler that saves it on an
    automatic subscription — never in the payload (a card reference leaves no server)."""

    name = "checkout.paid"
    account_created: bool = False
    saved_card: SavedCard | None = field(default=None, repr=False)

    def payload(self) -> dict[str, Any]:
        return {k: v for k, v in super().payload().items() if k != "saved_card"}


@frozen(kw_only=True)
class CheckoutClaimed(CheckoutEvent):
    """A paid checkout no account had (its email's account was unverified) was claimed
    through the link mailed to the address: `user_id` now has it."""

    name = "checkout.claimed"


@frozen(kw_only=True)
class CheckoutReview(CheckoutEvent):
    """Paid another amount than the total (`paid_amount`, None when unknown)."""

    name = "checkout.review"
    paid_amount: int | None = None


@frozen(kw_only=True)
class CheckoutRefunded(CheckoutEvent):
    name = "checkout.refunded"


@frozen(kw_only=True)
class CheckoutFailed(CheckoutEvent):
    """Refused or canceled by the gateway, or settled as failed from review."""

    name = "checkout.failed"


@frozen(kw_only=True)
class CheckoutAbandoned(CheckoutEvent):
    name = "checkout.abandoned"


@frozen(kw_only=True)
class SubscriptionEvent(Event):
    subscription_id: int
    user_id: int
    plan_id: int | None
    external_id: str | None
    status: SubscriptionStatus
    start_date: datetime | None = None
    end_date: datetime | None = None


@frozen(kw_only=True)
class SubscriptionActivated(SubscriptionEvent):
    name = "subscription.activated"


@frozen(kw_only=True)
class SubscriptionExpired(SubscriptionEvent):
    name = "subscription.expired"


@frozen(kw_only=True)
class SubscriptionCanceled(SubscriptionEvent):
    """Ended early: the payment that granted it was refunded or failed."""

    name = "subscription.canceled"


@frozen(kw_only=True)
class SubscriptionRenewed(SubscriptionEvent):
    """Its saved card paid the next period (`amount` cents): `end_date` is the new end
    (issue 25)."""

    name = "subscription.renewed"
    amount: int = 0


@frozen(kw_only=True)
class SubscriptionPastDue(SubscriptionEvent):
    """Its renewal charge was refused: access continues to `end_date` (the grace);
    `retry_at` is the next attempt, None when the renewal has ended."""

    name = "subscription.past_due"
    retry_at: datetime | None = None


@frozen(kw_only=True)
class SubscriptionCancelled(SubscriptionEvent):
    """The member turned its automatic renewal off: access continues to `end_date`
    (not subscription.canceled, a grant ended early by a refund)."""

    name = "subscription.cancelled"


@frozen(kw_only=True)
class WithdrawalRequested(Event):
    """A member asked to undo a purchase (CDC art. 49)."""

    name = "withdrawal.requested"
    withdrawal_id: int
    checkout_id: int
    user_id: int
    total_amount: int


_MOVES: dict[str, type[CheckoutEvent]] = {
    CheckoutStatus.PAID: CheckoutPaid,
    CheckoutStatus.REVIEW: CheckoutReview,
    CheckoutStatus.REFUNDED: CheckoutRefunded,
    CheckoutStatus.FAILED: CheckoutFailed,
    CheckoutStatus.ABANDONED: CheckoutAbandoned,
    CheckoutStatus.PENDING: CheckoutCreated,
}


def _checkout_fields(checkout: Checkout, now: datetime) -> dict[str, Any]:
    assert checkout.id is not None, "a stored checkout"
    return dict(
        occurred_at=now,
        checkout_id=checkout.id,
        plan_id=checkout.plan_id,
        user_id=checkout.user_id,
        total_amount=checkout.total_amount,
        status=checkout.status,
        payment_method=checkout.payment_method,
        external_id=checkout.external_id,
        provider=checkout.payment.provider,
        card_confirmed=(
            checkout.payment_method == PaymentMethod.CREDIT_CARD
            and checkout.payment.confirms_card()
        ),
    )


def checkout_event(
    checkout: Checkout,
    now: datetime,
    *,
    account_created: bool = False,
    paid_amount: int | None = None,
    saved_card: SavedCard | None = None,
) -> CheckoutEvent:
    """The event of `checkout` as it now is (its status names the event: pending is
    the checkout just created)."""
    fields = _checkout_fields(checkout, now)
    if checkout.status == CheckoutStatus.PAID:
        return CheckoutPaid(**fields, account_created=account_created, saved_card=saved_card)
    if checkout.status == CheckoutStatus.REVIEW:
        return CheckoutReview(**fields, paid_amount=paid_amount)
    return _MOVES[checkout.status](**fields)


def claim_event(checkout: Checkout, now: datetime) -> CheckoutClaimed:
    return CheckoutClaimed(**_checkout_fields(checkout, now))


def charge_event(checkout: Checkout, now: datetime, *, pix_code_issued: bool) -> CheckoutCharged:
    """The event of the gateway's answer to `checkout`'s charge (stored in it)."""
    return CheckoutCharged(**_checkout_fields(checkout, now), pix_code_issued=pix_code_issued)


def subscription_event(
    kind: type[SubscriptionEvent], sub: Subscription, now: datetime
) -> SubscriptionEvent:
    assert sub.id is not None, "a stored subscription"
    return kind(
        occurred_at=now,
        subscription_id=sub.id,
        user_id=sub.user_id,
        plan_id=sub.plan_id,
        external_id=sub.external_id,
        status=sub.status,
        start_date=sub.start_date,
        end_date=sub.end_date,
    )

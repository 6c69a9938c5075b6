"""Payment notifications (gateway postbacks, the sandbox's simulated payments, the
synchronous answer to a card charge): matched to the checkout the gateway charged by
its transaction id, recorded once, applied with one-way transitions."""

from __future__ import annotations

import logging
from datetime import datetime
from enum import StrEnum

import attrs
from attrs import frozen

from domain.accounts.events import CHECKOUT, UserRegistered
from domain.accounts.users import User
from domain.common.errors import Conflict, NotFound
from domain.payments import activation
from domain.payments import checkout as co
from domain.payments import events as ev
from domain.payments.commands import SettleCheckout
from domain.payments.gateways import (
    CHECKOUT_STATUS_OF,
    JUNGLEPAY,
    SANDBOX,
    SavedCard,
    Transaction,
    WebhookEvent,
    event_key,
)
from domain.payments.service import PaymentService
from ports.unit_of_work import UnitOfWork

log = logging.getLogger("creatorflix.payments")


class SettlementOutcome(StrEnum):
    """What became of a payment notification (the webhook's answer, JSON `status`)."""

    PROCESSED = "processed"  # the checkout moved
    UNCHANGED = "unchanged"  # recorded; nothing to change (not forward, not final...)
    DUPLICATE = "duplicate"  # this transaction already reached this status here
    IGNORED = "ignored"  # not a transaction of ours
    UNMATCHED = "unmatched"  # a real transaction of the gateway no checkout of ours has
    QUEUED = "queued"  # a postback kept for the worker (domain.payments.postbacks)


PROCESSED = SettlementOutcome.PROCESSED
UNCHANGED = SettlementOutcome.UNCHANGED
DUPLICATE = SettlementOutcome.DUPLICATE
IGNORED = SettlementOutcome.IGNORED
UNMATCHED = SettlementOutcome.UNMATCHED
OUTCOMES = tuple(SettlementOutcome)


@frozen
class Outcome:
    status: SettlementOutcome
    checkout_id: int | None = None


class NoChange(StrEnum):
    """Why a notification moves nothing (recorded as its webhook event's outcome)."""

    NO_CHANGE = "no_change"  # a gateway status that is not final
    NOT_FORWARD = "not_forward"  # the checkout cannot move there any more
    AMOUNT_MISMATCH = "amount_mismatch"  # paid another amount, already in review


AMOUNT_MISMATCH = NoChange.AMOUNT_MISMATCH
# What a notification means for its checkout: the status it moves to, or why not.
Decision = co.CheckoutStatus | NoChange


def decide(checkout: co.Checkout, tx: Transaction) -> Decision:
    """What a gateway status means for this checkout: the target checkout status, or
    why nothing changes (NoChange). A payment of another amount than the total, or of
    an unknown one, is never taken as paid: the checkout goes to review (or, already
    there, stays)."""
    target = CHECKOUT_STATUS_OF.get(tx.status)
    if target is None:
        return NoChange.NO_CHANGE
    if not co.can_move(checkout.status, target):
        return NoChange.NOT_FORWARD
    if target == co.PAID and tx.amount != checkout.total_amount:
        return co.REVIEW if co.can_move(checkout.status, co.REVIEW) else AMOUNT_MISMATCH
    return target


def notification_key(tx: Transaction, decision: Decision) -> str:
    """The identity under which a notification is recorded. A payment of the wrong
    amount gets its own key (with the amount), so the later notification of the right
    amount, same transaction and status, is processed, not taken for its duplicate."""
    key = event_key(tx.external_id, tx.status)
    if decision in (co.REVIEW, AMOUNT_MISMATCH):
        return f"mismatch:{key}:{tx.amount}"
    return key


def provider_of(checkout: co.Checkout) -> str | None:
    return checkout.payment.provider


def charged_through(checkout: co.Checkout, gateway: str) -> bool:
    """Whether `gateway` charged this checkout. Rows copied from the original platform
    have no payment data: its only API gateway was JunglePay."""
    provider = provider_of(checkout)
    return provider == gateway or (provider is None and gateway == JUNGLEPAY)


def process(
    svc: PaymentService, gateway: str, tx: Transaction, *, hold_pending: bool = False
) -> Outcome:
    """Apply what `gateway` says about one of its transactions, in one transaction
    with the checkout row locked: concurrent and repeated notifications are applied
    once; a status that is not a forward move changes nothing."""
    now = svc.clock.now()
    with svc.uow() as uow:
        checkout = uow.checkouts.get_for_update_by_external_id(tx.external_id, gateway)
        if checkout is None:
            log.info("%s notification for unknown transaction %s ignored", gateway, tx.external_id)
            return Outcome(IGNORED)
        decision = decide(checkout, tx)
        note = WebhookEvent(
            id=None,
            gateway=gateway,
            event_key=notification_key(tx, decision),
            external_id=tx.external_id,
            status=tx.status,
            checkout_id=checkout.id,
            outcome=decision,
            received_at=now,
        )
        if not uow.webhook_events.record(note):
            return Outcome(DUPLICATE, checkout.id)
        if decision in (co.REVIEW, AMOUNT_MISMATCH, NoChange.NOT_FORWARD):
            # Worth a look by a human (money may have moved), never an automatic change.
            log.warning(
                "%s transaction %s is %s (amount %s) but checkout %s is %s and costs %s: %s",
                gateway,
                tx.external_id,
                tx.status,
                tx.amount,
                checkout.id,
                checkout.status,
                checkout.total_amount,
                decision,
            )
        checkout, changed = _apply(uow, checkout, tx, decision, now)
        if not changed and hold_pending and checkout.status == co.PENDING:
            checkout, changed = _hold(uow, checkout, tx.external_id, now), True
        uow.checkouts.update(checkout)
        uow.commit()  # the handlers of the move's event first (bootstrap's table)
    return Outcome(PROCESSED if changed else UNCHANGED, checkout.id)


def _shown(checkout: co.Checkout, tx: Transaction) -> co.Checkout:
    """The gateway's own status, shown to the buyer next to ours (and how it says the
    buyer paid, when it says: a card payment it confirmed assures the buyer's age)."""
    if tx.payment_method:
        return checkout.with_payment(status=tx.status, paid_with=tx.payment_method)
    return checkout.with_payment(status=tx.status)


def _for_buyer(checkout: co.Checkout, buyer_id: int, created: bool) -> co.Checkout:
    """The checkout tied to its buyer; `account_created` records that THIS checkout's
    payment created the account, the only case its buyer may choose the password."""
    checkout = attrs.evolve(checkout, user_id=buyer_id)
    if not created:
        return checkout
    return checkout.with_payment(account_created=True)


def _apply(
    uow: UnitOfWork, checkout: co.Checkout, tx: Transaction, decision: Decision, now: datetime
) -> tuple[co.Checkout, bool]:
    moved = co.advance(checkout, decision, now) if isinstance(decision, co.CheckoutStatus) else None
    if moved is None:
        # A late or repeated status never overwrites what a settled checkout shows.
        return (_shown(checkout, tx) if checkout.status == co.PENDING else checkout, False)
    return _settle(
        uow, checkout, _shown(moved, tx), now, paid_amount=tx.amount, saved_card=tx.card
    ), True


def _settle(
    uow: UnitOfWork,
    checkout: co.Checkout,
    moved: co.Checkout,
    now: datetime,
    *,
    paid_amount: int | None = None,
    saved_card: SavedCard | None = None,
) -> co.Checkout:
    """`checkout` moving to `moved.status`: a paid one is tied to its buyer (found or
    created here, locked); the event of the move is recorded, and its handlers
    (granting or ending access, card age assurance, receipt, withdrawal) run when the
    caller commits."""
    # process() found the checkout by this external id; a checkout in review was too.
    assert checkout.external_id is not None, "a checkout matched by its transaction id has one"
    account_created = False
    if moved.status == co.PAID:
        buyer, account_created = activation.buyer_of(uow, checkout, now)
        if buyer is None:
            # An account has this email unverified: the purchase waits for the link
            # mailed to the address (the receipt's handler, domain.payments.claims);
            # its CheckoutPaid names no user, so nothing is granted meanwhile.
            moved = moved.with_payment(unclaimed=True)
        else:
            moved = _for_buyer(moved, _stored_id(buyer), account_created)
            if account_created:
                uow.record(
                    UserRegistered(
                        occurred_at=now, user_id=_stored_id(buyer), role=buyer.role, via=CHECKOUT
                    )
                )
    uow.record(
        ev.checkout_event(
            moved,
            now,
            account_created=account_created,
            paid_amount=paid_amount,
            saved_card=saved_card,
        )
    )
    return moved


def _hold(uow: UnitOfWork, checkout: co.Checkout, external_id: str, now: datetime) -> co.Checkout:
    buyer, created = activation.buyer_of(uow, checkout, now)
    if buyer is None:
        return checkout  # nothing is held for an unverified address (see _settle)
    activation.hold_pending(uow, buyer, checkout.plan_id, external_id, now)
    return _for_buyer(checkout, _stored_id(buyer), created)


def _stored_id(user: User) -> int:
    """The id of a user buyer_of read or added (so stored: it has one)."""
    assert user.id is not None, "a stored user has an id"
    return user.id


def pay_sandbox_checkout(svc: PaymentService, checkout_id: int) -> Outcome:
    """Admin: the sandbox buyer "pays"; the paid notification then goes through the same
    path as a real gateway's. Refused unless the sandbox is the gateway in use."""
    with svc.uow() as uow:
        enabled = svc.sandbox_enabled(uow)
        checkout = uow.checkouts.get(checkout_id)
    if not enabled:
        raise Conflict(
            "the sandbox gateway is not active (CREATORFLIX_GATEWAY must be "
            "sandbox and no other gateway active)"
        )
    if checkout is None:
        raise NotFound(f"checkout {checkout_id} not found")
    if provider_of(checkout) != SANDBOX or not checkout.external_id:
        raise Conflict("this checkout was not charged through the sandbox gateway")
    # The sandbox charged the checkout's total (buying.start_checkout), which its row
    # holds: the paid transaction is derived from it, not from a worker's memory.
    tx = svc.gateways.sandbox().paid(checkout.external_id, checkout.total_amount)
    return process(svc, SANDBOX, tx) if tx is not None else Outcome(IGNORED, checkout.id)


def settle_review(svc: PaymentService, command: SettleCheckout) -> co.Checkout:
    """Admin: settle a checkout in review (paid for another amount than its total) as
    paid (the subscription is activated as a payment does) or failed. Conflict when
    the checkout is not in review (a later correct read-back may have settled it)."""
    now = svc.clock.now()
    with svc.uow() as uow:
        checkout = uow.checkouts.get_for_update(command.checkout_id)
        if checkout is None:
            raise NotFound(f"checkout {command.checkout_id} not found")
        if checkout.status != co.REVIEW:
            raise Conflict(f"checkout {checkout.id} is {checkout.status}, not in review")
        moved = co.advance(checkout, command.status, now)
        assert moved is not None, "review moves to paid and failed"
        moved = moved.with_payment(review_settled=command.status)
        settled = uow.checkouts.update(_settle(uow, checkout, moved, now))
        uow.commit()  # the handlers of the move's event first (the receipt...)
    log.warning(
        "checkout %s in review settled by an administrator as %s", checkout.id, command.status
    )
    return settled

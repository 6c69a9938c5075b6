"""Payment notifications (gateway postbacks, the sandbox's simulated payments, the
synchronous answer to a card charge): authenticated, matched to a checkout by the
gateway's transaction id, recorded once, applied with one-way transitions."""
from __future__ import annotations

import logging
from datetime import datetime
from typing import Any

import attrs
from attrs import frozen

from domain import activation
from domain import checkout as co
from domain.errors import Conflict, Forbidden, NotFound, ServiceUnavailable, Unauthenticated
from domain.payment_service import PaymentService
from domain.payments import (CHECKOUT_STATUS_OF, DIAS, DIAS_PAID, DIAS_PENDING, JUNGLEPAY,
                             NOT_CONFIGURED, SANDBOX, TX_PAID, WAITING_PAYMENT,
                             PaymentNotification, Transaction, event_key)
from ports.unit_of_work import UnitOfWork

log = logging.getLogger("creatorflix.payments")

PROCESSED = "processed"     # the checkout moved
UNCHANGED = "unchanged"     # recorded; nothing to change (not forward, not final...)
DUPLICATE = "duplicate"     # this transaction already reached this status here
IGNORED = "ignored"         # not a transaction of ours


@frozen
class Outcome:
    status: str
    checkout_id: int | None = None


def decide(checkout: co.Checkout, tx: Transaction) -> str:
    """What a gateway status means for this checkout: the target checkout status, or
    why nothing changes ("no_change", "not_forward", "amount_mismatch")."""
    target = CHECKOUT_STATUS_OF.get(tx.status)
    if target is None:
        return "no_change"
    if not co.can_move(checkout.status, target):
        return "not_forward"
    if target == co.PAID and tx.amount is not None and tx.amount != checkout.total_amount:
        return "amount_mismatch"
    return target


def provider_of(checkout: co.Checkout) -> str | None:
    return (checkout.payment_data or {}).get("provider")


def charged_through(checkout: co.Checkout, gateway: str) -> bool:
    """Whether `gateway` charged this checkout. Rows copied from the original platform
    have no payment data: its only API gateway was JunglePay."""
    provider = provider_of(checkout)
    return provider == gateway or (provider is None and gateway == JUNGLEPAY)


def process(svc: PaymentService, gateway: str, tx: Transaction, *,
            hold_pending: bool = False) -> Outcome:
    """Apply what the gateway says about one of its transactions, in one transaction
    with the checkout row locked: concurrent and repeated notifications are applied
    once; a status that is not a forward move changes nothing."""
    now = svc.clock.now()
    with svc.uow() as uow:
        checkout = uow.checkouts.get_for_update_by_external_id(tx.external_id)
        if checkout is None or not charged_through(checkout, gateway):
            log.info("%s notification for unknown transaction %s ignored", gateway,
                     tx.external_id)
            return Outcome(IGNORED)
        decision = decide(checkout, tx)
        note = PaymentNotification(id=None, gateway=gateway,
                                   event_key=event_key(tx.external_id, tx.status),
                                   external_id=tx.external_id, status=tx.status,
                                   checkout_id=checkout.id, outcome=decision, received_at=now)
        if not uow.payment_notifications.record(note):
            return Outcome(DUPLICATE, checkout.id)
        if decision in ("amount_mismatch", "not_forward"):
            # Worth a look by a human (money may have moved), never an automatic change.
            log.warning("%s transaction %s is %s (amount %s) but checkout %s is %s and "
                        "costs %s: %s", gateway, tx.external_id, tx.status, tx.amount,
                        checkout.id, checkout.status, checkout.total_amount, decision)
        # The gateway's own status is shown to the buyer next to ours.
        checkout = attrs.evolve(checkout, payment_data={**(checkout.payment_data or {}),
                                                        "status": tx.status})
        changed = _apply(uow, checkout, decision, now)
        if not changed:
            if hold_pending and checkout.status == co.PENDING:
                buyer = activation.buyer_of(uow, checkout, now)
                checkout = attrs.evolve(checkout, user_id=buyer.id)
                activation.hold_pending(uow, buyer, checkout.plan_id, tx.external_id, now)
                changed = True
            uow.checkouts.update(checkout)
        uow.commit()
    return Outcome(PROCESSED if changed else UNCHANGED, checkout.id)


def _apply(uow: UnitOfWork, checkout: co.Checkout, decision: str, now: datetime) -> bool:
    moved = co.advance(checkout, decision, now) if decision in co.STATUSES else None
    if moved is None:
        return False
    if decision == co.PAID:
        buyer = activation.buyer_of(uow, checkout, now)
        uow.checkouts.update(attrs.evolve(moved, user_id=buyer.id))
        activation.grant(uow, buyer, uow.plans.get(checkout.plan_id), checkout.external_id, now)
    else:  # refunded, charged back, refused, canceled: end what it granted or held
        uow.checkouts.update(moved)
        activation.end_grants(uow, checkout.external_id, now)
    return True


# -- postbacks -----------------------------------------------------------------------
def authenticate_postback(svc: PaymentService, gateway: str, token: str | None) -> None:
    """401 without the token of our postback URL, 403 with a wrong one."""
    if not token:
        raise Unauthenticated("the postback token is missing")
    if not svc.postbacks.verify(gateway, token):
        raise Forbidden("wrong postback token")


def _text(value: Any) -> str | None:
    if isinstance(value, bool) or not isinstance(value, (str, int)):
        return None
    text = str(value).strip()
    return text[:200] if text else None


def handle_junglepay(svc: PaymentService, token: str | None, body: Any) -> Outcome:
    """A JunglePay postback. Its body is only a hint: the transaction is read back from
    JunglePay and its status there is what we act on."""
    authenticate_postback(svc, JUNGLEPAY, token)
    data = body.get("data") if isinstance(body, dict) else None
    external_id = _text(data.get("id")) if isinstance(data, dict) else None
    if external_id is None:
        return Outcome(IGNORED)
    with svc.uow() as uow:
        checkout = uow.checkouts.first({"external_id": external_id}, order_by=["id"])
        config = uow.payment_gateways.first({"name": JUNGLEPAY})
    if checkout is None or not charged_through(checkout, JUNGLEPAY):
        return Outcome(IGNORED)
    if config is None or not config.secret_key:
        raise ServiceUnavailable(NOT_CONFIGURED)  # non-2xx: JunglePay retries later
    tx = svc.gateways.junglepay(config).get_transaction(external_id)
    if tx is None:
        log.warning("JunglePay does not know transaction %s (forged postback?)", external_id)
        return Outcome(IGNORED)
    return process(svc, JUNGLEPAY, tx)


def handle_dias(svc: PaymentService, token: str | None, body: Any) -> Outcome:
    """A Dias Marketplace postback: `externalRef` (else `id`) names our checkout;
    PENDING records a pending subscription, PAID activates it."""
    authenticate_postback(svc, DIAS, token)
    if not isinstance(body, dict):
        return Outcome(IGNORED)
    ref = _text(body.get("externalRef")) or _text(body.get("id"))
    status = (_text(body.get("status")) or "").upper()
    if ref is None or status not in (DIAS_PENDING, DIAS_PAID):
        return Outcome(IGNORED)
    tx = Transaction(external_id=ref, status=TX_PAID if status == DIAS_PAID else WAITING_PAYMENT)
    return process(svc, DIAS, tx, hold_pending=status == DIAS_PENDING)


def pay_sandbox_checkout(svc: PaymentService, checkout_id: int) -> Outcome:
    """Admin: the sandbox buyer "pays"; the paid notification then goes through the same
    path as a real gateway's. Refused unless the sandbox is the gateway in use."""
    with svc.uow() as uow:
        enabled = svc.sandbox_enabled(uow)
        checkout = uow.checkouts.get(checkout_id)
    if not enabled:
        raise Conflict("the sandbox gateway is not active (CREATORFLIX_GATEWAY must be "
                       "sandbox and no other gateway active)")
    if checkout is None:
        raise NotFound(f"checkout {checkout_id} not found")
    if provider_of(checkout) != SANDBOX or not checkout.external_id:
        raise Conflict("this checkout was not charged through the sandbox gateway")
    sandbox = svc.gateways.sandbox()
    sandbox.mark_paid(checkout.external_id)
    tx = sandbox.get_transaction(checkout.external_id)
    return process(svc, SANDBOX, tx) if tx is not None else Outcome(IGNORED, checkout.id)

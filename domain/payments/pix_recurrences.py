"""Pix Automático from the checkout to the end of the recurrence (journey 3): which
plans offer it, the terms a checkout asks the PSP to authorise, the subscription it
renews once the first payment is paid AND the recurrence approved (either may be known
first), and the end of the recurrence — cancelled by the payer in their bank, rejected
or expired before approval, or cancelled by the member in Minha conta (at the PSP
first). Every notice is only a hint: the rec is read back from the PSP."""

from __future__ import annotations

import logging
from datetime import date, datetime, timedelta, tzinfo

import attrs

from domain.catalog.entities import Plan
from domain.common.errors import Conflict, NotFound, ValidationError
from domain.payments import checkout as co
from domain.payments import coupons, membership, renewals
from domain.payments import pix_automatico as pa
from domain.payments.events import CheckoutEvent
from domain.payments.gateways import PIX_GATEWAY, GatewayChoice, gateway_row
from domain.payments.pricing import Quote
from domain.payments.service import PaymentService
from domain.payments.settlement import IGNORED, PROCESSED, Outcome
from domain.payments.subscriptions import Subscription
from ports.unit_of_work import UnitOfWork

log = logging.getLogger("creatorflix.pix")

MEANS = "pelo PIX Automático"  # how a mail says it is (or no longer is) charged
REC_POSTBACK = "pix_rec"  # payment_postbacks.gateway of a rec notice (external_id: idRec)
COBR_POSTBACK = "pix_cobr"  # ... of a cobr notice (external_id: txid)
BY_PAYER = ("USUARIO_PAGADOR", "PSP_PAGADOR")
ENDS = (pa.REC_CANCELLED, pa.REC_REJECTED, pa.REC_EXPIRED)


# -- at checkout ----------------------------------------------------------------------
def check_offered(plan: Plan, choice: GatewayChoice) -> None:
    if not plan.renews_automatically:
        raise ValidationError(
            "pix_automatico is for plans that renew automatically", field="payment_method"
        )
    if pa.periodicity(plan.duration) is None:
        raise ValidationError(
            "pix_automatico renews plans of 7, 30, 90, 180 or 365 days; this plan lasts "
            f"{plan.duration}",
            field="payment_method",
        )
    if choice.name != PIX_GATEWAY:
        raise ValidationError(
            "pix_automatico is not available: PIX is not charged through a PSP's API Pix",
            field="payment_method",
        )


def first_due(plan: Plan, quote: Quote, now: datetime, zone: tzinfo) -> str | None:
    """The recurrence's first due date (ISO; calendario.dataInicial): the local day the
    first period, paid now, ends. None for any other payment method."""
    if quote.payment_method != co.PIX_AUTOMATICO:
        return None
    return pa.local_date(now + timedelta(days=plan.duration), zone).isoformat()


def terms(plan: Plan, due: str | None) -> pa.RecurrenceTerms | None:
    """What the checkout's QR authorises besides the first payment: the plan's price
    every cycle (a renewal's coupon charges less, never more)."""
    period = pa.periodicity(plan.duration)
    if due is None or period is None:
        return None
    return pa.RecurrenceTerms(
        periodicity=period,
        first_due=date.fromisoformat(due),
        amount=plan.price,
        subject=plan.name[:35],
    )


# -- approval and first payment -------------------------------------------------------
def renew_by_pix(uow: UnitOfWork, checkout: co.Checkout, zone: tzinfo) -> Subscription | None:
    """Once the checkout is paid and its recurrence approved (whichever came last, its
    checkout row locked): the subscription it granted renews by Pix Automático. Its
    period ends at the midnight after the first due date, the day the first cobr
    settles; the buyer's other automatic renewals end (one renewal per member)."""
    payment = checkout.payment
    if (
        checkout.status != co.PAID
        or checkout.user_id is None
        or payment.recurrence_id is None
        or payment.recurrence_status != pa.REC_APPROVED
        or payment.recurrence_first_due is None
    ):
        return None
    uow.users.get_for_update(checkout.user_id)
    granted = uow.subscriptions.first(
        {"user_id": checkout.user_id, "external_id": checkout.external_id}, order_by=["-id"]
    )
    if granted is None or (
        granted.pix_rec_id == payment.recurrence_id and granted.renewal_state is not None
    ):
        return granted  # not granted (claimed later), renewing already, or ended
    for other in uow.subscriptions.find({"user_id": checkout.user_id, "auto_renew": True}).items:
        if other.id != granted.id:
            uow.subscriptions.update(
                attrs.evolve(other, auto_renew=False, renewal_state=renewals.ENDED)
            )
    anchor = date.fromisoformat(payment.recurrence_first_due)
    used = payment.coupon or {}
    coupon = uow.coupons.get(used["id"]) if isinstance(used.get("id"), int) else None
    coupon_id, left = coupons.renewals_left(coupon) if coupon else (None, None)
    log.info("subscription %s renews by Pix Automático", granted.id)
    return uow.subscriptions.update(
        attrs.evolve(
            granted,
            auto_renew=True,
            renewal_state=renewals.RENEWING,
            pix_rec_id=payment.recurrence_id,
            renewal_anchor=anchor,
            end_date=pa.period_end(anchor, zone),
            card_ref=None,
            coupon_id=coupon_id,
            coupon_cycles_left=left,
        )
    )


def keep_pix_recurrence(event: CheckoutEvent, uow: UnitOfWork, *, zone: tzinfo) -> None:
    """After a paid (or claimed) checkout's grant (bootstrap.event_handlers): a
    recurrence approved before the payment was settled renews the subscription now."""
    checkout = uow.checkouts.get(event.checkout_id)
    if checkout is None or checkout.payment.recurrence_id is None or checkout.user_id is None:
        return
    if renew_by_pix(uow, checkout, zone) is None:
        # Not approved yet: the subscription awaits it (renewal_state None), its rec
        # read back by `creatorflix jobs` until approved or closed (`awaiting`).
        granted = uow.subscriptions.first(
            {"user_id": checkout.user_id, "external_id": checkout.external_id}, order_by=["-id"]
        )
        if granted is not None and granted.pix_rec_id is None:
            uow.subscriptions.update(
                attrs.evolve(granted, pix_rec_id=checkout.payment.recurrence_id)
            )


def awaiting(sub: Subscription) -> bool:
    """A subscription whose first payment is paid and whose recurrence is neither
    approved nor closed yet."""
    return sub.pix_rec_id is not None and sub.renewal_state is None and sub.status == "active"


def settle_rec(svc: PaymentService, id_rec: str) -> Outcome:
    """A rec notice's work (the background worker): the rec read back from the PSP is
    what counts. Approved: recorded on its checkout, and the subscription renews once
    the checkout is paid. Cancelled (by the payer in their bank, or by us), rejected or
    expired: no subscription renews by it any more."""
    with svc.uow() as uow:
        config = gateway_row(svc.gateway_rows(uow), PIX_GATEWAY)
    rec = svc.gateways.pix_recurring(config).get_recurrence(id_rec)
    if rec is None:
        log.warning("the PSP does not know rec %s (forged notice?)", id_rec)
        return Outcome(IGNORED)
    now = svc.clock.now()
    with svc.uow() as uow:
        checkout = (
            uow.checkouts.get_for_update_by_external_id(rec.activation_txid, PIX_GATEWAY)
            if rec.activation_txid
            else None
        )
        if checkout is not None and checkout.payment.recurrence_id == rec.id_rec:
            if checkout.payment.recurrence_status != rec.status:
                checkout = uow.checkouts.update(
                    attrs.evolve(
                        checkout,
                        payment_data=checkout.payment.but(recurrence_status=rec.status),
                        updated_at=now,
                    )
                )
            if rec.status == pa.REC_APPROVED:
                renew_by_pix(uow, checkout, svc.zone)
        if rec.status in ENDS:
            by_payer = rec.status == pa.REC_CANCELLED and rec.cancelled_by in BY_PAYER
            stop_renewals(uow, rec.id_rec, now, by_bank=by_payer, mail=by_payer)
        uow.commit()
    return Outcome(PROCESSED)


def stop_renewals(
    uow: UnitOfWork, id_rec: str, now: datetime, *, by_bank: bool, mail: bool
) -> list[Subscription]:
    """The subscriptions recurrence `id_rec` renewed renew no more (access until the end
    already paid, or the grace of a past-due one), their charges not yet settled are
    dropped, and the member is mailed when `mail`. Idempotent."""
    stopped = []
    for sub in uow.subscriptions.find({"pix_rec_id": id_rec}).items:
        if not sub.auto_renew and sub.renewal_state == renewals.ENDED:
            continue
        uow.users.get_for_update(sub.user_id)
        sub = uow.subscriptions.update(
            attrs.evolve(sub, auto_renew=False, renewal_state=renewals.ENDED)
        )
        for open_one in uow.renewals.find({"subscription_id": sub.id}).items:
            if open_one.status in (renewals.DUE, renewals.REFUSED, renewals.SCHEDULED):
                uow.renewals.update(
                    attrs.evolve(
                        open_one,
                        status=renewals.FAILED,
                        next_attempt_at=None,
                        last_error="the Pix Automático recurrence was cancelled",
                        updated_at=now,
                    )
                )
        membership.record_cancelled(
            uow, sub, now, mail=mail, means=MEANS, by_bank=by_bank, resumable=False
        )
        stopped.append(sub)
    return stopped


# -- the member's cancel --------------------------------------------------------------
def cancel_by_member(svc: PaymentService, user_id: int, subscription_id: int) -> bool:
    """A member cancels the automatic renewal of a subscription Pix Automático renews:
    the recurrence is cancelled at the PSP first (PATCH /rec/{idRec}: no cobr can follow
    it), then here, with the confirmation mail. False when the subscription does not
    renew by Pix Automático (the card's cancel applies). ServiceUnavailable while the
    PSP cannot be reached: nothing changed, the member tries again."""
    with svc.uow() as uow:
        sub = uow.subscriptions.get(subscription_id)
        if sub is None or sub.user_id != user_id:
            raise NotFound(f"subscription {subscription_id} not found")
        if sub.pix_rec_id is None:
            return False
        config = gateway_row(svc.gateway_rows(uow), PIX_GATEWAY)
    if sub.renewal_state == renewals.ENDED and not sub.auto_renew:
        return True  # cancelled already
    if sub.end_date is None or sub.end_date <= svc.clock.now():
        raise Conflict("this subscription has ended")
    rec = svc.gateways.pix_recurring(config).cancel_recurrence(sub.pix_rec_id)
    if rec.status != pa.REC_CANCELLED:
        log.error("rec %s: the PSP answered %s to its cancel", sub.pix_rec_id, rec.status)
    now = svc.clock.now()
    with svc.uow() as uow:
        stop_renewals(uow, sub.pix_rec_id, now, by_bank=False, mail=True)
        uow.commit()
    return True

"""Saving the card (issue 25): a paid card purchase of an automatic plan, whose buyer
consented, keeps the card its gateway keeps for later charges — its reference, brand
and last 4 digits, nothing else — on the subscription, with the coupon its renewals
apply; any purchase ends the renewal of the buyer's past-due subscriptions."""

from __future__ import annotations

from datetime import datetime

import attrs

from domain.catalog.entities import Plan
from domain.common.errors import ServiceUnavailable
from domain.payments import checkout as co
from domain.payments import coupons, renewals
from domain.payments.events import CheckoutEvent
from domain.payments.gateways import JUNGLEPAY, SavedCard
from domain.payments.service import PaymentService
from domain.payments.subscriptions import Subscription
from ports.unit_of_work import UnitOfWork


def saves_card(plan: Plan, checkout: co.Checkout, card: SavedCard | None) -> bool:
    """A paid card checkout of an automatic plan, whose buyer consented, whose card
    the gateway keeps."""
    return (
        plan.renews_automatically
        and card is not None
        and checkout.payment_method == co.CREDIT_CARD
        and checkout.payment_data is not None
        and checkout.payment_data.renewal_consent
    )


def after_purchase(
    uow: UnitOfWork,
    granted: Subscription,
    plan: Plan,
    checkout: co.Checkout,
    card: SavedCard | None,
    now: datetime,
) -> Subscription:
    """Inside the paid checkout's transaction: a new purchase ends the renewal of the
    buyer's past-due subscriptions (paid by PIX or another card: nothing is charged
    again), and a purchase that saves a card moves the automatic renewal to it."""
    saving = saves_card(plan, checkout, card)
    for other in uow.subscriptions.find({"user_id": granted.user_id, "auto_renew": True}).items:
        if other.id != granted.id and (saving or other.renewal_state == renewals.PAST_DUE):
            uow.subscriptions.update(
                attrs.evolve(other, auto_renew=False, renewal_state=renewals.ENDED)
            )
    if not saving:
        return granted
    assert card is not None, "saves_card checked it"
    used = (checkout.payment_data.coupon if checkout.payment_data else None) or {}
    coupon = uow.coupons.get(used["id"]) if isinstance(used.get("id"), int) else None
    coupon_id, left = coupons.renewals_left(coupon) if coupon else (None, None)
    return uow.subscriptions.update(
        attrs.evolve(
            granted,
            auto_renew=True,
            renewal_state=renewals.RENEWING,
            card_ref=card.ref,
            card_brand=card.brand,
            card_last4=card.last4,
            coupon_id=coupon_id,
            coupon_cycles_left=left,
        )
    )


def keep_saved_card(event: CheckoutEvent, uow: UnitOfWork) -> None:
    """After a paid (or claimed) checkout's grant (domain.payments.handlers): the card
    its gateway keeps renews the subscription, when the plan and the buyer say so; any
    purchase ends the renewal of the buyer's past-due subscriptions."""
    if event.user_id is None or event.external_id is None:
        return  # unclaimed: nothing granted yet
    granted = uow.subscriptions.first(
        {"user_id": event.user_id, "external_id": event.external_id}, order_by=["-id"]
    )
    plan = uow.plans.get(event.plan_id)
    checkout = uow.checkouts.get(event.checkout_id)
    if granted is None or plan is None or checkout is None:
        return
    after_purchase(
        uow, granted, plan, checkout, getattr(event, "saved_card", None), event.occurred_at
    )


def charges_saved_cards(svc: PaymentService, uow: UnitOfWork) -> bool:
    """Whether the gateway in use charges saved cards (JunglePay); the sandbox and Dias
    do not: their automatic subscriptions get the manual reminder."""
    try:
        return svc.choose(uow).name == JUNGLEPAY
    except ServiceUnavailable:
        return False

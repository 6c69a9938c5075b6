"""Automatic renewal (issue 25), the engine: `run_due` charges the saved cards
(domain.payments.saved_cards) of the subscriptions whose period ends soon, and the
refused ones again on their schedule.

Safe with several job runners and app servers: a period's renewal row is inserted
(unique per subscription and period) and committed BEFORE the gateway is called, and
retries are claimed in one statement, so exactly one runner charges a period. The
gateway is never called inside a database transaction: claim, commit, call, record. A
runner that stops between the charge and its record leaves the row `charging`; once its
claim lapses the row is `unconfirmed` and never charged again here (an operator checks
the gateway's panel)."""

from __future__ import annotations

import logging
import secrets
from collections.abc import Iterator
from datetime import datetime, timedelta
from typing import Any

import attrs
from attrs import frozen

from domain.catalog.entities import Plan
from domain.common.errors import (
    FinalRefusal,
    GatewayBusy,
    GatewayRejected,
    PaymentRefused,
    ServiceUnavailable,
)
from domain.mail import compose
from domain.payments import activation, coupons, renewals
from domain.payments import checkout as co
from domain.payments import subscriptions as subs
from domain.payments.customer import Customer
from domain.payments.events import SubscriptionPastDue, SubscriptionRenewed
from domain.payments.gateways import (
    JUNGLEPAY,
    TX_PAID,
    ChargeItem,
    SavedCardCharge,
    with_query,
)
from domain.payments.reminders import Reminders, renewal_link
from domain.payments.renewals import Renewal, Schedule
from domain.payments.service import PaymentService
from domain.payments.subscriptions import Subscription
from ports.payments import SavedCardGateway
from ports.unit_of_work import UnitOfWork

log = logging.getLogger("creatorflix.renewals")

LEASE = timedelta(minutes=10)  # far above a gateway call's timeouts
BUSY_RETRY = timedelta(minutes=15)  # the guard refused the call: nothing was sent
BATCH = 50
# Our postback URL names the renewal (the gateway posts back about the charge).
RENEWAL_PARAM = "renovacao"


@frozen
class RenewalService:
    payments: PaymentService
    reminders: Reminders
    schedule: Schedule = Schedule()


@frozen
class RunReport:
    charged: int = 0
    paid: int = 0
    refused: int = 0
    unconfirmed: int = 0


def renewal_price(uow: UnitOfWork, sub: Subscription, plan: Plan) -> tuple[int, int]:
    """(amount, discount) the next renewal of `sub` on `plan` charges: the plan's price
    less the coupon the subscription keeps, if it applies to that plan."""
    coupon = uow.coupons.get(sub.coupon_id) if sub.coupon_id is not None else None
    return coupons.applied(coupon, plan.id, plan.price)


# -- the engine -----------------------------------------------------------------------
def run_due(r: RenewalService) -> RunReport:
    """Charge every renewal due now, once: the periods ending within the charge-ahead
    window, and the refused charges whose retry has come."""
    svc = r.payments
    now = svc.clock.now()
    with svc.uow() as uow:
        lapsed = uow.renewals.lapse(now)
        uow.commit()
    if lapsed:
        log.error(
            "%s renewal charge(s) left unconfirmed by a stopped runner: check them "
            "in the gateway's panel",
            lapsed,
        )
    with svc.uow() as uow:
        try:
            choice = svc.choose(uow)
        except ServiceUnavailable:
            return RunReport()
    if choice.name != JUNGLEPAY or choice.config is None:
        return RunReport()  # no saved-card charges: the reminders go out instead
    gateway = svc.gateways.junglepay(choice.config)
    postback = choice.config.postback_url or svc.webhooks.url(JUNGLEPAY)
    report = RunReport()
    for renewal in [*_open_due(r, now), *_claim_retries(r, now)]:
        report = _add(report, _charge(r, gateway, postback, renewal))
    return report


def _add(report: RunReport, outcome: str) -> RunReport:
    fields = {
        renewals.PAID: "paid",
        renewals.REFUSED: "refused",
        renewals.FAILED: "refused",
        renewals.UNCONFIRMED: "unconfirmed",
    }
    name = fields.get(outcome)
    changes: dict[str, Any] = {"charged": report.charged + 1}
    if name is not None:
        changes[name] = getattr(report, name) + 1
    return attrs.evolve(report, **changes)


def _open_due(r: RenewalService, now: datetime) -> Iterator[Renewal]:
    """The renewal rows this runner made for the periods due (one per period: a row
    another runner made first is not this runner's to charge)."""
    svc = r.payments
    with svc.uow() as uow:
        due = [
            s
            for s in uow.subscriptions.find({"auto_renew": True, "status": subs.ACTIVE}).items
            if renewals.is_due(s, now, r.schedule)
        ]
    for sub in due[:BATCH]:
        with svc.uow() as uow:
            plan = uow.plans.get(renewals.renewal_plan(sub))
            if plan is None or plan.id is None or sub.id is None:
                continue
            start, end = renewals.next_period(sub, plan.duration)
            reference = "rn_" + secrets.token_hex(12)
            opened = open_period(uow, sub, plan, (start, end), reference, JUNGLEPAY, now)
            uow.commit()
        if opened is not None:
            yield opened


def open_period(
    uow: UnitOfWork,
    sub: Subscription,
    plan: Plan,
    period: tuple[datetime, datetime],
    reference: str,
    gateway: str,
    now: datetime,
) -> Renewal | None:
    """The renewal row of `sub`'s `period` (start, end) on `plan`, made and claimed by
    this runner; None when another made it first (one row per period)."""
    assert sub.id is not None and plan.id is not None
    amount, off = renewal_price(uow, sub, plan)
    return uow.renewals.open(
        Renewal(
            id=None,
            subscription_id=sub.id,
            period_start=period[0],
            period_end=period[1],
            plan_id=plan.id,
            amount=amount,
            discount=off,
            reference=reference,
            gateway=gateway,
            status=renewals.CHARGING,
            attempts=1,
            claim_token=secrets.token_hex(16),
            claimed_until=now + LEASE,
            created_at=now,
            updated_at=now,
        )
    )


def _claim_retries(r: RenewalService, now: datetime) -> list[Renewal]:
    svc = r.payments
    with svc.uow() as uow:
        claimed = uow.renewals.claim_due(now, secrets.token_hex(16), now + LEASE, BATCH, JUNGLEPAY)
        uow.commit()
    return claimed


def _charge(r: RenewalService, gateway: SavedCardGateway, postback: str, renewal: Renewal) -> str:
    """Charge one claimed renewal (outside any transaction) and record the outcome."""
    svc = r.payments
    with svc.uow() as uow:
        sub = uow.subscriptions.get(renewal.subscription_id)
        purchase = (
            uow.checkouts.get_by_external_id(sub.external_id, JUNGLEPAY)
            if sub is not None and sub.external_id
            else None
        )
        plan = uow.plans.get(renewal.plan_id)
    if (
        sub is None
        or plan is None
        or purchase is None
        or not sub.auto_renew
        or sub.card_ref is None
        or sub.renewal_state not in (renewals.RENEWING, renewals.PAST_DUE)
    ):
        # Cancelled, replaced by another purchase, or nothing to charge it with.
        settle_claimed(r, renewal, {"status": renewals.FAILED, "last_error": "renewal is off"})
        return renewals.FAILED
    if renewal.amount == 0:  # a 100% coupon: nothing to charge
        return _paid(r, renewal, None)
    request = SavedCardCharge(
        amount=renewal.amount,
        card_ref=sub.card_ref,
        customer=_customer(purchase),
        items=(ChargeItem(plan.name, renewal.amount),),
        postback_url=with_query(postback, **{RENEWAL_PARAM: renewal.reference}),
        reference=renewal.reference,
    )
    try:
        charge = gateway.charge_saved_card(request)
    except FinalRefusal as refusal:
        return _refused(r, renewal, refusal.message, final=True)
    except PaymentRefused as refusal:
        return _refused(r, renewal, refusal.message, final=False)
    except GatewayRejected as problem:
        # The gateway refuses the request itself (an unknown card id): it never will.
        return _refused(r, renewal, problem.message, final=True)
    except GatewayBusy:
        # Never sent: due again shortly, the attempt not counted.
        settle_claimed(
            r,
            renewal,
            {
                "status": renewals.DUE,
                "attempts": renewal.attempts - 1,
                "next_attempt_at": svc.clock.now() + BUSY_RETRY,
            },
        )
        return renewals.DUE
    except ServiceUnavailable as problem:
        # It may have charged (a timeout after sending): never charge it again here.
        log.error(
            "renewal %s (%s): the charge's outcome is unknown (%s): check it in JunglePay's panel",
            renewal.id,
            renewal.reference,
            problem.message,
        )
        settle_claimed(r, renewal, {"status": renewals.UNCONFIRMED, "last_error": problem.message})
        return renewals.UNCONFIRMED
    if charge.status == TX_PAID:
        return _paid(r, renewal, charge.external_id)
    if charge.status in ("refused", "canceled"):
        return _refused(r, renewal, f"the gateway answered {charge.status}", final=False)
    log.error(
        "renewal %s: JunglePay answered %s for transaction %s: check it in its panel",
        renewal.id,
        charge.status,
        charge.external_id,
    )
    settle_claimed(
        r,
        renewal,
        {
            "status": renewals.UNCONFIRMED,
            "transaction_id": charge.external_id,
            "last_error": f"the gateway answered {charge.status}",
        },
    )
    return renewals.UNCONFIRMED


def _customer(purchase: co.Checkout) -> Customer:
    return Customer(
        name=purchase.customer_name or "",
        email=purchase.customer_email or "",
        document=purchase.customer_document or "",
        phone=purchase.customer_phone or "",
    )


def settle_claimed(r: RenewalService, renewal: Renewal, changes: dict[str, Any]) -> None:
    """Write `changes` to a renewal this runner claimed, releasing its claim."""
    svc = r.payments
    assert renewal.id is not None and renewal.claim_token is not None, "a claimed renewal"
    with svc.uow() as uow:
        uow.renewals.settle(
            renewal.id,
            renewal.claim_token,
            {**changes, "claimed_until": None, "updated_at": svc.clock.now()},
        )
        uow.commit()


def _card(sub: Subscription) -> str:
    return f"no cartão {(sub.card_brand or 'cartão').upper()} final {sub.card_last4 or '----'}"


def _paid(r: RenewalService, renewal: Renewal, transaction_id: str | None) -> str:
    """The charge was paid: the new period starts at the old end (later grants move
    after it), the renewal is recorded, the receipt queued — in one transaction."""
    svc = r.payments
    now = svc.clock.now()
    assert renewal.id is not None and renewal.claim_token is not None, "a claimed renewal"
    with svc.uow() as uow:
        sub = locked(uow, renewal.subscription_id)
        uow.renewals.settle(
            renewal.id,
            renewal.claim_token,
            {
                "status": renewals.PAID,
                "transaction_id": transaction_id,
                "next_attempt_at": None,
                "claimed_until": None,
                "updated_at": now,
            },
        )
        record_paid(uow, sub, renewal, now, _card(sub))
        uow.commit()
    return renewals.PAID


def record_paid(
    uow: UnitOfWork, sub: Subscription, renewal: Renewal, now: datetime, means: str
) -> Subscription:
    """Inside the unit of work that records `renewal` paid (the user's row locked): the
    new period starts at the old end (later grants move after it), the receipt queued;
    `means` names how it was paid in the mail."""
    assert renewal.id is not None, "a stored renewal"
    renewed = renewals.paid(sub, renewal)
    assert sub.end_date is not None, "a renewing subscription has an end"
    renewed = uow.subscriptions.update(renewed)
    uow.record(SubscriptionRenewed(**_event_fields(renewed, now), amount=renewal.amount))
    owned = list(uow.subscriptions.find({"user_id": sub.user_id}).items)
    for moved in renewals.push_later_grants(owned, renewed, sub.end_date):
        uow.subscriptions.update(moved)
    activation.refresh_status(uow, sub.user_id, now)
    user = uow.users.get(sub.user_id)
    plan = uow.plans.get(renewal.plan_id)
    if user is not None and user.anonymised_at is None:
        uow.outbox.enqueue(
            compose.renewal_paid(
                user.email,
                user.name,
                plan.name if plan else "CreatorFlix",
                renewal.amount,
                means,
                renewed.end_date,
                now,
                sub.user_id,
                renewal.id,
            )
        )
    log.info("renewal %s paid: subscription %s until %s", renewal.id, sub.id, renewed.end_date)
    return renewed


def _refused(r: RenewalService, renewal: Renewal, reason: str, *, final: bool) -> str:
    """The charge was refused: past due with access for the grace days, a mail with a
    one-click way to pay, the retry scheduled (none after the last or a final one)."""
    svc = r.payments
    now = svc.clock.now()
    assert renewal.id is not None and renewal.claim_token is not None, "a claimed renewal"
    with svc.uow() as uow:
        sub = locked(uow, renewal.subscription_id)
        recorded = record_refused(uow, r, sub, renewal, now, _card(sub), final=final)
        uow.renewals.settle(
            renewal.id,
            renewal.claim_token,
            {
                "status": recorded.status,
                "next_attempt_at": recorded.next_attempt_at,
                "last_error": reason[:300],
                "claimed_until": None,
                "updated_at": now,
            },
        )
        uow.commit()
    log.warning("renewal %s refused (%s): %s", renewal.id, reason, recorded.status)
    return recorded.status


def record_refused(
    uow: UnitOfWork,
    r: RenewalService,
    sub: Subscription,
    renewal: Renewal,
    now: datetime,
    means: str,
    *,
    final: bool,
    schedule: Schedule | None = None,
) -> Renewal:
    """Inside the unit of work that records `renewal` refused (the user's row locked):
    past due with access for the grace days, a mail with a one-click way to pay; the
    renewal as it is to be recorded (the caller writes it: retry scheduled or failed)."""
    assert renewal.id is not None, "a stored renewal"
    moved, recorded = renewals.refused(sub, renewal, now, schedule or r.schedule, final=final)
    moved = uow.subscriptions.update(moved)
    uow.record(SubscriptionPastDue(**_event_fields(moved, now), retry_at=recorded.next_attempt_at))
    activation.refresh_status(uow, sub.user_id, now)
    user = uow.users.get(sub.user_id)
    plan = uow.plans.get(renewal.plan_id)
    if user is not None and user.anonymised_at is None:
        uow.outbox.enqueue(
            compose.renewal_past_due(
                user.email,
                user.name,
                plan.name if plan else "CreatorFlix",
                renewal.amount,
                means,
                moved.end_date,
                renewal_link(r.reminders, sub.user_id, renewal.plan_id),
                recorded.status == renewals.REFUSED,
                now,
                sub.user_id,
                renewal.id,
            )
        )
    return recorded


def _event_fields(sub: Subscription, now: datetime) -> dict[str, Any]:
    """The fields of a subscription event (domain.payments.events.subscription_event)."""
    assert sub.id is not None, "a stored subscription"
    return {
        "occurred_at": now,
        "subscription_id": sub.id,
        "user_id": sub.user_id,
        "plan_id": sub.plan_id,
        "external_id": sub.external_id,
        "status": sub.status,
        "start_date": sub.start_date,
        "end_date": sub.end_date,
    }


def locked(uow: UnitOfWork, subscription_id: int) -> Subscription:
    """The subscription, after its user's row is locked (grants of the same user are
    made one after the other: domain.payments.activation.grant)."""
    sub = uow.subscriptions.get(subscription_id)
    assert sub is not None, f"subscription {subscription_id} of a renewal"
    uow.users.get_for_update(sub.user_id)
    found = uow.subscriptions.get(subscription_id)
    assert found is not None
    return found

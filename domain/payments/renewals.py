"""Automatic renewal (issue 25), the pure rules: when a subscription is due for its
renewal charge, what a paid or refused charge does to it, and when a refused one is
tried again. The effects (gateway, database, mail) are in domain.payments.renewing.

A subscription that renews automatically has a renewal state:
    active -> past_due (a charge was refused: access continues for the grace days)
    past_due -> active (a retry was paid) | ended (the last retry, or a final refusal)
    active -> ended (a refusal the gateway calls final)
Each charge of a period is one `Renewal` row, unique per (subscription, period_start)
and made before the gateway is called, so no period is ever charged twice."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime, timedelta, tzinfo

import attrs
from attrs import frozen

from domain.payments import subscriptions as subs
from domain.payments.subscriptions import Subscription

# Subscription.renewal_state
RENEWING = "active"
PAST_DUE = "past_due"
ENDED = "ended"
STATES = (RENEWING, PAST_DUE, ENDED)
STATE_MOVES: dict[str, frozenset[str]] = {
    RENEWING: frozenset({PAST_DUE, ENDED}),
    PAST_DUE: frozenset({RENEWING, ENDED}),
}

# Renewal.status
DUE = "due"  # to charge at next_attempt_at (never sent yet)
CHARGING = "charging"  # claimed; the gateway is being called
PAID = "paid"
REFUSED = "refused"  # refused; tried again at next_attempt_at
FAILED = "failed"  # refused for good (final, or the last retry)
UNCONFIRMED = "unconfirmed"  # the charge's outcome is unknown: never charged again here
# Pix Automático: the cobr is at the PSP, to be settled on its due date by the payer's
# bank (domain.payments.pix_renewing); read back at next_attempt_at if no notice came.
SCHEDULED = "scheduled"
STATUSES = (DUE, CHARGING, PAID, REFUSED, FAILED, UNCONFIRMED, SCHEDULED)
CHARGEABLE = (DUE, REFUSED)


@frozen
class Renewal:
    """Table `subscription_renewals`: the charge of one period of a subscription.
    `reference` is our own id for it, made before the charge."""

    id: int | None
    subscription_id: int
    period_start: datetime
    period_end: datetime
    plan_id: int
    amount: int
    reference: str
    gateway: str
    discount: int = 0  # cents a coupon took off the plan's price (in `amount` already)
    status: str = CHARGING
    attempts: int = 0
    next_attempt_at: datetime | None = None
    claim_token: str | None = None
    claimed_until: datetime | None = None
    transaction_id: str | None = None
    last_error: str | None = None
    created_at: datetime | None = None
    updated_at: datetime | None = None


@frozen
class Schedule:
    """CREATORFLIX_RENEWAL_CHARGE_AHEAD_HOURS, _GRACE_DAYS and _RETRY_HOURS: how long
    before the end the card is charged, how long access lasts past the end after a
    refusal, and when each retry comes (hours after the first attempt)."""

    charge_ahead: timedelta = timedelta(hours=24)
    grace: timedelta = timedelta(days=3)
    retries: tuple[timedelta, ...] = (
        timedelta(hours=24),
        timedelta(hours=72),
        timedelta(hours=120),
    )
    zone: tzinfo = UTC  # CREATORFLIX_TIMEZONE: Pix Automático's calendar


def can_move(current: str | None, target: str) -> bool:
    return current is not None and target in STATE_MOVES.get(current, frozenset())


def renews(sub: Subscription) -> bool:
    """Whether `sub` is to be charged at the end of its period: on its saved card, or
    through its Pix Automático recurrence."""
    return (
        sub.auto_renew
        and (sub.card_ref is not None or sub.pix_rec_id is not None)
        and sub.renewal_state == RENEWING
        and sub.status == subs.ACTIVE
        and sub.end_date is not None
    )


def is_due(sub: Subscription, now: datetime, schedule: Schedule) -> bool:
    """Due for its card's renewal charge: renewing on a saved card, and its end within
    `charge_ahead` (Pix Automático has its own window: domain.payments.pix_automatico)."""
    return (
        renews(sub)
        and sub.card_ref is not None
        and sub.end_date is not None
        and sub.end_date - schedule.charge_ahead <= now
    )


def next_period(sub: Subscription, duration_days: int) -> tuple[datetime, datetime]:
    """The period a renewal of `sub` pays: from its current end, `duration_days` long."""
    assert sub.end_date is not None, "a renewing subscription has an end"
    return sub.end_date, sub.end_date + timedelta(days=duration_days)


def renewal_plan(sub: Subscription) -> int | None:
    """The plan the next renewal charges: the one the member switched to, else its own."""
    return sub.next_plan_id or sub.plan_id


def paid(sub: Subscription, renewal: Renewal) -> Subscription:
    """`sub` once `renewal` is paid: the new period starts at the old end, on the plan
    the renewal charged; a past-due subscription is renewing (and active: its grace may
    have run out) again."""
    coupon_id, left = sub.coupon_id, sub.coupon_cycles_left
    if renewal.discount and left is not None:  # a repeating coupon: one renewal fewer
        coupon_id, left = (coupon_id, left - 1) if left > 1 else (None, None)
    return attrs.evolve(
        sub,
        status=subs.ACTIVE,
        end_date=renewal.period_end,
        renewal_state=RENEWING,
        plan_id=renewal.plan_id,
        next_plan_id=None if sub.next_plan_id == renewal.plan_id else sub.next_plan_id,
        coupon_id=coupon_id,
        coupon_cycles_left=left,
    )


def retry_at(renewal: Renewal, schedule: Schedule) -> datetime | None:
    """When the next attempt comes after `renewal.attempts` refused ones (counted from
    the first attempt, the row's creation); None after the last."""
    if renewal.attempts > len(schedule.retries):
        return None
    assert renewal.created_at is not None, "a stored renewal has its creation time"
    return renewal.created_at + schedule.retries[renewal.attempts - 1]


def refused(
    sub: Subscription, renewal: Renewal, now: datetime, schedule: Schedule, *, final: bool
) -> tuple[Subscription, Renewal]:
    """`sub` and `renewal` once the gateway refused the charge. The first refusal makes
    the subscription past due with access for the grace days past the old end; retries
    follow the schedule; after the last one (or a refusal the gateway calls final) the
    renewal ends and the subscription with it, at the end of its grace."""
    when = None if final else retry_at(renewal, schedule)
    if sub.renewal_state == RENEWING:
        grace_end = renewal.period_start + schedule.grace
        sub = attrs.evolve(
            sub, renewal_state=PAST_DUE, end_date=max(sub.end_date or grace_end, grace_end)
        )
    if when is None:
        return (
            attrs.evolve(sub, renewal_state=ENDED, auto_renew=False),
            attrs.evolve(renewal, status=FAILED, next_attempt_at=None, updated_at=now),
        )
    return sub, attrs.evolve(renewal, status=REFUSED, next_attempt_at=when, updated_at=now)


def push_later_grants(
    grants: Iterable[Subscription], renewed: Subscription, old_end: datetime
) -> list[Subscription]:
    """The user's grants that started at or after `old_end` (bought while this one was
    running), moved by as much as the renewal lengthened it, so none overlaps it."""
    assert renewed.end_date is not None
    shift = renewed.end_date - old_end
    if shift <= timedelta(0):
        return []
    return [
        attrs.evolve(g, start_date=g.start_date + shift, end_date=g.end_date + shift)
        for g in grants
        if g.id != renewed.id
        and g.status == subs.ACTIVE
        and g.start_date is not None
        and g.end_date is not None
        and g.start_date >= old_end
    ]

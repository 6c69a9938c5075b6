"""Subscriptions: what a paid checkout grants a user, and the rules of granting.

Every grant (a paid checkout, a manual grant) is its own subscription row. A grant
bought while another is running starts when the running one ends, so each refund can
end exactly the grant it paid for."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime, timedelta

import attrs
from attrs import field, frozen

from domain.common.statuses import SubscriptionStatus, to_subscription_status

PENDING = SubscriptionStatus.PENDING
ACTIVE = SubscriptionStatus.ACTIVE
EXPIRED = SubscriptionStatus.EXPIRED
CANCELED = SubscriptionStatus.CANCELED
STATUSES = tuple(SubscriptionStatus)

# external_id of a subscription granted by hand by an administrator.
MANUAL_ADMIN = "MANUAL_ADMIN"

# One-way: pending -> active -> expired | canceled (a pending one may also be dropped).
TRANSITIONS: dict[str, frozenset[str]] = {
    PENDING: frozenset({ACTIVE, CANCELED}),
    ACTIVE: frozenset({EXPIRED, CANCELED}),
}


@frozen
class Subscription:
    """Table `subscriptions`."""

    id: int | None
    user_id: int
    plan_id: int | None = None
    external_id: str | None = None
    start_date: datetime | None = None
    end_date: datetime | None = None
    status: SubscriptionStatus = field(default=PENDING, converter=to_subscription_status)
    created_at: datetime | None = None
    # Automatic renewal (issue 25, domain.payments.renewals): whether the saved card is
    # charged at the end of each period, the renewal's state, and the card — the
    # gateway's reusable reference, its brand and last 4 digits, nothing else.
    auto_renew: bool = False
    renewal_state: str | None = None
    card_ref: str | None = field(default=None, repr=False)
    card_brand: str | None = None
    card_last4: str | None = None
    next_plan_id: int | None = None  # a member's switch, taken at the next renewal
    # The coupon its renewals apply (domain.payments.coupons), and for how many more
    # renewals (None: all of them).
    coupon_id: int | None = None
    coupon_cycles_left: int | None = None
    # Pix Automático (domain.payments.pix_automatico): the PSP's recurrence (idRec)
    # renewing it, and its first due date, from which each cycle's due date follows.
    pix_rec_id: str | None = None
    renewal_anchor: date | None = None

    def is_active_at(self, now: datetime) -> bool:
        """Active means status active AND not past its end: a subscription past its
        end_date is never treated as active, even before the expiry job marks it."""
        if self.status != ACTIVE:
            return False
        if self.start_date is not None and self.start_date > now:
            return False
        return self.end_date is None or self.end_date > now


def can_move(current: str, target: str) -> bool:
    return target in TRANSITIONS.get(current, frozenset())


def current_subscription(subscriptions: list[Subscription], now: datetime) -> Subscription | None:
    """The active subscription that ends last, among a user's subscriptions."""
    active = [s for s in subscriptions if s.is_active_at(now)]
    return max(active, key=lambda s: (s.end_date is None, s.end_date or now), default=None)


def subscription_status(subscriptions: Iterable[Subscription], now: datetime) -> int:
    """users.subscription_status: 1 while one of the user's subscriptions is active."""
    return int(any(s.is_active_at(now) for s in subscriptions))


def paid_until(subscriptions: Iterable[Subscription], now: datetime) -> datetime:
    """When the access already paid for ends: the latest end among active grants that
    have not ended yet, or `now` when there is none."""
    ends = [
        s.end_date
        for s in subscriptions
        if s.status == ACTIVE and s.end_date is not None and s.end_date > now
    ]
    return max(ends, default=now)


def activate(
    subscription: Subscription, others: Iterable[Subscription], duration_days: int, now: datetime
) -> Subscription:
    """`subscription` (new or pending) made active for `duration_days`: from now, or,
    while the user has access already, from the end of that access."""
    # `others` may include `subscription` itself: only active grants count, and it is not.
    start = paid_until(others, now)
    return attrs.evolve(
        subscription,
        status=ACTIVE,
        start_date=start,
        end_date=start + timedelta(days=duration_days),
    )


def end_now(subscription: Subscription, now: datetime) -> Subscription | None:
    """The grant ended now with status canceled (refund, chargeback); None when it is
    no longer active or pending (an expired grant stays expired)."""
    if not can_move(subscription.status, CANCELED):
        return None
    start = (
        subscription.start_date
        if subscription.start_date and subscription.start_date < now
        else now
    )
    end = subscription.end_date if subscription.end_date and subscription.end_date < now else now
    return attrs.evolve(subscription, status=CANCELED, start_date=start, end_date=end)


def expire(subscription: Subscription, now: datetime) -> Subscription | None:
    """Marked expired when active and past its end; else None."""
    if (
        subscription.status == ACTIVE
        and subscription.end_date is not None
        and subscription.end_date <= now
    ):
        return attrs.evolve(subscription, status=EXPIRED)
    return None


def rechain(subscriptions: Iterable[Subscription], now: datetime) -> list[Subscription]:
    """After a grant ended early, move the user's grants that have not started yet so
    they follow the access that remains without a gap, each keeping its length.
    Returns only the grants that moved."""
    # (grant, start, end) of the active grants that have both dates.
    active = [
        (s, s.start_date, s.end_date)
        for s in subscriptions
        if s.status == ACTIVE and s.start_date and s.end_date
    ]
    cursor = paid_until((s for s, start, _ in active if start <= now), now)
    moved = []
    for grant, start, end in sorted(
        (a for a in active if a[1] > now), key=lambda a: (a[1], a[0].id or 0)
    ):
        length = end - start
        if start != cursor:
            end = cursor + length
            grant = attrs.evolve(grant, start_date=cursor, end_date=end)
            moved.append(grant)
        cursor = end
    return moved

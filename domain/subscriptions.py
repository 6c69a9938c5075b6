"""Subscriptions: what a paid checkout grants a user."""
from __future__ import annotations

from datetime import datetime

from attrs import frozen

PENDING = "pending"
ACTIVE = "active"
EXPIRED = "expired"
CANCELED = "canceled"
STATUSES = (PENDING, ACTIVE, EXPIRED, CANCELED)

# external_id of a subscription granted by hand by an administrator.
MANUAL_ADMIN = "MANUAL_ADMIN"


@frozen
class Subscription:
    """Table `subscriptions`."""

    id: int | None
    user_id: int
    plan_id: int | None = None
    external_id: str | None = None
    start_date: datetime | None = None
    end_date: datetime | None = None
    status: str = PENDING
    created_at: datetime | None = None

    def is_active_at(self, now: datetime) -> bool:
        """Active means status active AND not past its end: a subscription past its
        end_date is never treated as active, even before the expiry job marks it."""
        if self.status != ACTIVE:
            return False
        if self.start_date is not None and self.start_date > now:
            return False
        return self.end_date is None or self.end_date > now


def current_subscription(subscriptions: list[Subscription], now: datetime) -> Subscription | None:
    """The active subscription that ends last, among a user's subscriptions."""
    active = [s for s in subscriptions if s.is_active_at(now)]
    return max(active, key=lambda s: (s.end_date is None, s.end_date or now), default=None)

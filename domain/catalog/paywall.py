"""The paywall: who may see premium media (post content URLs, white-label media)."""

from __future__ import annotations

from datetime import datetime

from domain.accounts.users import User
from domain.common.statuses import SubscriptionStatus
from ports.unit_of_work import UnitOfWork


def can_see_premium(uow: UnitOfWork, user: User | None, now: datetime) -> bool:
    """Admins always; users while one of their subscriptions is active at `now` (a
    subscription past its end is not, even before the expiry job marks it)."""
    if user is None:
        return False
    if user.is_admin:
        return True
    subscriptions = uow.subscriptions.find(
        {"user_id": user.id, "status": SubscriptionStatus.ACTIVE}
    ).items
    return any(s.is_active_at(now) for s in subscriptions)

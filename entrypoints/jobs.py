"""Jobs run from the command line (cron): `creatorflix expire-subscriptions`."""
from __future__ import annotations

from domain import subscription_admin


def expire_subscriptions(deps) -> int:
    """Mark ended subscriptions expired and refresh users.subscription_status; returns
    how many subscriptions were marked."""
    return subscription_admin.expire_subscriptions(deps.uow, deps.clock)

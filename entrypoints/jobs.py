"""Jobs run from the command line (cron): `creatorflix expire-subscriptions`."""
from __future__ import annotations

from domain.payments import subscription_admin


def expire_subscriptions(deps) -> int:
    """Mark ended subscriptions expired and refresh users.subscription_status; returns
    how many subscriptions were marked."""
    return subscription_admin.expire_subscriptions(deps.uow, deps.clock)


def abandon_checkouts(deps) -> int:
    """Mark abandoned the pending checkouts past their PIX expiry (or a day old when it
    is unknown); returns how many were marked."""
    return subscription_admin.abandon_checkouts(deps.uow, deps.clock)

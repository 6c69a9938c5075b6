"""Granting and ending access inside a unit of work: the buyer's account, their grants
(subscription rows) and users.subscription_status. Callers own the transaction."""

from __future__ import annotations

import secrets
from datetime import datetime

import attrs

from domain.accounts.users import ROLE_USER, UNUSABLE_PASSWORD_PREFIX, User
from domain.catalog.entities import Plan
from domain.common.errors import ServiceUnavailable
from domain.payments import subscriptions as subs
from domain.payments.checkout import Checkout
from domain.payments.events import SubscriptionActivated, SubscriptionCanceled, subscription_event
from domain.payments.subscriptions import Subscription
from ports.repositories import DuplicateError
from ports.unit_of_work import UnitOfWork


def buyer_of(uow: UnitOfWork, checkout: Checkout, now: datetime) -> tuple[User | None, bool]:
    """The user a paid checkout is for, locked, and whether this call created the
    account: the logged-in buyer, else the account with the checkout's email when that
    email is verified, else a new account whose password the buyer sets later. None
    when an account has the email unverified: whoever registered it may not own the
    address, so the purchase waits for its claim (domain.payments.claims)."""
    if checkout.user_id is not None:
        user = uow.users.get_for_update(checkout.user_id)
        if user is not None:
            return user, False
    email = checkout.customer_email
    # start_checkout always records the buyer's email; a row without one (only a copy
    # from the original platform could be) names no account to find or create.
    assert email is not None, f"checkout {checkout.id} has neither a user nor an email"
    user = uow.users.get_for_update_by_email(email)
    if user is not None:
        return (user if user.email_verified_at is not None else None), False
    try:
        return uow.users.add(
            User(
                id=None,
                email=email,
                name=checkout.customer_name,
                password=UNUSABLE_PASSWORD_PREFIX + secrets.token_urlsafe(24),
                role=ROLE_USER,
                created_at=now,
            )
        ), True
    except DuplicateError:
        # Another payment for the same email created it a moment ago: the gateway
        # retries (non-2xx) and the next attempt finds the account.
        raise ServiceUnavailable("the account is being created concurrently; retry") from None


def _user_subscriptions(uow: UnitOfWork, user_id: int) -> list[Subscription]:
    return list(uow.subscriptions.find({"user_id": user_id}, order_by=["id"]).items)


def refresh_status(uow: UnitOfWork, user_id: int, now: datetime) -> None:
    """users.subscription_status = 1 while one of the user's subscriptions is active."""
    user = uow.users.get(user_id)
    if user is None:
        return
    status = subs.subscription_status(_user_subscriptions(uow, user_id), now)
    if user.subscription_status != status:
        uow.users.update(attrs.evolve(user, subscription_status=status))


def grant(
    uow: UnitOfWork,
    user: User,
    plan: Plan,
    external_id: str,
    now: datetime,
    *,
    reuse_pending: bool = True,
) -> Subscription:
    """Give `user` plan.duration days of access, from now or from the end of the access
    they already have; a pending subscription recorded for `external_id` becomes it.
    The user's row is locked first, so grants made at the same moment chain instead of
    all starting from the same end (callers that read the user lock it: buyer_of)."""
    user_id = user.id
    assert user_id is not None, "a stored user (read from the repository) has an id"
    uow.users.get_for_update(user_id)
    owned = _user_subscriptions(uow, user_id)
    pending = (
        next((s for s in owned if s.status == subs.PENDING and s.external_id == external_id), None)
        if reuse_pending
        else None
    )
    base = pending or Subscription(
        id=None, user_id=user_id, plan_id=plan.id, external_id=external_id, created_at=now
    )
    granted = subs.activate(attrs.evolve(base, plan_id=plan.id), owned, plan.duration, now)
    saved = uow.subscriptions.update(granted) if pending else uow.subscriptions.add(granted)
    refresh_status(uow, user_id, now)
    uow.record(subscription_event(SubscriptionActivated, saved, now))
    return saved


def hold_pending(
    uow: UnitOfWork, user: User, plan_id: int, external_id: str, now: datetime
) -> Subscription:
    """Record a pending subscription for a payment announced but not yet confirmed
    (once per payment)."""
    assert user.id is not None, "a stored user (read from the repository) has an id"
    existing = uow.subscriptions.first({"user_id": user.id, "external_id": external_id})
    if existing is not None:
        return existing
    return uow.subscriptions.add(
        Subscription(
            id=None, user_id=user.id, plan_id=plan_id, external_id=external_id, created_at=now
        )
    )


def end_grants(
    uow: UnitOfWork, user_id: int, external_id: str, now: datetime
) -> list[Subscription]:
    """End now (status canceled) what the payment `external_id` granted or held to
    `user_id` (another gateway may reuse the id for another buyer), move the user's
    later grants up to close the gap, and refresh their status. The user's row is
    locked first, as for a grant."""
    if uow.users.get_for_update(user_id) is None:
        return []
    ended = []
    for sub in uow.subscriptions.find(
        {"user_id": user_id, "external_id": external_id, "status": [subs.ACTIVE, subs.PENDING]}
    ).items:
        stopped = subs.end_now(sub, now)
        if stopped is not None:
            ended.append(uow.subscriptions.update(stopped))
            uow.record(subscription_event(SubscriptionCanceled, ended[-1], now))
    if ended:
        for moved in subs.rechain(_user_subscriptions(uow, user_id), now):
            uow.subscriptions.update(moved)
        refresh_status(uow, user_id, now)
    return ended

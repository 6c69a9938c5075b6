"""Renewal reminders (a few days before a subscription ends) and expiry notices (when
it has ended), each at most once per subscription: the outbox's dedupe key is unique.
The reminder's link opens the checkout of the same plan with the member's data."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import quote

from attrs import frozen

from domain.common.errors import ValidationError
from domain.mail import compose
from domain.payments import subscriptions as subs
from domain.payments.subscriptions import Subscription
from ports.clock import Clock
from ports.security import RENEWAL, Signer
from ports.unit_of_work import UnitOfWork, UnitOfWorkFactory

RENEWAL_TOKEN_TTL_SECONDS = 30 * 24 * 3600
# Subscriptions that ended longer ago than this get no notice (a first run on an old
# database does not mail everyone who ever left).
NOTICE_WINDOW = timedelta(days=3)


@frozen
class Reminders:
    uow: UnitOfWorkFactory
    clock: Clock
    tokens: Signer
    public_url: str
    days_before: int = 3
    # Whether the gateway in use charges saved cards: then the subscriptions whose
    # saved card renews them get no reminder (domain.payments.renewing).
    saved_cards: Callable[[UnitOfWork], bool] | None = None


def renewal_link(r: Reminders, user_id: int, plan_id: int | None) -> str:
    token = r.tokens.sign(RENEWAL, {"sub": user_id, "plan": plan_id}, RENEWAL_TOKEN_TTL_SECONDS)
    return f"{r.public_url.rstrip('/')}/checkout?plano={plan_id}&renovacao={quote(token, safe='')}"


def _continues(sub: Subscription, owned: list[Subscription]) -> bool:
    """Whether the user already has access after `sub` ends (a grant chained after it)."""
    return any(
        o.id != sub.id
        and o.status == subs.ACTIVE
        and o.end_date is not None
        and sub.end_date is not None
        and o.end_date > sub.end_date
        for o in owned
    )


def _plan_name(uow: UnitOfWork, plan_id: int | None) -> str:
    plan = uow.plans.get(plan_id) if plan_id is not None else None
    return plan.name if plan is not None else "CreatorFlix"


def send_renewal_reminders(r: Reminders) -> int:
    """Queue one reminder for every active subscription ending within `days_before`
    days (unless the member already renewed). Returns how many were queued."""
    now = r.clock.now()
    horizon = now + timedelta(days=r.days_before)
    return _queue(
        r,
        subs.ACTIVE,
        lambda s: now < s.end_date <= horizon,
        compose.renewal_key,
        compose.renewal_reminder,
        now,
    )


def send_expiry_notices(r: Reminders) -> int:
    """Queue one notice for every subscription that expired in the last few days (unless
    the member still has access). Returns how many were queued."""
    now = r.clock.now()
    return _queue(
        r,
        subs.EXPIRED,
        lambda s: now - NOTICE_WINDOW <= s.end_date <= now,
        compose.expiry_key,
        compose.expiry_notice,
        now,
    )


def _queue(r: Reminders, status: str, due, key, build, now: datetime) -> int:
    queued = 0
    with r.uow() as uow:
        candidates = [
            s
            for s in uow.subscriptions.find({"status": status}).items
            if s.end_date is not None and due(s) and s.id is not None
        ]
        if status == subs.ACTIVE:
            # Those that renew themselves: on a card JunglePay charges, by Pix Automático.
            cards = r.saved_cards is not None and r.saved_cards(uow)
            candidates = [
                s
                for s in candidates
                if not (s.auto_renew and ((s.card_ref and cards) or s.pix_rec_id))
            ]
        taken = uow.outbox.existing_keys([key(s.id) for s in candidates])
        for sub in candidates:
            if key(sub.id) in taken:
                continue
            user = uow.users.get(sub.user_id)
            if user is None or user.anonymised_at is not None:
                continue
            owned = list(uow.subscriptions.find({"user_id": sub.user_id}).items)
            if _continues(sub, owned):
                continue
            message = build(
                user.email,
                user.name,
                _plan_name(uow, sub.plan_id),
                sub.end_date,
                renewal_link(r, sub.user_id, sub.plan_id),
                now,
                sub.user_id,
                sub.id,
            )
            queued += uow.outbox.enqueue(message)
        uow.commit()
    return queued


def checkout_prefill(r: Reminders, token: str) -> dict[str, Any]:
    """What a renewal link fills the checkout with: the plan and the member's details
    from their latest checkout (else their account)."""
    claims = r.tokens.verify(RENEWAL, token)
    if claims is None or not isinstance(claims.get("sub"), int):
        raise ValidationError("invalid or expired link", field="token")
    with r.uow() as uow:
        user = uow.users.get(claims["sub"])
        if user is None or user.anonymised_at is not None:
            raise ValidationError("invalid or expired link", field="token")
        last = uow.checkouts.first({"user_id": user.id}, order_by=["-id"])
    return {
        "plan_id": claims.get("plan"),
        "customer": {
            "name": (last.customer_name if last else None) or user.name,
            "email": user.email,
            "document": last.customer_document if last else None,
            "phone": last.customer_phone if last else None,
        },
    }

"""LGPD (art. 18): what we hold about a member, and erasure. Erasure anonymises: the
account can never log in again and holds no name, email, document or phone, while the
amounts and dates of its financial records (checkouts, subscriptions) stay for the
books and the dashboard (fiscal records: the law requires them). Everything else about
the person goes: pending ID photos (file and row), the address, subject and body of
every mail to them (sent or not), the provider's subject of their age checks, the
reasons they gave for withdrawals."""

from __future__ import annotations

import secrets
from datetime import datetime
from typing import Any

import attrs

from domain.accounts.auth import AuthService
from domain.accounts.commands import CloseAccount
from domain.accounts.events import UserErased
from domain.accounts.users import UNUSABLE_PASSWORD_PREFIX, User
from domain.common.errors import Conflict, NotFound, ValidationError
from ports.unit_of_work import UnitOfWork, UnitOfWorkFactory

ANONYMOUS_DOMAIN = "anonimizado.invalid"


def _own_checkouts(uow: UnitOfWork, user: User) -> list:
    """The user's checkouts: linked to the account, or (rows copied from the original,
    or bought before logging in) made with its email — when that email is verified:
    anyone may register an address and must not read what its owner bought."""
    linked = list(uow.checkouts.find({"user_id": user.id}, order_by=["id"]).items)
    by_email = (
        list(
            uow.checkouts.find(
                {"customer_email": user.email, "user_id": None}, order_by=["id"]
            ).items
        )
        if user.email_verified_at is not None
        else []
    )
    return sorted(linked + by_email, key=lambda c: c.id)


def export(uow_factory: UnitOfWorkFactory, user_id: int) -> dict[str, Any]:
    """Every personal datum we hold about the user, as plain values."""
    with uow_factory() as uow:
        user = uow.users.get(user_id)
        if user is None:
            raise NotFound(f"user {user_id} not found")
        checkouts = _own_checkouts(uow, user)
        subscriptions = list(uow.subscriptions.find({"user_id": user_id}, order_by=["id"]).items)
        withdrawals = list(uow.withdrawals.find({"user_id": user_id}, order_by=["id"]).items)
        mails = list(uow.outbox.find({"user_id": user_id}, order_by=["id"]).items)
    account = {
        k: v
        for k, v in attrs.asdict(user).items()
        if k not in ("password", "token_version", "email_change")
    }
    return {
        "account": account,
        "checkouts": [_checkout(c) for c in checkouts],
        # A saved card's reference (repr=False) never leaves the server.
        "subscriptions": [
            attrs.asdict(s, filter=lambda a, _: a.repr is not False) for s in subscriptions
        ],
        "withdrawals": [attrs.asdict(w) for w in withdrawals],
        "mails": [
            {
                "kind": m.kind,
                "recipient": m.recipient,
                "subject": m.subject,
                "status": m.status,
                "created_at": m.created_at,
                "sent_at": m.sent_at,
            }
            for m in mails
        ],
    }


def _checkout(checkout) -> dict[str, Any]:
    values = attrs.asdict(checkout, recurse=False)
    values.pop("payment_data")
    payment = checkout.payment_data.as_json() if checkout.payment_data is not None else {}
    values["payment"] = {
        k: payment[k] for k in ("provider", "method", "status", "expires_at") if k in payment
    }
    return values


def close_account(svc: AuthService, command: CloseAccount) -> None:
    """The holder erases their account (password required)."""
    with svc.uow() as uow:
        user = uow.users.get(command.user_id)
    if (
        user is None
        or not user.has_usable_password
        or not svc.hasher.verify(command.password, user.password)
    ):
        raise ValidationError("the password is wrong", field="password")
    anonymise(svc.uow, command.user_id, svc.clock.now())


def anonymise(uow_factory: UnitOfWorkFactory, user_id: int, now: datetime) -> User:
    """Erase the personal data of a user and of their checkouts, mails and withdrawal
    requests, keeping the amounts and dates; the handlers of UserErased erase what
    other capabilities hold (age checks: domain.assurance.handlers). The account can no
    longer log in (every token dies with it)."""
    with uow_factory() as uow:
        user = uow.users.get_for_update(user_id)
        if user is None:
            raise NotFound(f"user {user_id} not found")
        if user.anonymised_at is not None:
            return user
        if user.is_admin:
            # Never lock the platform out of its own panel: demote the account first.
            raise Conflict("an administrator's account cannot be erased; demote it first")
        checkouts = _own_checkouts(uow, user)
        for checkout in checkouts:
            payment = checkout.payment.anonymised()
            uow.checkouts.update(
                attrs.evolve(
                    checkout,
                    user_id=user_id,
                    customer_name=None,
                    customer_email=f"anonimo-{user_id}@{ANONYMOUS_DOMAIN}",
                    customer_document=None,
                    customer_phone=None,
                    payment_data=payment,
                )
            )
        # Mails by address too (a guest checkout's, before the account was linked) —
        # only for a verified address: an unverified one may be a stranger's, whose
        # mails (a claim link) are theirs.
        uow.outbox.forget_user(
            user_id,
            {user.email} | {c.customer_email for c in checkouts if c.customer_email}
            if user.email_verified_at is not None
            else (),
        )
        # Webhooks and Telegram notices about them (domain.notifications), while their
        # addresses are still known.
        uow.webhook_deliveries.forget(
            {user.email} | {c.customer_email for c in checkouts if c.customer_email}
        )
        for request in uow.withdrawals.find({"user_id": user_id}).items:
            uow.withdrawals.update(attrs.evolve(request, reason=None))
        user = uow.users.update(
            attrs.evolve(
                user,
                name=None,
                email=f"anonimo-{user_id}@{ANONYMOUS_DOMAIN}",
                password=UNUSABLE_PASSWORD_PREFIX + secrets.token_urlsafe(24),
                email_verified_at=None,
                anonymised_at=now,
                token_version=user.token_version + 1,
            )
        )
        uow.record(UserErased(occurred_at=now, user_id=user_id))
        uow.commit()
    return user

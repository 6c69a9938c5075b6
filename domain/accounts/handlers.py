"""The accounts capability's reactions to events, run before the unit of work that
recorded them commits (the table is in entrypoints/bootstrap.py)."""

from __future__ import annotations

from domain.accounts.events import REGISTER, UserRegistered
from domain.accounts.mails import queue_verification
from ports.security import Signer
from ports.unit_of_work import UnitOfWork


def mail_verification(
    event: UserRegistered, uow: UnitOfWork, *, tokens: Signer, public_url: str
) -> None:
    """The mail confirming the address of an account its owner opened (one a payment
    opened gets the receipt's set-password link instead)."""
    if event.via != REGISTER:
        return
    user = uow.users.get(event.user_id)
    if user is not None:
        queue_verification(uow, tokens, public_url, user, event.occurred_at)

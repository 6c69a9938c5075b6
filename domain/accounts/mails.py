"""The links account mails carry (signed for one purpose each, ports.security) and the
messages that carry them, added to the caller's unit of work."""

from __future__ import annotations

from datetime import datetime
from urllib.parse import quote

from domain.accounts.users import User
from domain.mail import compose
from ports.security import CHANGE_EMAIL, RESET_PASSWORD, VERIFY_EMAIL, Signer
from ports.unit_of_work import UnitOfWork

RESET_TTL_SECONDS = 3600  # the forgotten-password link: one hour
VERIFY_TTL_SECONDS = 7 * 24 * 3600
CHANGE_EMAIL_TTL_SECONDS = 24 * 3600

RESET_PAGE = "/redefinir-senha"
VERIFY_PAGE = "/verificar-email"
CHANGE_EMAIL_PAGE = "/confirmar-email"
SET_PASSWORD_PAGE = "/set-password"


def page_link(public_url: str, page: str, token: str) -> str:
    """A page of the web client taking a token (it removes it from the address bar)."""
    return f"{public_url.rstrip('/')}{page}?token={quote(token, safe='')}"


def reset_token(signer: Signer, user_id: int, version: str) -> str:
    return signer.sign(RESET_PASSWORD, {"sub": user_id, "pv": version}, RESET_TTL_SECONDS)


def queue_verification(
    uow: UnitOfWork, signer: Signer, public_url: str, user: User, now: datetime
) -> None:
    """The mail confirming `user`'s address (the account works without it)."""
    assert user.id is not None, "a stored user"
    token = signer.sign(VERIFY_EMAIL, {"sub": user.id, "email": user.email}, VERIFY_TTL_SECONDS)
    uow.outbox.enqueue(
        compose.verify_email(
            user.email, user.name, page_link(public_url, VERIFY_PAGE, token), now, user.id
        )
    )


def queue_change_email(
    uow: UnitOfWork,
    signer: Signer,
    public_url: str,
    user: User,
    new_email: str,
    version: str,
    now: datetime,
) -> None:
    """The mail, to the NEW address, whose link makes it the account's email. The link
    names `user.email_change` (the one pending change) and the token version, so it
    dies once followed, when a newer change is asked, and with logout-all."""
    assert user.id is not None and user.email_change, "a stored user with a pending change"
    token = signer.sign(
        CHANGE_EMAIL,
        {
            "sub": user.id,
            "email": new_email,
            "pv": version,
            "tv": user.token_version,
            "cid": user.email_change,
        },
        CHANGE_EMAIL_TTL_SECONDS,
    )
    uow.outbox.enqueue(
        compose.change_email(
            new_email, user.name, page_link(public_url, CHANGE_EMAIL_PAGE, token), now, user.id
        )
    )

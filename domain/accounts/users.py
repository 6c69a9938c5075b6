"""Accounts: users, roles, email and password rules."""

from __future__ import annotations

import re
import unicodedata
from datetime import datetime

from attrs import frozen

from domain.common.errors import ValidationError

ROLE_ADMIN = "admin"
ROLE_USER = "user"
ROLES = (ROLE_ADMIN, ROLE_USER)

PASSWORD_MIN_LENGTH = 8
PASSWORD_MAX_LENGTH = 256
# Marks the password of an account created by a checkout for a buyer who has not chosen
# one yet: it never matches any hash, so nobody can log in until the password is set.
UNUSABLE_PASSWORD_PREFIX = "!unset:"

_EMAIL = re.compile(
    r"^[^@\s]{1,64}@[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?"
    r"(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)+$"
)


@frozen
class User:
    """Table `users`. `password` holds a password hash, never the password."""

    id: int | None
    email: str
    password: str
    name: str | None = None
    role: str = ROLE_USER
    subscription_status: int = 0
    created_at: datetime | None = None
    email_verified_at: datetime | None = None  # set by the link of the verification mail
    anonymised_at: datetime | None = None  # LGPD erasure: the account is closed
    token_version: int = 0  # bearer tokens carry it: raising it logs out everywhere
    email_change: str | None = None  # the id of the one pending email change (its link names it)

    @property
    def is_admin(self) -> bool:
        return self.role == ROLE_ADMIN

    @property
    def has_usable_password(self) -> bool:
        return not self.password.startswith(UNUSABLE_PASSWORD_PREFIX)


def normalize_email(raw: object, field: str = "email") -> str:
    """Trim, NFKC-normalise and case-fold an email address, so that one address has one
    spelling (full-width `ａ` is `a`, `ß` is `ss`); refuse anything that is not one,
    including invisible characters (format, control: U+200B and its kind), which would
    make look-alike twins of an address."""
    if not isinstance(raw, str):
        raise ValidationError("email is required", field=field)
    if any(unicodedata.category(char).startswith("C") for char in raw):
        raise ValidationError("email contains an invisible or control character", field=field)
    email = unicodedata.normalize("NFKC", unicodedata.normalize("NFKC", raw).casefold())
    email = email.strip()
    if len(email) > 254 or not _EMAIL.match(email):
        raise ValidationError("not a valid email address", field=field)
    if '"' in email or "\\" in email:
        # `"alice"@x.test` is alice@x.test's mailbox under another spelling.
        raise ValidationError("quoted local parts are not accepted", field=field)
    return email


def check_password_policy(raw: object, field: str = "password") -> str:
    if not isinstance(raw, str) or not raw:
        raise ValidationError("password is required", field=field)
    if len(raw) < PASSWORD_MIN_LENGTH:
        raise ValidationError(
            f"password must have at least {PASSWORD_MIN_LENGTH} characters", field=field
        )
    if len(raw) > PASSWORD_MAX_LENGTH:
        raise ValidationError(
            f"password must have at most {PASSWORD_MAX_LENGTH} characters", field=field
        )
    return raw

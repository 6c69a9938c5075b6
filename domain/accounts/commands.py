"""Commands of the account use cases, and the fields the edge reads them from."""
from __future__ import annotations

from attrs import frozen

from domain.common.fields import Text

EMAIL = Text(required=True, nullable=False, max_length=254)
PASSWORD = Text(required=True, nullable=False, strip=False, max_length=256)


@frozen
class Register:
    """Open an account and log in."""

    email: str
    password: str
    name: str | None = None


@frozen
class Login:
    email: str
    password: str


@frozen
class SetPassword:
    """Choose a password with a one-time set-password token."""

    token: str
    password: str


@frozen
class CreateAdmin:
    """Create an administrator, or promote an existing user (operator's command line)."""

    email: str
    password: str


REGISTER_FIELDS = {"email": EMAIL, "password": PASSWORD, "name": Text(max_length=120)}
LOGIN_FIELDS = {"email": EMAIL, "password": PASSWORD}
SET_PASSWORD_FIELDS = {"token": Text(required=True, nullable=False, max_length=4096),
                       "password": PASSWORD}

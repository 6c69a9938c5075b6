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
    """Create an administrator, or promote an existing user (operator's command line).
    The password is the new account's; a promotion keeps the user's own password."""

    email: str
    password: str | None = None


@frozen
class ResetPassword:
    """Set the password of an existing account (operator's command line); the role is
    left as it is."""

    email: str
    password: str


REGISTER_FIELDS = {"email": EMAIL, "password": PASSWORD, "name": Text(max_length=120)}
LOGIN_FIELDS = {"email": EMAIL, "password": PASSWORD}
SET_PASSWORD_FIELDS = {
    "token": Text(required=True, nullable=False, max_length=4096),
    "password": PASSWORD,
}


# -- password reset, email verification, self-service (issue 14) -----------------------
TOKEN = Text(required=True, nullable=False, max_length=4096)


@frozen
class RequestPasswordReset:
    """Mail a single-use link to choose a new password (if the email has an account)."""

    email: str


@frozen
class ConfirmPasswordReset:
    token: str
    password: str


@frozen
class ConfirmToken:
    """Follow the link of an account mail (verify the email, confirm a new email)."""

    token: str


@frozen
class ChangePassword:
    user_id: int
    current_password: str
    password: str


@frozen
class ChangeEmail:
    """Ask to move the account to `email`: a link is mailed to that address."""

    user_id: int
    email: str
    password: str


@frozen
class CloseAccount:
    """LGPD erasure asked by the account's holder (password required)."""

    user_id: int
    password: str


PASSWORD_RESET_FIELDS = {"email": EMAIL}
CONFIRM_RESET_FIELDS = {"token": TOKEN, "password": PASSWORD}
CONFIRM_TOKEN_FIELDS = {"token": TOKEN}
CHANGE_PASSWORD_FIELDS = {"current_password": PASSWORD, "password": PASSWORD}
CHANGE_EMAIL_FIELDS = {"email": EMAIL, "password": PASSWORD}
CLOSE_ACCOUNT_FIELDS = {"password": PASSWORD}

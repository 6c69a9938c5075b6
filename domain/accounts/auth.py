"""Account use cases: register, log in, authenticate a bearer token, create admins."""
from __future__ import annotations

import hashlib
import attrs
from attrs import frozen

from domain.accounts.users import (ROLE_ADMIN, ROLE_USER, User, check_password_policy,
                             normalize_email)
from domain.common.errors import Conflict, Unauthenticated, ValidationError
from domain.accounts.commands import CreateAdmin, Login, Register, SetPassword
from ports.clock import Clock
from ports.repositories import DuplicateError
from ports.security import PasswordHasher, Signer
from ports.unit_of_work import UnitOfWorkFactory

ACCESS = "access"


@frozen
class Session:
    """A logged-in user and the bearer token that proves it."""

    user: User
    token: str
    expires_in: int


@frozen
class AuthService:
    """The collaborators every account use case needs."""

    uow: UnitOfWorkFactory
    hasher: PasswordHasher
    tokens: Signer
    clock: Clock
    token_ttl_seconds: int = 7 * 24 * 3600


def password_version(user: User) -> str:
    """A short fingerprint of the stored hash: tokens carry it, so changing the password
    invalidates every token issued before."""
    return hashlib.sha256(user.password.encode()).hexdigest()[:12]


def issue_token(svc: AuthService, user: User) -> Session:
    token = svc.tokens.sign(ACCESS, {"sub": user.id, "pv": password_version(user)},
                            svc.token_ttl_seconds)
    return Session(user=user, token=token, expires_in=svc.token_ttl_seconds)


def register(svc: AuthService, command: Register) -> Session:
    """Open an account (Conflict when the email has one) and log in."""
    email = normalize_email(command.email)
    password = check_password_policy(command.password)
    user = User(id=None, email=email, password=svc.hasher.hash(password),
                name=command.name or None, role=ROLE_USER, created_at=svc.clock.now())
    with svc.uow() as uow:
        if uow.users.get_by_email(email) is not None:
            raise Conflict("an account with this email already exists", field="email")
        try:
            user = uow.users.add(user)
        except DuplicateError:
            raise Conflict("an account with this email already exists", field="email") from None
        uow.commit()
    return issue_token(svc, user)


def login(svc: AuthService, command: Login) -> Session:
    """Log in; Unauthenticated for a wrong email or password (alike, and as slow)."""
    try:
        email = normalize_email(command.email)
    except ValidationError:
        raise Unauthenticated("wrong email or password") from None
    with svc.uow() as uow:
        user = uow.users.get_by_email(email)
    # Hash even for unknown emails, so timing does not reveal which accounts exist.
    hashed = user.password if user is not None and user.has_usable_password else _DUMMY_HASH
    if not svc.hasher.verify(command.password, hashed) or user is None or \
            not user.has_usable_password:
        raise Unauthenticated("wrong email or password")
    return issue_token(svc, user)


_DUMMY_HASH = "scrypt$16384$8$1$AAAAAAAAAAAAAAAAAAAAAA$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"


def authenticate(svc: AuthService, token: str) -> User:
    """The user a bearer token belongs to; Unauthenticated when the token is tampered,
    expired, for a deleted user or issued before a password change."""
    claims = svc.tokens.verify(ACCESS, token)
    if claims is None or not isinstance(claims.get("sub"), int):
        raise Unauthenticated("invalid or expired token")
    with svc.uow() as uow:
        user = uow.users.get(claims["sub"])
    if user is None or claims.get("pv") != password_version(user):
        raise Unauthenticated("invalid or expired token")
    return user


SET_PASSWORD = "set_password"
SET_PASSWORD_TTL_SECONDS = 7 * 24 * 3600


def issue_set_password_token(tokens: Signer, user: User,
                             ttl_seconds: int = SET_PASSWORD_TTL_SECONDS) -> str:
    """A token that lets its holder choose the password of `user` once: it carries the
    password version, so it dies as soon as the password changes."""
    return tokens.sign(SET_PASSWORD, {"sub": user.id, "pv": password_version(user)},
                       ttl_seconds)


def set_password(svc: AuthService, command: SetPassword) -> Session:
    """Choose a password with a set-password token (the account a checkout created for a
    buyer); logs the user in."""
    password = check_password_policy(command.password)
    claims = svc.tokens.verify(SET_PASSWORD, command.token)
    invalid = ValidationError("invalid, expired or already used token", field="token")
    if claims is None or not isinstance(claims.get("sub"), int):
        raise invalid
    hashed = svc.hasher.hash(password)
    with svc.uow() as uow:
        user = uow.users.get(claims["sub"])
        if user is None or claims.get("pv") != password_version(user):
            raise invalid
        user = uow.users.update(attrs.evolve(user, password=hashed))
        uow.commit()
    return issue_token(svc, user)


def create_admin(svc: AuthService, command: CreateAdmin) -> tuple[User, bool]:
    """Create an admin, or promote (and reset the password of) an existing user.
    Returns the user and whether it was created."""
    email = normalize_email(command.email)
    hashed = svc.hasher.hash(check_password_policy(command.password))
    with svc.uow() as uow:
        user = uow.users.get_by_email(email)
        if user is None:
            user = uow.users.add(User(id=None, email=email, password=hashed, role=ROLE_ADMIN,
                                      created_at=svc.clock.now()))
            created = True
        else:
            user = uow.users.update(attrs.evolve(user, role=ROLE_ADMIN, password=hashed))
            created = False
        uow.commit()
    return user, created

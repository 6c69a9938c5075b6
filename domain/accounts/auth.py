"""Account use cases: register, log in, authenticate a bearer token, create admins."""

from __future__ import annotations

import hashlib
import secrets

import attrs
from attrs import frozen

from domain.accounts.commands import CreateAdmin, Login, Register, ResetPassword, SetPassword
from domain.accounts.events import ADMIN, REGISTER, UserRegistered
from domain.accounts.lookalikes import check_new_address
from domain.accounts.users import (
    ROLE_ADMIN,
    ROLE_USER,
    User,
    check_password_policy,
    normalize_email,
)
from domain.common.errors import Conflict, NotFound, Unauthenticated, ValidationError
from ports.accounts import AddressLookalikes
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
    public_url: str = "http://127.0.0.1:8000"  # the links of account mails
    # UTS #39 on new addresses (registration, email change); bootstrap always wires it.
    lookalikes: AddressLookalikes | None = None


def password_version(user: User) -> str:
    """A short fingerprint of the stored hash: tokens carry it, so changing the password
    invalidates every token issued before."""
    return hashlib.sha256(user.password.encode()).hexdigest()[:12]


def issue_token(svc: AuthService, user: User) -> Session:
    # tv: the user's token version (log out everywhere raises it); jti: this token's
    # own id, recorded in revoked_tokens when it logs out.
    token = svc.tokens.sign(
        ACCESS,
        {
            "sub": user.id,
            "pv": password_version(user),
            "tv": user.token_version,
            "jti": secrets.token_urlsafe(12),
        },
        svc.token_ttl_seconds,
    )
    return Session(user=user, token=token, expires_in=svc.token_ttl_seconds)


def register(svc: AuthService, command: Register) -> Session:
    """Open an account (Conflict when the email has one) and log in."""
    email = normalize_email(command.email)
    password = check_password_policy(command.password)
    user = User(
        id=None,
        email=email,
        password=svc.hasher.hash(password),
        name=command.name or None,
        role=ROLE_USER,
        created_at=svc.clock.now(),
    )
    with svc.uow() as uow:
        if uow.users.get_by_email(email) is not None:
            raise Conflict("an account with this email already exists", field="email")
        check_new_address(uow.users, svc.lookalikes, email)
        try:
            user = uow.users.add(user)
        except DuplicateError:
            raise Conflict("an account with this email already exists", field="email") from None
        assert user.id is not None, "add() returns the user with its id"
        # Its handler stores the address-verification mail (domain.accounts.handlers).
        uow.record(
            UserRegistered(
                occurred_at=svc.clock.now(), user_id=user.id, role=user.role, via=REGISTER
            )
        )
        uow.commit()
    return issue_token(svc, user)


def login(svc: AuthService, command: Login) -> Session:
    """Log in; Unauthenticated for a wrong email or password (alike, and as slow). A
    hash that is not what the hasher writes now (the original platform's, an older
    one of ours) is replaced by a new hash of the password, before the token is issued
    (tokens carry the version of the hash)."""
    try:
        email = normalize_email(command.email)
    except ValidationError:
        raise Unauthenticated("wrong email or password") from None
    with svc.uow() as uow:
        user = uow.users.get_by_email(email)
    # Hash even for unknown emails, so timing does not reveal which accounts exist.
    hashed = user.password if user is not None and user.has_usable_password else _DUMMY_HASH
    if (
        not svc.hasher.verify(command.password, hashed)
        or user is None
        or not user.has_usable_password
    ):
        raise Unauthenticated("wrong email or password")
    if svc.hasher.needs_rehash(user.password):
        user = _rehash(svc, user, command.password)
    return issue_token(svc, user)


def _rehash(svc: AuthService, user: User, password: str) -> User:
    """`user` with a new hash of `password` (just verified against their stored hash),
    unless that hash changed meanwhile: a password set since is not overwritten, and the
    password just given is no longer theirs."""
    assert user.id is not None, "read from the repository"
    hashed = svc.hasher.hash(password)
    with svc.uow() as uow:
        current = uow.users.get_for_update(user.id)
        if current is None or current.password != user.password:
            raise Unauthenticated("wrong email or password")
        user = uow.users.update(attrs.evolve(current, password=hashed))
        uow.commit()
    return user


# An argon2id hash with the parameters of our new hashes (OWASP's), of no password
# anyone uses: verifying it takes as long as verifying a real account's hash.
_DUMMY_HASH = (
    "$argon2id$v=19$m=19456,t=2,p=1$ItmACdHu3836qEVWPhGoRg$"
    "TQ+bLW+Pkj7KlpyNWzao5bF21o4nduuKJI1CoruZ1rs"
)


def authenticate(svc: AuthService, token: str) -> User:
    """The user a bearer token belongs to; Unauthenticated when the token is tampered,
    expired, for a deleted user or issued before a password change."""
    claims = svc.tokens.verify(ACCESS, token)
    if claims is None or not isinstance(claims.get("sub"), int):
        raise Unauthenticated("invalid or expired token")
    jti = claims.get("jti")
    with svc.uow() as uow:
        user = uow.users.get_unless_revoked(claims["sub"], jti if isinstance(jti, str) else None)
    if (
        user is None
        or claims.get("pv") != password_version(user)
        or claims.get("tv", 0) != user.token_version
        or user.anonymised_at is not None
    ):
        raise Unauthenticated("invalid or expired token")
    return user


SET_PASSWORD = "set_password"
SET_PASSWORD_TTL_SECONDS = 7 * 24 * 3600


def issue_set_password_token(
    tokens: Signer, user: User, ttl_seconds: int = SET_PASSWORD_TTL_SECONDS
) -> str:
    """A token that lets its holder choose the password of `user` once: it carries the
    password version, so it dies as soon as the password changes."""
    return tokens.sign(SET_PASSWORD, {"sub": user.id, "pv": password_version(user)}, ttl_seconds)


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
    """Create an admin (the password is required then, and checked), or promote an
    existing user, whose password is left unchanged (use `reset_password` for that).
    Returns the user and whether it was created."""
    email = normalize_email(command.email)
    with svc.uow() as uow:
        user = uow.users.get_by_email(email)
        if user is not None:
            user = uow.users.update(attrs.evolve(user, role=ROLE_ADMIN))
            uow.commit()
            return user, False
    hashed = svc.hasher.hash(check_password_policy(command.password))
    with svc.uow() as uow:
        try:
            user = uow.users.add(
                User(
                    id=None,
                    email=email,
                    password=hashed,
                    role=ROLE_ADMIN,
                    created_at=svc.clock.now(),
                )
            )
        except DuplicateError:
            raise Conflict("an account with this email was just created", field="email") from None
        assert user.id is not None, "add() returns the user with its id"
        uow.record(
            UserRegistered(occurred_at=svc.clock.now(), user_id=user.id, role=user.role, via=ADMIN)
        )
        uow.commit()
    return user, True


def reset_password(svc: AuthService, command: ResetPassword) -> User:
    """Give an existing account a new password (checked against the policy); its role
    is unchanged, and every token issued before stops verifying (tokens carry the
    password version). NotFound when no account has this email."""
    email = normalize_email(command.email)
    hashed = svc.hasher.hash(check_password_policy(command.password))
    with svc.uow() as uow:
        user = uow.users.get_by_email(email)
        if user is None:
            raise NotFound(f"no account with the email {email}", field="email")
        user = uow.users.update(attrs.evolve(user, password=hashed))
        uow.commit()
    return user

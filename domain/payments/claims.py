"""Claiming a paid guest checkout by its mailed link (issue 20, finding 5). A guest
checkout goes to the account of its email only when that email is verified; when an
unverified account has it, whoever registered it may not own the address, so the
receipt to the address carries a link (notices.queue_claim). Following it proves the
address: the account with that email (or a new one) gets its email verified, the
password chosen here, every other session ended, and the purchase."""

from __future__ import annotations

import secrets

import attrs

from domain.accounts.auth import AuthService, Session, issue_token
from domain.accounts.commands import SetPassword
from domain.accounts.events import CHECKOUT, UserRegistered
from domain.accounts.users import ROLE_USER, UNUSABLE_PASSWORD_PREFIX, User, check_password_policy
from domain.common.errors import ValidationError
from domain.payments import checkout as co
from domain.payments.events import claim_event
from domain.payments.service import PaymentService
from ports.repositories import DuplicateError
from ports.security import CLAIM_CHECKOUT, Signer

_INVALID = "invalid, expired or already used token"


def is_claim(signer: Signer, token: str) -> bool:
    """Whether `token` is a claim link's (the set-password page takes both)."""
    return signer.verify(CLAIM_CHECKOUT, token) is not None


def claim_checkout(auth: AuthService, payments: PaymentService, command: SetPassword) -> Session:
    """Give the paid checkout of the link to the account of its email, with the password
    chosen now; logs in. Works once: the checkout is then linked. (`payments` is kept
    for the callers; what the purchase gives is done by CheckoutClaimed's handlers.)"""
    password = check_password_policy(command.password)
    claims = auth.tokens.verify(CLAIM_CHECKOUT, command.token)
    invalid = ValidationError(_INVALID, field="token")
    if (
        claims is None
        or not isinstance(claims.get("cid"), int)
        or not isinstance(claims.get("email"), str)
    ):
        raise invalid
    hashed = auth.hasher.hash(password)
    now = auth.clock.now()
    with auth.uow() as uow:
        checkout = uow.checkouts.get_for_update(claims["cid"])
        if (
            checkout is None
            or checkout.user_id is not None
            or checkout.status != co.PAID
            or checkout.customer_email != claims["email"]
            or not checkout.payment.unclaimed
        ):
            raise invalid
        user = uow.users.get_for_update_by_email(claims["email"])
        if user is not None and (user.anonymised_at is not None or user.is_admin):
            raise invalid
        if user is None:
            try:
                user = uow.users.add(
                    User(
                        id=None,
                        email=claims["email"],
                        name=checkout.customer_name,
                        password=UNUSABLE_PASSWORD_PREFIX + secrets.token_urlsafe(24),
                        role=ROLE_USER,
                        created_at=now,
                    )
                )
            except DuplicateError:
                raise invalid from None
            assert user.id is not None, "add() returns the user with its id"
            uow.record(
                UserRegistered(occurred_at=now, user_id=user.id, role=user.role, via=CHECKOUT)
            )
        # The address is proven; the password is the link holder's; every session of
        # whoever registered the address before ends.
        user = uow.users.update(
            attrs.evolve(
                user,
                password=hashed,
                email_verified_at=user.email_verified_at or now,
                token_version=user.token_version + 1,
                email_change=None,
            )
        )
        checkout = uow.checkouts.update(
            attrs.evolve(checkout.with_payment(unclaimed=False), user_id=user.id, updated_at=now)
        )
        # Its handlers give what the payment bought: access, a card buyer's assurance.
        uow.record(claim_event(checkout, now))
        uow.commit()
    return issue_token(auth, user)

"""The OpenID Connect method of age assurance: a pending attempt, the round trip to the
provider (state, nonce and PKCE verifier in a signed handshake) and its callback. A
pending attempt expires after 15 minutes (the handshake's lifetime); anonymous starts
are limited per IP at the edge (domain.common.rate_limits, "age_oidc_start")."""

from __future__ import annotations

import secrets

import attrs
from attrs import frozen

from domain.accounts.users import User
from domain.assurance.entities import ABANDONED_AFTER, OIDC, PENDING, REJECTED, AgeAssurance
from domain.assurance.oidc_claims import is_adult
from domain.assurance.service import (
    OIDC_ROUND_TRIP_SECONDS,
    AgeAssuranceService,
    Granted,
    NotAssured,
    assure,
    granted,
)
from domain.common.errors import Conflict, Forbidden
from ports.age_assurance import OidcAgeCheck
from ports.security import AGE_OIDC

__all__ = ["OIDC_ROUND_TRIP_SECONDS", "OidcStart", "start_oidc", "finish_oidc"]


@frozen
class OidcStart:
    location: str  # the provider's authorization URL
    handshake: str  # signed state, nonce and PKCE verifier (an HttpOnly cookie)


def _oidc(svc: AgeAssuranceService) -> OidcAgeCheck:
    check = svc.checks.get(OIDC)
    if check is None:
        raise Conflict("the OIDC age assurance is not enabled", code="method_disabled")
    return check  # type: ignore[return-value]  # the oidc adapter implements OidcAgeCheck


def start_oidc(svc: AgeAssuranceService, user: User | None) -> OidcStart:
    """Record a pending attempt and the provider URL to send the browser to; state,
    nonce and the PKCE verifier travel in a signed handshake the callback checks."""
    check = _oidc(svc)
    now = svc.clock.now()
    with svc.uow() as uow:
        attempt = uow.age_assurances.add(
            AgeAssurance(
                id=None,
                method=OIDC,
                outcome=PENDING,
                user_id=user.id if user else None,
                anonymous_id=None if user else secrets.token_urlsafe(16),
                created_at=now,
            )
        )
        uow.commit()
    state, nonce = secrets.token_urlsafe(24), secrets.token_urlsafe(24)
    verifier = secrets.token_urlsafe(48)
    handshake = svc.signer.sign(
        AGE_OIDC,
        {"aid": attempt.id, "state": state, "oidc_nonce": nonce, "cv": verifier},
        OIDC_ROUND_TRIP_SECONDS,
    )
    return OidcStart(check.authorization_url(svc.callback_url, state, nonce, verifier), handshake)


def finish_oidc(
    svc: AgeAssuranceService,
    handshake: str | None,
    state: str | None,
    code: str | None,
    error: str | None = None,
) -> Granted:
    """The provider's callback. Refused (NotAssured) for a missing or tampered
    handshake or state, an attempt already finished (a replayed code), a token that
    does not verify (signature, issuer, audience, expiry, nonce) and a claim that does
    not prove 18 or more; the attempt then records the rejection."""
    check = _oidc(svc)
    claims = svc.signer.verify(AGE_OIDC, handshake) if handshake else None
    if not claims or not state or not secrets.compare_digest(str(claims.get("state")), state):
        raise NotAssured("the state of this age check does not match; start again", field="state")
    aid = claims.get("aid")
    with svc.uow() as uow:
        attempt = uow.age_assurances.get(aid) if isinstance(aid, int) else None
    if attempt is None or attempt.outcome != PENDING:
        raise NotAssured("this age check was already used; start again", field="code")
    if attempt.created_at is not None and svc.clock.now() - attempt.created_at > ABANDONED_AFTER:
        _decide(svc, attempt.id, REJECTED)
        raise NotAssured("this age check expired (15 minutes); start again", field="code")
    try:
        if error or not code:
            raise NotAssured(
                f"the provider did not verify the age ({(error or 'no code')[:60]})", field="code"
            )
        verified = check.verified_claims(
            svc.callback_url, code, str(claims["cv"]), str(claims["oidc_nonce"])
        )
        if not is_adult(verified, svc.oidc_claim, svc.clock.now().date()):
            raise NotAssured(
                "the provider did not attest an age of 18 or more", field=svc.oidc_claim
            )
        ref = str(verified.get("sub") or "")[:200] or None
    except Forbidden:
        _decide(svc, attempt.id, REJECTED)
        raise
    now = svc.clock.now()
    with svc.uow() as uow:
        current = uow.age_assurances.get(attempt.id)
        if current is None or current.outcome != PENDING:  # a concurrent callback won
            raise NotAssured("this age check was already used; start again", field="code")
        record = assure(
            uow,
            OIDC,
            current.user_id,
            now,
            provider_ref=ref,
            pending=current,
            visitor_ttl=svc.visitor_ttl,
        )
        owner = uow.users.get(current.user_id) if current.user_id is not None else None
        uow.commit()
    return granted(svc, record, owner)


def _decide(svc: AgeAssuranceService, assurance_id: int | None, outcome: str) -> None:
    with svc.uow() as uow:
        current = uow.age_assurances.get(assurance_id)
        if current is not None and current.outcome == PENDING:
            uow.age_assurances.update(
                attrs.evolve(current, outcome=outcome, decided_at=svc.clock.now())
            )
            uow.commit()

"""Use cases of age assurance: who is assured, the methods that assure (sandbox, OIDC,
a paid card checkout; the reviewed document is in domain.assurance.documents), and
their administration (revocation, the effectiveness figures the ANPD asks platforms to
keep).

An assurance is checked on every request that needs it: for an account, one indexed
query (holder, outcome, expiry); for a visitor, the signed assurance token names its
record, read by primary key — so a revoked one stops at once."""

from __future__ import annotations

import secrets
from collections.abc import Callable, Mapping
from datetime import datetime
from typing import Any

import attrs
from attrs import frozen

from domain.accounts.users import User
from domain.assurance.entities import (
    ABANDONED_AFTER,
    ASSURED,
    METHODS,
    OIDC,
    OUTCOMES,
    PENDING,
    REJECTED,
    REVOKED,
    SANDBOX,
    AgeAssurance,
    lifetime,
)
from domain.assurance.oidc_claims import is_adult
from domain.common.errors import Conflict, Forbidden, NotFound
from domain.common.pagination import Page, PageRequest
from ports.age_assurance import AgeCheck, OidcAgeCheck
from ports.clock import Clock
from ports.security import AGE_ASSURANCE, AGE_OIDC, Signer
from ports.storage import ObjectStorage
from ports.unit_of_work import UnitOfWork, UnitOfWorkFactory

OIDC_ROUND_TRIP_SECONDS = 15 * 60


class NotAssured(Forbidden):
    """The age check did not assure the caller (refused, under age, tampered)."""

    code = "age_assurance_failed"


@frozen
class AgeAssuranceService:
    """gate_on: CREATORFLIX_AGE_GATE; checks: the enabled methods by name; callback_url:
    the OIDC redirect URI (CREATORFLIX_PUBLIC_URL + the callback route)."""

    uow: UnitOfWorkFactory
    clock: Clock
    signer: Signer
    storage: ObjectStorage
    gate_on: bool = True
    checks: Mapping[str, AgeCheck] = attrs.field(factory=dict)
    callback_url: str = ""
    oidc_claim: str = "birthdate"
    # Whether the sandbox gateway is what charges now (payments' rule, bound in
    # bootstrap): the sandbox method only assures while it is.
    sandbox_charges: Callable[[UnitOfWork], bool] = lambda uow: False

    def enabled(self, method: str) -> bool:
        if method == SANDBOX and method in self.checks:
            return self.sandbox_live()
        return method in self.checks

    def sandbox_live(self) -> bool:
        """The sandbox assures only while the sandbox gateway is what charges: never
        once a real gateway is active in the database, whatever CREATORFLIX_GATEWAY."""
        with self.uow() as uow:
            return self.sandbox_charges(uow)

    def offers(self) -> list[dict[str, Any]]:
        return [
            check.offer()
            for name, check in self.checks.items()
            if name != SANDBOX or self.sandbox_live()
        ]


@frozen
class Granted:
    """An assurance just made, with the token a visitor sends back (None for an
    account: the account itself is checked)."""

    assurance: AgeAssurance
    token: str | None


@frozen
class Status:
    assured: bool
    until: datetime | None
    method: str | None
    methods: list[dict[str, Any]]
    gate: bool
    token: str | None = None


# -- who is assured -------------------------------------------------------------------


def holding(
    uow: UnitOfWork, user: User | None, token: str | None, signer: Signer, now: datetime
) -> AgeAssurance | None:
    """The record that assures this caller now: their account's, else the one their
    assurance token names (unless revoked or expired)."""
    if user is not None and user.id is not None:
        found = uow.age_assurances.first(
            {"user_id": user.id, "outcome": ASSURED}, order_by=("-expires_at",)
        )
        if found is not None and found.holds_at(now):
            return found
    if token:
        claims = signer.verify(AGE_ASSURANCE, token)
        aid = claims.get("aid") if claims else None
        if isinstance(aid, int):
            found = uow.age_assurances.get(aid)
            if found is not None and found.holds_at(now):
                return found
    return None


def is_assured(svc: AgeAssuranceService, user: User | None, token: str | None) -> bool:
    """Whether the caller may see adult media: always with the gate off, admins always,
    else while an assurance holds."""
    if not svc.gate_on or (user is not None and user.is_admin):
        return True
    if user is None and token is None:
        return False  # an anonymous visitor with no assurance: nothing to look up
    with svc.uow() as uow:
        return holding(uow, user, token, svc.signer, svc.clock.now()) is not None


def _token(svc: AgeAssuranceService, record: AgeAssurance) -> str:
    assert record.id is not None and record.expires_at is not None
    ttl = max(1, int((record.expires_at - svc.clock.now()).total_seconds()))
    return svc.signer.sign(AGE_ASSURANCE, {"aid": record.id}, ttl)


def status(svc: AgeAssuranceService, user: User | None, token: str | None) -> Status:
    """Whether the caller is assured, until when, and the methods on offer. An assured
    caller gets a fresh token for the record that assures them (the web client sends
    it as X-Age-Assurance; the server also sets it as a cookie for /media)."""
    with svc.uow() as uow:
        record = holding(uow, user, token, svc.signer, svc.clock.now())
    admin = user is not None and user.is_admin
    return Status(
        assured=record is not None or admin or not svc.gate_on,
        until=record.expires_at if record else None,
        method=record.method if record else None,
        methods=svc.offers(),
        gate=svc.gate_on,
        token=_token(svc, record) if record else None,
    )


def assure(
    uow: UnitOfWork,
    method: str,
    user_id: int | None,
    now: datetime,
    provider_ref: str | None = None,
    pending: AgeAssurance | None = None,
) -> AgeAssurance:
    anonymous = None if user_id is not None else secrets.token_urlsafe(16)
    if pending is not None:
        return uow.age_assurances.update(
            attrs.evolve(
                pending,
                outcome=ASSURED,
                decided_at=now,
                expires_at=now + lifetime(pending.user_id),
                provider_ref=provider_ref or pending.provider_ref,
            )
        )
    return uow.age_assurances.add(
        AgeAssurance(
            id=None,
            method=method,
            outcome=ASSURED,
            user_id=user_id,
            anonymous_id=anonymous,
            provider_ref=provider_ref,
            created_at=now,
            decided_at=now,
            expires_at=now + lifetime(user_id),
        )
    )


def _granted(svc: AgeAssuranceService, record: AgeAssurance) -> Granted:
    return Granted(record, _token(svc, record))


# -- sandbox --------------------------------------------------------------------------


def assure_by_sandbox(svc: AgeAssuranceService, user: User | None) -> Granted:
    """The embedded default's button: assures at once. Refused (Conflict) unless the
    sandbox method is enabled, which it never is while the gateway is not the sandbox."""
    if not svc.enabled(SANDBOX):
        raise Conflict(
            "the sandbox age assurance is not enabled (it needs "
            "CREATORFLIX_GATEWAY=sandbox and CREATORFLIX_AGE_METHODS with sandbox)",
            code="method_disabled",
        )
    now = svc.clock.now()
    with svc.uow() as uow:
        record = assure(uow, SANDBOX, user.id if user else None, now, provider_ref="sandbox")
        uow.commit()
    return _granted(svc, record)


# -- card: a paid credit-card checkout ----------------------------------------------


def assure_card_buyer(
    uow: UnitOfWork, user_id: int, checkout_id: int | None, now: datetime
) -> AgeAssurance:
    """Inside the settlement's transaction: a paid credit-card checkout assures its
    buyer's account (card data is on the ANPD's list; PIX alone is not)."""
    return assure(uow, "card", user_id, now, provider_ref=f"checkout:{checkout_id}")


# -- OIDC -----------------------------------------------------------------------------


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
        record = assure(uow, OIDC, current.user_id, now, provider_ref=ref, pending=current)
        uow.commit()
    return _granted(svc, record)


def _decide(svc: AgeAssuranceService, assurance_id: int | None, outcome: str) -> None:
    with svc.uow() as uow:
        current = uow.age_assurances.get(assurance_id)
        if current is not None and current.outcome == PENDING:
            uow.age_assurances.update(
                attrs.evolve(current, outcome=outcome, decided_at=svc.clock.now())
            )
            uow.commit()


# -- administration -------------------------------------------------------------------


def revoke(svc: AgeAssuranceService, assurance_id: int) -> AgeAssurance:
    """Admin: withdraw an assurance; its holder is unassured from the next request."""
    with svc.uow() as uow:
        record = uow.age_assurances.get(assurance_id)
        if record is None:
            raise NotFound(f"age assurance {assurance_id} not found")
        if record.outcome != ASSURED:
            raise Conflict(f"age assurance {assurance_id} is {record.outcome}, not assured")
        revoked = uow.age_assurances.update(
            attrs.evolve(record, outcome=REVOKED, decided_at=svc.clock.now())
        )
        uow.commit()
    return revoked


def list_assurances(
    svc: AgeAssuranceService, page: PageRequest, filters: Mapping[str, Any]
) -> Page[AgeAssurance]:
    with svc.uow() as uow:
        return uow.age_assurances.find(
            dict(filters), order_by=("-id",), page=page.page, limit=page.limit
        )


def figures(svc: AgeAssuranceService) -> dict[str, Any]:
    """The effectiveness figures: per method, how many attempts ended in each outcome,
    and how many were abandoned (an OIDC round trip never finished); plus whether the
    sandbox is the only method on offer (the dashboard warns)."""
    now = svc.clock.now()
    per_method: dict[str, dict[str, int]] = {}
    with svc.uow() as uow:
        for method in METHODS:
            counts: dict[str, int] = {
                outcome: uow.age_assurances.count({"method": method, "outcome": outcome})
                for outcome in OUTCOMES
            }
            pending = uow.age_assurances.find({"method": method, "outcome": PENDING}).items
            abandoned = sum(
                1
                for p in pending
                if method == OIDC
                and p.created_at is not None
                and now - p.created_at > ABANDONED_AFTER
            )
            counts["abandoned"] = abandoned
            counts["pending"] -= abandoned
            counts["attempts"] = sum(counts[o] for o in OUTCOMES)
            per_method[method] = counts
    return {
        "methods": per_method,
        "enabled": list(svc.checks),
        "gate": svc.gate_on,
        "sandbox_only": list(svc.checks) == [SANDBOX],
    }

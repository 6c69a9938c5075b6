"""Use cases of age assurance: who is assured, the methods that assure (sandbox, OIDC,
a paid card checkout; the reviewed document is in domain.assurance.documents), and
their administration (revocation, the effectiveness figures the ANPD asks platforms to
keep).

An assurance is checked on every request that needs it, and counts only while its
method is enabled now (a sandbox one stops counting the moment a real gateway is
active). An account's assurance is bound to the account: it is found through the
caller's session (one indexed query), never handed out as a token — the only cookie
it gets is tied to the session's token version, so logout-all and erasure end it. A
visitor's (no account) assurance is a short-lived signed token naming its record, read
by primary key, so a revoked one stops at once."""

from __future__ import annotations

import secrets
from collections.abc import Callable, Mapping
from datetime import datetime, timedelta
from typing import Any

import attrs
from attrs import frozen

from domain.accounts.users import User
from domain.assurance.entities import (
    ABANDONED_AFTER,
    ANONYMOUS_TTL,
    ASSURED,
    CARD,
    DOCUMENT,
    METHODS,
    PENDING,
    SANDBOX,
    AgeAssurance,
    lifetime,
)
from domain.common.errors import Conflict, Forbidden
from ports.age_assurance import AgeCheck
from ports.clock import Clock
from ports.security import AGE_ASSURANCE, Signer
from ports.storage import ObjectStorage
from ports.unit_of_work import UnitOfWork, UnitOfWorkFactory

OIDC_ROUND_TRIP_SECONDS = int(ABANDONED_AFTER.total_seconds())
# The account's media cookie (for what the browser loads without headers: /media) is
# re-issued by every status read; it lasts at most this long.
ACCOUNT_COOKIE_TTL = timedelta(hours=12)


class NotAssured(Forbidden):
    """The age check did not assure the caller (refused, under age, tampered)."""

    code = "age_assurance_failed"


@frozen
class AgeAssuranceService:
    """gate_on: CREATORFLIX_AGE_GATE; checks: the enabled methods by name; callback_url:
    the OIDC redirect URI (CREATORFLIX_PUBLIC_URL + the callback route); visitor_ttl:
    CREATORFLIX_AGE_VISITOR_HOURS; document_max_bytes: CREATORFLIX_AGE_DOCUMENT_MAX_BYTES."""

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
    visitor_ttl: timedelta = ANONYMOUS_TTL
    document_max_bytes: int = 5 * 1024 * 1024
    public_url: str = "http://127.0.0.1:8000"  # the links of the decision mails

    def enabled(self, method: str) -> bool:
        if method == SANDBOX and method in self.checks:
            return self.sandbox_live()
        return method in self.checks

    def sandbox_live(self) -> bool:
        """The sandbox assures only while the sandbox gateway is what charges: never
        once a real gateway is active in the database, whatever CREATORFLIX_GATEWAY."""
        with self.uow() as uow:
            return self.sandbox_charges(uow)

    def live_methods(self) -> frozenset[str]:
        """The methods whose assurances count now: those enabled, the sandbox only while
        it is live (so sandbox assurances made before go-live stop counting)."""
        return frozenset(name for name in self.checks if self.enabled(name))

    def offers(self) -> list[dict[str, Any]]:
        return [
            check.offer()
            for name, check in self.checks.items()
            if name != SANDBOX or self.sandbox_live()
        ]


@frozen
class Granted:
    """An assurance just made, with the token a visitor sends back (None for an
    account: the account itself is checked) and the cookie the browser keeps for media."""

    assurance: AgeAssurance
    token: str | None
    cookie: str | None = None


@frozen
class Status:
    assured: bool
    until: datetime | None
    method: str | None
    methods: list[dict[str, Any]]
    gate: bool
    token: str | None = None  # a visitor's own assurance only; never an account's
    cookie: str | None = None  # what the HttpOnly cookie holds (visitor or account)
    pending_document: bool = False  # a document of the caller waits for a decision


# -- who is assured -------------------------------------------------------------------


def _account_record(
    uow: UnitOfWork, user_id: int, now: datetime, live: frozenset[str]
) -> AgeAssurance | None:
    found = [
        r
        for r in uow.age_assurances.find(
            {"user_id": user_id, "outcome": ASSURED}, order_by=("-expires_at",)
        ).items
        if r.holds_at(now) and r.method in live
    ]
    return found[0] if found else None


def _session_user(uow: UnitOfWork, claims: Mapping[str, Any]) -> int | None:
    """The account a media cookie names, while the session it came from could still
    be valid: same token version (logout-all raises it), not erased."""
    uid, tv = claims.get("uid"), claims.get("tv")
    if not isinstance(uid, int) or not isinstance(tv, int):
        return None
    user = uow.users.get(uid)
    if user is None or user.token_version != tv or user.anonymised_at is not None:
        return None
    return uid


def holding(
    uow: UnitOfWork,
    user: User | None,
    token: str | None,
    signer: Signer,
    now: datetime,
    live: frozenset[str] = frozenset(METHODS),
) -> AgeAssurance | None:
    """The record that assures this caller now, among methods `live`: their account's
    (found through the session, or the account's media cookie), else the visitor
    assurance their token names. A token never assures through an account's record:
    an account's assurance cannot be handed on."""
    if user is not None and user.id is not None:
        found = _account_record(uow, user.id, now, live)
        if found is not None:
            return found
    claims = signer.verify(AGE_ASSURANCE, token) if token else None
    if not claims:
        return None
    aid = claims.get("aid")
    if isinstance(aid, int):
        found = uow.age_assurances.get(aid)
        if (
            found is not None
            and found.user_id is None
            and found.method in live
            and found.holds_at(now)
        ):
            return found
        return None
    uid = _session_user(uow, claims)
    if uid is None or (user is not None and user.id != uid):
        return None  # another account's cookie left in this browser assures no one else
    return _account_record(uow, uid, now, live)


def account_assured(uow: UnitOfWork, user_id: int, now: datetime) -> bool:
    """Whether an account holds an assurance now (any method: what a receipt asks)."""
    return any(
        r.holds_at(now)
        for r in uow.age_assurances.find({"user_id": user_id, "outcome": ASSURED}).items
    )


def is_assured(svc: AgeAssuranceService, user: User | None, token: str | None) -> bool:
    """Whether the caller may see adult media: always with the gate off, admins always,
    else while an assurance holds."""
    if not svc.gate_on or (user is not None and user.is_admin):
        return True
    if user is None and token is None:
        return False  # an anonymous visitor with no assurance: nothing to look up
    live = svc.live_methods()
    with svc.uow() as uow:
        return holding(uow, user, token, svc.signer, svc.clock.now(), live) is not None


def _seconds_left(svc: AgeAssuranceService, record: AgeAssurance, cap: timedelta) -> int:
    assert record.expires_at is not None
    left = min(record.expires_at - svc.clock.now(), cap)
    return max(1, int(left.total_seconds()))


def _token(svc: AgeAssuranceService, record: AgeAssurance) -> str | None:
    """A visitor's token for their own record; None for an account's record."""
    if record.user_id is not None:
        return None
    assert record.id is not None
    return svc.signer.sign(
        AGE_ASSURANCE, {"aid": record.id}, _seconds_left(svc, record, svc.visitor_ttl)
    )


def _account_cookie(
    svc: AgeAssuranceService, user: User | None, record: AgeAssurance
) -> str | None:
    """The account's media cookie: names the account and its session version, not the
    record; checked against the account's assurance on every use."""
    if user is None or user.id is None or record.user_id != user.id:
        return None
    return svc.signer.sign(
        AGE_ASSURANCE,
        {"uid": user.id, "tv": user.token_version},
        _seconds_left(svc, record, ACCOUNT_COOKIE_TTL),
    )


def cookie_seconds(svc: AgeAssuranceService, record: AgeAssurance) -> int:
    """How long the cookie of `record`'s holder lasts."""
    cap = svc.visitor_ttl if record.user_id is None else ACCOUNT_COOKIE_TTL
    return _seconds_left(svc, record, cap)


def status(svc: AgeAssuranceService, user: User | None, token: str | None) -> Status:
    """Whether the caller is assured, until when, the methods on offer, and whether a
    document of theirs waits for a decision. A visitor assured through their token gets
    it back refreshed (the web client sends it as X-Age-Assurance); an account gets no
    token, only its media cookie."""
    live = svc.live_methods()
    with svc.uow() as uow:
        record = holding(uow, user, token, svc.signer, svc.clock.now(), live)
        waiting = (
            user is not None
            and user.id is not None
            and DOCUMENT in live
            and uow.age_assurances.count(
                {"user_id": user.id, "method": DOCUMENT, "outcome": PENDING}
            )
            > 0
        )
    admin = user is not None and user.is_admin
    visitor = _token(svc, record) if record else None
    return Status(
        assured=record is not None or admin or not svc.gate_on,
        until=record.expires_at if record else None,
        method=record.method if record else None,
        methods=svc.offers(),
        gate=svc.gate_on,
        token=visitor,
        cookie=visitor or (_account_cookie(svc, user, record) if record else None),
        pending_document=waiting,
    )


def assure(
    uow: UnitOfWork,
    method: str,
    user_id: int | None,
    now: datetime,
    provider_ref: str | None = None,
    pending: AgeAssurance | None = None,
    visitor_ttl: timedelta = ANONYMOUS_TTL,
) -> AgeAssurance:
    anonymous = None if user_id is not None else secrets.token_urlsafe(16)
    if pending is not None:
        return uow.age_assurances.update(
            attrs.evolve(
                pending,
                outcome=ASSURED,
                decided_at=now,
                expires_at=now + lifetime(pending.user_id, visitor_ttl),
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
            expires_at=now + lifetime(user_id, visitor_ttl),
        )
    )


def granted(svc: AgeAssuranceService, record: AgeAssurance, user: User | None) -> Granted:
    token = _token(svc, record)
    return Granted(record, token, token or _account_cookie(svc, user, record))


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
        record = assure(
            uow,
            SANDBOX,
            user.id if user else None,
            now,
            provider_ref="sandbox",
            visitor_ttl=svc.visitor_ttl,
        )
        uow.commit()
    return granted(svc, record, user)


# -- card: a card payment our gateway confirmed -------------------------------------


def assure_card_buyer(
    uow: UnitOfWork, user_id: int, checkout_id: int | None, now: datetime
) -> AgeAssurance:
    """Inside the settlement's transaction: a card payment our gateway confirmed (read
    back as a paid credit-card transaction) assures its buyer's account (card data is on
    the ANPD's list; PIX alone is not; an external page's word never is)."""
    return assure(uow, CARD, user_id, now, provider_ref=f"checkout:{checkout_id}")

"""Age assurance records: who passed (or failed) an age check, how, and until when.

Data minimisation (ANPD guidance): a record holds who (an account, or the random id of
an anonymous visitor), the method, when, the provider's reference, the outcome and the
expiry — never a birth date, a document number, an image or a biometric template."""

from __future__ import annotations

from datetime import datetime, timedelta
from enum import StrEnum

from attrs import field, frozen

from domain.common.statuses import lenient


class AssuranceMethod(StrEnum):
    OIDC = "oidc"
    CARD = "card"
    DOCUMENT = "document"
    SANDBOX = "sandbox"


class AssuranceOutcome(StrEnum):
    PENDING = "pending"  # an OIDC round trip or a document waiting for a decision
    ASSURED = "assured"
    REJECTED = "rejected"
    REVOKED = "revoked"  # an admin withdrew a past assurance


OIDC = AssuranceMethod.OIDC
CARD = AssuranceMethod.CARD
DOCUMENT = AssuranceMethod.DOCUMENT
SANDBOX = AssuranceMethod.SANDBOX
METHODS = tuple(AssuranceMethod)
# Methods a visitor without an account can use (the others need the account).
ANONYMOUS_METHODS = (OIDC, SANDBOX)

PENDING = AssuranceOutcome.PENDING
ASSURED = AssuranceOutcome.ASSURED
REJECTED = AssuranceOutcome.REJECTED
REVOKED = AssuranceOutcome.REVOKED
OUTCOMES = tuple(AssuranceOutcome)


def to_assurance_method(value: str) -> AssuranceMethod:
    return lenient(AssuranceMethod, value)


def to_assurance_outcome(value: str) -> AssuranceOutcome:
    return lenient(AssuranceOutcome, value)


ACCOUNT_TTL = timedelta(days=365)
# A visitor's assurance is a bearer token (whoever holds it is assured): kept short
# (CREATORFLIX_AGE_VISITOR_HOURS) so one that is handed on does not last.
ANONYMOUS_TTL = timedelta(hours=24)
# An OIDC attempt still pending after this long has expired (the round trip's
# handshake lasts as long): its callback is refused and it counts as abandoned.
ABANDONED_AFTER = timedelta(minutes=15)


@frozen
class AgeAssurance:
    """Table `age_assurances`: one attempt and its outcome. Exactly one of `user_id`
    and `anonymous_id` says who."""

    id: int | None
    method: AssuranceMethod = field(converter=to_assurance_method)
    outcome: AssuranceOutcome = field(converter=to_assurance_outcome)
    user_id: int | None = None
    anonymous_id: str | None = None
    provider_ref: str | None = None
    created_at: datetime | None = None
    decided_at: datetime | None = None
    expires_at: datetime | None = None

    def holds_at(self, now: datetime) -> bool:
        """Whether this record assures its holder at `now`."""
        return self.outcome == ASSURED and self.expires_at is not None and self.expires_at > now


def lifetime(user_id: int | None, visitor_ttl: timedelta = ANONYMOUS_TTL) -> timedelta:
    """How long an assurance lasts: a year for an account, `visitor_ttl` (24 hours by
    default) for a visitor."""
    return ACCOUNT_TTL if user_id is not None else visitor_ttl

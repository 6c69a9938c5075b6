"""Mail messages and their life in the outbox (table `mail_outbox`): written in the same
transaction as the change that causes them, delivered later by a worker."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any

from attrs import field, frozen

from domain.common.statuses import lenient


class MailStatus(StrEnum):
    PENDING = "pending"  # waiting for its next attempt
    SENDING = "sending"  # claimed by a worker until `claimed_until`
    SENT = "sent"
    FAILED = "failed"  # permanently refused, or out of attempts


PENDING = MailStatus.PENDING
SENDING = MailStatus.SENDING
SENT = MailStatus.SENT
FAILED = MailStatus.FAILED
STATUSES = tuple(MailStatus)


def to_mail_status(value: str) -> MailStatus:
    return lenient(MailStatus, value)


MAX_ATTEMPTS = 8
FIRST_RETRY = timedelta(seconds=30)
LAST_RETRY = timedelta(hours=2)
# How long a worker owns what it claimed, renewed before each send: a worker that dies
# mid-batch releases its messages to the others after this. Longer than one SMTP
# conversation (20 s timeout by default) plus the retries of recording its outcome.
LEASE = timedelta(seconds=40)

# A row that is no message: written to make a request cost the same whatever it finds
# (domain.mail.compose.decoy); never sent, purged by the jobs.
DECOY = "decoy"
DECOY_LIFETIME = timedelta(days=1)

# The kinds of mail, one template each (adapters/mail/templates/<kind>/).
PASSWORD_RESET = "password_reset"
VERIFY_EMAIL = "verify_email"
CHANGE_EMAIL = "change_email"
PIX_CREATED = "pix_created"
RECEIPT = "receipt"
RENEWAL_REMINDER = "renewal_reminder"
EXPIRY_NOTICE = "expiry_notice"
WITHDRAWAL_RECEIVED = "withdrawal_received"
AGE_DOCUMENT_DECIDED = "age_document_decided"
RENEWAL_PAID = "renewal_paid"  # automatic renewal (issue 25)
RENEWAL_PAST_DUE = "renewal_past_due"
RENEWAL_CANCELLED = "renewal_cancelled"
KINDS = (
    PASSWORD_RESET,
    VERIFY_EMAIL,
    CHANGE_EMAIL,
    PIX_CREATED,
    RECEIPT,
    RENEWAL_REMINDER,
    EXPIRY_NOTICE,
    WITHDRAWAL_RECEIVED,
    AGE_DOCUMENT_DECIDED,
    RENEWAL_PAID,
    RENEWAL_PAST_DUE,
    RENEWAL_CANCELLED,
)

# Kinds of inline images: "qr" holds the text the adapter draws as a PNG QR code.
INLINE_QR = "qr"


@frozen
class OutboxMessage:
    """One mail to one recipient. `dedupe_key` (unique) makes a message that must go
    at most once (a renewal reminder per subscription) impossible to store twice.
    `inline_images`: [{"cid", "kind", "data"}], referenced by the HTML as cid:..."""

    id: int | None
    kind: str
    recipient: str
    subject: str
    text_body: str
    html_body: str
    inline_images: list[dict[str, Any]] = field(factory=list)
    dedupe_key: str | None = None
    user_id: int | None = None
    status: MailStatus = field(default=PENDING, converter=to_mail_status)
    attempts: int = 0
    next_attempt_at: datetime | None = None
    claim_token: str | None = None
    claimed_until: datetime | None = None
    last_error: str | None = None
    created_at: datetime | None = None
    sent_at: datetime | None = None


@frozen
class Mail:
    """A mail the domain decided to send: its kind and the values it shows, as values
    (cents, naive-UTC datetimes, names), never formatted text. The outbox renders it
    (ports.mail.MailRenderer) as it stores it. A `decoy` is rendered all the same and
    stored as a decoy row (domain.mail.compose.decoy)."""

    kind: str
    recipient: str
    values: Mapping[str, Any]
    created_at: datetime
    user_id: int | None = None
    dedupe_key: str | None = None
    inline_images: tuple[Mapping[str, Any], ...] = ()
    decoy: bool = False


@frozen
class RenderedMail:
    """A mail's text as a person reads it: a one-line subject, plain text and HTML."""

    subject: str
    text: str
    html: str


def retry_delay(attempts: int) -> timedelta:
    """Exponential back-off after the `attempts`-th failed attempt: 30 s, 1 min, 2 min,
    ... capped at two hours."""
    delay = FIRST_RETRY * (2 ** min(max(attempts - 1, 0), 16))
    return min(delay, LAST_RETRY)


class MailError(Exception):
    """Delivery failed. `permanent`: the server refused the message itself (a bad
    recipient); retrying cannot help. Anything else (server down, authentication,
    timeouts) is retried with back-off."""

    def __init__(self, message: str, *, permanent: bool = False):
        super().__init__(message)
        self.permanent = permanent

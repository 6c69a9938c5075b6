"""What notifications are made of: the webhook endpoints an administrator registers,
the one Telegram setting, and the deliveries queued for both (table
`webhook_deliveries`: one row per message to one target, with its last attempt)."""

from __future__ import annotations

from datetime import datetime, timedelta

from attrs import field, frozen

# The events a notification can be about (README "Notifications"): stable dotted names.
EVENTS: tuple[str, ...] = (
    "user.created",
    "checkout.created",
    "checkout.paid",
    "checkout.review",
    "checkout.refunded",
    "checkout.abandoned",
    "subscription.activated",
    "subscription.expired",
    "withdrawal.requested",
    "age_assurance.document_submitted",
    # issue 25: automatic renewal
    "subscription.renewed",
    "subscription.past_due",
    "subscription.cancelled",
)
TEST_EVENT = "webhook.test"  # the admin page's "send a test event"; to one target only

# Channels of a delivery.
WEBHOOK = "webhook"
TELEGRAM = "telegram"

# Life of a delivery (as the mail outbox's).
PENDING = "pending"  # waiting for its next attempt
SENDING = "sending"  # claimed by a worker until `claimed_until`
SUCCEEDED = "succeeded"  # a 2xx answer
FAILED = "failed"  # out of attempts, refused (410, SSRF), or its target is gone
DELIVERY_STATUSES = (PENDING, SENDING, SUCCEEDED, FAILED)

# A worker owns what it claimed this long: a worker that dies mid-batch releases its
# deliveries to the others afterwards (each attempt times out in at most 60 s).
LEASE = timedelta(minutes=5)
# An endpoint failing for this long (every attempt since `failing_since`) is disabled.
FAILING_LIMIT = timedelta(days=5)
# A rotated secret keeps signing (beside the new one) this long.
ROTATION_OVERLAP = timedelta(hours=24)
# Standard Webhooks' schedule: seconds after the first attempt of each retry.
DEFAULT_RETRY_SCHEDULE: tuple[int, ...] = (5, 300, 1800, 7200, 18000, 36000, 50400, 72000, 86400)
EXCERPT_CHARS = 500  # how much of an answer the delivery log keeps
LOG_RETENTION = timedelta(days=60)  # settled deliveries older than this are deleted


@frozen
class WebhookEndpoint:
    """A URL that receives the chosen `events`, signed with `secret` (`whsec_…`; the
    core sees it in plain text, the database only sealed). During a rotation
    `previous_secret` signs too, until `previous_secret_until`."""

    id: int | None
    url: str
    events: list[str] = field(factory=list)
    description: str | None = None
    is_active: bool = True
    secret: str = field(default="", repr=False)
    previous_secret: str | None = field(default=None, repr=False)
    previous_secret_until: datetime | None = None
    failing_since: datetime | None = None  # first failure since the last success
    disabled_reason: str | None = None  # why the platform switched it off
    created_at: datetime | None = None
    updated_at: datetime | None = None

    def secrets_at(self, now: datetime) -> list[str]:
        """Every secret that signs a message sent at `now` (newest first)."""
        found = [self.secret]
        if (
            self.previous_secret
            and self.previous_secret_until is not None
            and now < self.previous_secret_until
        ):
            found.append(self.previous_secret)
        return found


@frozen
class TelegramSettings:
    """The one Telegram chat told of the chosen events (row id 1). `bot_token` is
    write-only: plain text in the core, sealed at rest."""

    id: int | None
    bot_token: str | None = field(default=None, repr=False)
    chat_id: str | None = None
    events: list[str] = field(factory=list)
    is_active: bool = False
    updated_at: datetime | None = None


@frozen
class Delivery:
    """One message to one target (an endpoint, or Telegram when `endpoint_id` is None).
    `message_id` is the `webhook-id`, the same for every attempt and for a resend;
    `body` the exact JSON sent. The last attempt's outcome is kept on the row."""

    id: int | None
    channel: str
    event: str
    message_id: str
    body: str
    endpoint_id: int | None = None
    status: str = PENDING
    attempts: int = 0
    first_attempt_at: datetime | None = None
    next_attempt_at: datetime | None = None
    claim_token: str | None = None
    claimed_until: datetime | None = None
    status_code: int | None = None
    duration_ms: int | None = None
    response_excerpt: str | None = None
    last_error: str | None = None
    created_at: datetime | None = None
    delivered_at: datetime | None = None


@frozen
class SendOutcome:
    """What one attempt gave: the HTTP status (None when no answer came), how long it
    took, the start of the answer, the error met, and a Retry-After in seconds.
    `refused`: the target may never be sent to (an address the SSRF guard refuses)."""

    status_code: int | None
    duration_ms: int = 0
    excerpt: str = ""
    error: str | None = None
    retry_after: int | None = None
    refused: bool = False

    @property
    def ok(self) -> bool:
        return self.status_code is not None and 200 <= self.status_code < 300

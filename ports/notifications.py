"""Notifications: where deliveries are queued and claimed, and the transports that send
them (a signed webhook POST; a Telegram Bot API sendMessage)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime
from typing import Any, Protocol

from domain.notifications.entities import Delivery, SendOutcome
from ports.repositories import Repository


class DeliveryRepository(Repository[Delivery], Protocol):
    def claim_due(
        self, now: datetime, claim_token: str, lease_until: datetime, limit: int
    ) -> list[Delivery]:
        """Claim up to `limit` deliveries due now (pending and due, or claimed by a
        worker whose lease ran out) for `claim_token` until `lease_until`, counting the
        attempt and stamping `first_attempt_at` on the first. Concurrent claimers never
        get the same delivery (PostgreSQL: FOR UPDATE SKIP LOCKED; SQLite: one writer)."""

    def settle(self, delivery_id: int, claim_token: str, changes: Mapping[str, Any]) -> bool:
        """Write `changes` to a delivery still claimed by `claim_token`; False when the
        claim was lost (its lease ran out and another worker took it)."""

    def purge(self, before: datetime) -> int:
        """Delete the settled (succeeded or failed) deliveries created before `before`;
        returns how many."""

    def forget(self, texts: Iterable[str]) -> int:
        """Erase every delivery whose body holds one of `texts` (a person's emails,
        case-insensitive; LGPD): the body keeps only its event type, answers are
        dropped, and what was still to send is never sent. Returns how many."""


class WebhookTransport(Protocol):
    def check_url(self, url: str) -> None:
        """Refuse (ValidationError on `url`) a URL we must never call: not https (http
        only when private targets are allowed), or a host that resolves to a loopback,
        private, link-local, metadata or otherwise non-public address."""

    def post(
        self, url: str, secrets: Sequence[str], message_id: str, timestamp: datetime, body: str
    ) -> SendOutcome:
        """POST `body` signed per Standard Webhooks v1 with every secret in `secrets`;
        the URL is checked again first (DNS may have changed) and redirects are not
        followed. Never raises for a network failure: the outcome says what happened."""


class TelegramTransport(Protocol):
    def send_message(self, bot_token: str, chat_id: str, text: str) -> SendOutcome:
        """The Bot API's sendMessage; never raises for a network failure."""

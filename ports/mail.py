"""Mail: the outbox the use cases write messages to (inside their unit of work), the
renderer that turns a Mail into text, and the Mailer that delivers them."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import Any, Protocol

from domain.mail.messages import Mail, OutboxMessage, RenderedMail
from ports.repositories import Repository


class Mailer(Protocol):
    def send(self, message: OutboxMessage, sender_name: str | None = None) -> None:
        """Deliver one message (plain text + HTML, inline images) from the configured
        address, under `sender_name` when given (the brand's); raise
        domain.mail.messages.MailError when it could not be handed over."""


class MailRenderer(Protocol):
    def render(self, kind: str, values: Mapping[str, Any]) -> RenderedMail:
        """The subject (one line), plain text and HTML of a mail of `kind` showing
        `values` (cents as money, datetimes in the configured time zone, text escaped in
        the HTML). Raises KeyError for an unknown kind, ValueError for a missing value."""


class OutboxRepository(Repository[OutboxMessage], Protocol):
    def enqueue(self, message: Mail | OutboxMessage) -> bool:
        """Store a message in the unit of work's transaction (a Mail rendered first by
        the outbox's MailRenderer); False (and nothing stored) when a message with its
        `dedupe_key` already exists."""

    def existing_keys(self, keys: Iterable[str]) -> set[str]:
        """Which of these dedupe keys are already taken."""

    def claim_due(
        self, now: datetime, claim_token: str, lease_until: datetime, limit: int
    ) -> list[OutboxMessage]:
        """Claim up to `limit` messages due now (pending and due, or claimed by a worker
        whose lease ran out) for `claim_token` until `lease_until`, counting the
        attempt. Concurrent claimers never get the same message (PostgreSQL: FOR
        UPDATE SKIP LOCKED; SQLite: one writer at a time)."""

    def renew(self, claim_token: str, lease_until: datetime) -> int:
        """Extend to `lease_until` the claim of `claim_token` on its messages still being
        sent; returns how many."""

    def settle(self, message_id: int, claim_token: str, changes: Mapping[str, Any]) -> bool:
        """Write `changes` to a message still claimed by `claim_token`; False when the
        claim was lost (the lease ran out and another worker took it)."""

    def purge_decoys(self, before: datetime) -> int:
        """Delete the decoy rows written before `before`; returns how many."""

    def forget_user(self, user_id: int, addresses: Iterable[str] = ()) -> int:
        """Erase the addresses and bodies of every message to `user_id`, and of every
        message to one of `addresses` (mails sent before the account existed or was
        linked: a guest checkout's), sent or not (LGPD)."""

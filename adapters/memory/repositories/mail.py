"""In-memory outbox (the store runs one transaction at a time: claiming is trivially
exclusive)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import Any

import attrs

from adapters.mail.rendering import default_renderer
from adapters.memory.repository import MemoryRepository
from domain.mail import compose
from domain.mail import messages as m
from domain.mail.messages import Mail, OutboxMessage
from ports.mail import MailRenderer


class MemoryOutboxRepository(MemoryRepository):
    def __init__(
        self, store, table: str, entity_cls: type, pk: str, *, renderer: MailRenderer | None = None
    ):
        super().__init__(store, table, entity_cls, pk)
        self.renderer = renderer or default_renderer()

    def enqueue(self, message: Mail | OutboxMessage) -> bool:
        if isinstance(message, Mail):
            message = compose.outbox_message(message, self.renderer)
        if message.dedupe_key is not None and self.existing_keys([message.dedupe_key]):
            return False
        self.add(message)
        return True

    def existing_keys(self, keys: Iterable[str]) -> set[str]:
        wanted = set(keys)
        return {msg.dedupe_key for msg in self._rows.values() if msg.dedupe_key in wanted}

    def claim_due(
        self, now: datetime, claim_token: str, lease_until: datetime, limit: int
    ) -> list[OutboxMessage]:
        due = [
            msg
            for msg in sorted(self._rows.values(), key=lambda x: x.id)
            if (msg.status == m.PENDING and msg.next_attempt_at <= now)
            or (
                msg.status == m.SENDING
                and msg.claimed_until is not None
                and msg.claimed_until < now
            )
        ][:limit]
        claimed = []
        for msg in due:
            msg = attrs.evolve(
                msg,
                status=m.SENDING,
                claim_token=claim_token,
                claimed_until=lease_until,
                attempts=msg.attempts + 1,
            )
            claimed.append(self.update(msg))
        return claimed

    def renew(self, claim_token: str, lease_until: datetime) -> int:
        mine = [
            msg
            for msg in self._rows.values()
            if msg.claim_token == claim_token and msg.status == m.SENDING
        ]
        for msg in mine:
            self.update(attrs.evolve(msg, claimed_until=lease_until))
        return len(mine)

    def settle(self, message_id: int, claim_token: str, changes: Mapping[str, Any]) -> bool:
        msg = self.get(message_id)
        if msg is None or msg.claim_token != claim_token:
            return False
        self.update(attrs.evolve(msg, **changes))
        return True

    def purge_decoys(self, before: datetime) -> int:
        doomed = [
            pk
            for pk, msg in self._rows.items()
            if msg.kind == m.DECOY and msg.created_at is not None and msg.created_at < before
        ]
        for pk in doomed:
            self.delete(pk)
        return len(doomed)

    def forget_user(self, user_id: int, addresses: Iterable[str] = ()) -> int:
        wanted = {address.casefold() for address in addresses}
        mine = [
            msg
            for msg in self._rows.values()
            if msg.user_id == user_id or (msg.recipient and msg.recipient.casefold() in wanted)
        ]
        for msg in mine:
            self.update(attrs.evolve(msg, **forgotten(msg)))
        return len(mine)


def forgotten(message: OutboxMessage) -> dict[str, Any]:
    """What erasure leaves of a message: kind, dates and status, nothing personal."""
    return {
        "recipient": "",
        "subject": "",
        "text_body": "",
        "html_body": "",
        "inline_images": [],
        "last_error": None,
        "status": m.FAILED if message.status in (m.PENDING, m.SENDING) else message.status,
    }

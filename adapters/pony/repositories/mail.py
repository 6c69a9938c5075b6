"""Pony outbox: claims in one UPDATE (PostgreSQL: the rows chosen FOR UPDATE SKIP
LOCKED, so concurrent workers on several app servers never claim the same message;
SQLite: the statement holds the one write lock)."""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import Any

from pony.orm import flush

from adapters.mail.rendering import default_renderer
from adapters.pony.raw_sql import sql_value
from adapters.pony.repository import PonyRepository
from domain.mail import compose
from domain.mail.messages import Mail, OutboxMessage
from ports.mail import MailRenderer

_COLUMNS = (
    "kind",
    "recipient",
    "subject",
    "text_body",
    "html_body",
    "inline_images",
    "dedupe_key",
    "user_id",
    "status",
    "attempts",
    "next_attempt_at",
    "claim_token",
    "claimed_until",
    "last_error",
    "created_at",
    "sent_at",
)
_SETTLEABLE = frozenset(
    {"status", "next_attempt_at", "claim_token", "claimed_until", "last_error", "sent_at"}
)

_CLAIM = """UPDATE mail_outbox
SET status = 'sending', claim_token = $token, claimed_until = $lease,
    attempts = attempts + 1
WHERE id IN (SELECT id FROM mail_outbox
             WHERE (status = 'pending' AND next_attempt_at <= $now)
                OR (status = 'sending' AND claimed_until < $now)
             ORDER BY id LIMIT $limit{lock})"""


class PonyOutboxRepository(PonyRepository):
    def __init__(
        self,
        pdb,
        attr: str,
        table: str,
        entity_cls: type,
        pk: str,
        *,
        renderer: MailRenderer | None = None,
    ):
        super().__init__(pdb, attr, table, entity_cls, pk)
        self.renderer = renderer or default_renderer()

    def _params(self, params: dict[str, Any]) -> dict[str, Any]:
        return {k: sql_value(v, self.pdb.dialect) for k, v in params.items()}

    def enqueue(self, message: Mail | OutboxMessage) -> bool:
        if isinstance(message, Mail):
            message = compose.outbox_message(message, self.renderer)
        if message.dedupe_key is None:
            self.add(message)
            return True
        flush()
        values = {c: getattr(message, c) for c in _COLUMNS}
        values["inline_images"] = json.dumps(values["inline_images"] or [])
        names = ", ".join(_COLUMNS)
        params = ", ".join(f"${c}" for c in _COLUMNS)
        cursor = self.db.execute(
            f"INSERT INTO mail_outbox ({names}) VALUES ({params}) "
            "ON CONFLICT (dedupe_key) DO NOTHING",
            self._params(values),
        )
        return cursor.rowcount > 0

    def existing_keys(self, keys: Iterable[str]) -> set[str]:
        wanted = list(dict.fromkeys(keys))
        found: set[str] = set()
        for start in range(0, len(wanted), 500):
            chunk = wanted[start : start + 500]
            rows = self.E.select("lambda e: e.dedupe_key in chunk", {"chunk": chunk})
            found.update(row.dedupe_key for row in rows)
        return found

    def claim_due(
        self, now: datetime, claim_token: str, lease_until: datetime, limit: int
    ) -> list[OutboxMessage]:
        flush()
        lock = " FOR UPDATE SKIP LOCKED" if self.pdb.dialect == "postgresql" else ""
        self.db.execute(
            _CLAIM.format(lock=lock),
            self._params({"token": claim_token, "lease": lease_until, "now": now, "limit": limit}),
        )
        rows = self.E.select(claim_token=claim_token).order_by(self.E.id)
        return [self.to_domain(row) for row in rows]

    def renew(self, claim_token: str, lease_until: datetime) -> int:
        flush()
        cursor = self.db.execute(
            "UPDATE mail_outbox SET claimed_until = $lease WHERE claim_token = $token "
            "AND status = 'sending'",
            self._params({"lease": lease_until, "token": claim_token}),
        )
        return cursor.rowcount

    def settle(self, message_id: int, claim_token: str, changes: Mapping[str, Any]) -> bool:
        unknown = set(changes) - _SETTLEABLE
        if unknown:
            raise ValueError(f"not settleable: {sorted(unknown)}")
        flush()
        assignments = ", ".join(f"{c} = $c_{c}" for c in changes)
        params = {f"c_{c}": v for c, v in changes.items()}
        cursor = self.db.execute(
            f"UPDATE mail_outbox SET {assignments} WHERE id = $id AND claim_token = $token",
            self._params({**params, "id": message_id, "token": claim_token}),
        )
        return cursor.rowcount > 0

    def purge_decoys(self, before: datetime) -> int:
        flush()
        cursor = self.db.execute(
            "DELETE FROM mail_outbox WHERE kind = 'decoy' AND created_at < $before",
            self._params({"before": before}),
        )
        return cursor.rowcount

    def forget_user(self, user_id: int, addresses: Iterable[str] = ()) -> int:
        flush()
        forget = (
            "UPDATE mail_outbox SET recipient = '', subject = '', text_body = '', "
            "html_body = '', inline_images = NULL, last_error = NULL, "
            "status = CASE WHEN status IN ('pending', 'sending') THEN 'failed' "
            "ELSE status END WHERE "
        )
        count = self.db.execute(forget + "user_id = $user_id", {"user_id": user_id}).rowcount
        for address in {address.casefold() for address in addresses}:
            count += self.db.execute(
                forget + "lower(recipient) = $address", {"address": address}
            ).rowcount
        return count

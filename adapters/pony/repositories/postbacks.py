"""Pony postbacks awaiting the worker: claimed in one UPDATE, as the mail outbox is
(PostgreSQL: the rows chosen FOR UPDATE SKIP LOCKED, so the workers of several app
servers never claim the same postback; SQLite: the statement holds the write lock)."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from adapters.pony.repositories.work_queue import PonyWorkQueue
from domain.payments.gateways import Postback

_SETTLEABLE = frozenset(
    {
        "status",
        "next_attempt_at",
        "claim_token",
        "claimed_until",
        "outcome",
        "last_error",
        "processed_at",
    }
)

_CLAIM = """UPDATE payment_postbacks
SET claim_token = $token, claimed_until = $lease, attempts = attempts + 1
WHERE id IN (SELECT id FROM payment_postbacks
             WHERE status = 'pending' AND next_attempt_at <= $now
               AND (claimed_until IS NULL OR claimed_until < $now)
             ORDER BY id LIMIT $limit{lock})"""


class PonyPostbackRepository(PonyWorkQueue):
    table = "payment_postbacks"
    claim_sql = _CLAIM
    settleable = _SETTLEABLE

    def claim_due(
        self, now: datetime, claim_token: str, lease_until: datetime, limit: int
    ) -> list[Postback]:
        return self._claim(now, claim_token, lease_until, limit)

    def settle(self, postback_id: int, claim_token: str, changes: Mapping[str, Any]) -> bool:
        return self._settle(postback_id, claim_token, changes)

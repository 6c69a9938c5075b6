"""Pony postbacks awaiting the worker: claimed in one UPDATE, as the mail outbox is
(PostgreSQL: the rows chosen FOR UPDATE SKIP LOCKED, so the workers of several app
servers never claim the same postback; SQLite: the statement holds the write lock)."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from pony.orm import flush

from adapters.pony.raw_sql import sql_value
from adapters.pony.repository import PonyRepository
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


class PonyPostbackRepository(PonyRepository):
    def _params(self, params: dict[str, Any]) -> dict[str, Any]:
        return {k: sql_value(v, self.pdb.dialect) for k, v in params.items()}

    def claim_due(
        self, now: datetime, claim_token: str, lease_until: datetime, limit: int
    ) -> list[Postback]:
        flush()
        lock = " FOR UPDATE SKIP LOCKED" if self.pdb.dialect == "postgresql" else ""
        self.db.execute(
            _CLAIM.format(lock=lock),
            self._params({"token": claim_token, "lease": lease_until, "now": now, "limit": limit}),
        )
        rows = self.E.select(claim_token=claim_token).order_by(self.E.id)
        return [self.to_domain(row) for row in rows]

    def settle(self, postback_id: int, claim_token: str, changes: Mapping[str, Any]) -> bool:
        unknown = set(changes) - _SETTLEABLE
        if unknown:
            raise ValueError(f"not settleable: {sorted(unknown)}")
        flush()
        assignments = ", ".join(f"{c} = $c_{c}" for c in changes)
        params = {f"c_{c}": v for c, v in changes.items()}
        cursor = self.db.execute(
            f"UPDATE payment_postbacks SET {assignments} WHERE id = $id AND claim_token = $token",
            self._params({**params, "id": postback_id, "token": claim_token}),
        )
        return cursor.rowcount > 0

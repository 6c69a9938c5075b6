"""What the background worker's queues (postbacks, outgoing notifications) share: claim
the due rows for one worker (SKIP LOCKED on PostgreSQL; SQLite has one writer), and
settle one row only while that worker's claim still holds it."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from pony.orm import flush

from adapters.pony.raw_sql import sql_value
from adapters.pony.repository import PonyRepository


class PonyWorkQueue(PonyRepository):
    # Set by each queue: its table, its claiming UPDATE (with a {lock} placeholder in its
    # subquery) and the columns a settlement may change.
    table: str = ""
    claim_sql: str = ""
    settleable: frozenset[str] = frozenset()

    def _params(self, params: dict[str, Any]) -> dict[str, Any]:
        return {k: sql_value(v, self.pdb.dialect) for k, v in params.items()}

    def _claim(self, now: datetime, claim_token: str, lease_until: datetime, limit: int) -> list:
        flush()
        lock = " FOR UPDATE SKIP LOCKED" if self.pdb.dialect == "postgresql" else ""
        self.db.execute(
            self.claim_sql.format(lock=lock),
            self._params({"token": claim_token, "lease": lease_until, "now": now, "limit": limit}),
        )
        rows = self.E.select(claim_token=claim_token).order_by(self.E.id)
        return [self.to_domain(row) for row in rows]

    def _settle(self, row_id: int, claim_token: str, changes: Mapping[str, Any]) -> bool:
        unknown = set(changes) - self.settleable
        if unknown:
            raise ValueError(f"not settleable: {sorted(unknown)}")
        flush()
        assignments = ", ".join(f"{c} = $c_{c}" for c in changes)
        params = {f"c_{c}": v for c, v in changes.items()}
        cursor = self.db.execute(
            f"UPDATE {self.table} SET {assignments} WHERE id = $id AND claim_token = $token",
            self._params({**params, "id": row_id, "token": claim_token}),
        )
        return cursor.rowcount > 0

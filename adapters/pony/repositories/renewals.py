"""Pony renewal charges. A period's renewal is inserted with ON CONFLICT DO NOTHING on
(subscription_id, period_start), so of concurrent job runners exactly one makes it
(and charges it); retries are claimed in one UPDATE, as the postbacks are (PostgreSQL:
FOR UPDATE SKIP LOCKED; SQLite: the statement holds the write lock)."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from pony.orm import flush

from adapters.pony.raw_sql import sql_value
from adapters.pony.repository import PonyRepository
from domain.payments.renewals import Renewal

_SETTLEABLE = frozenset(
    {
        "status",
        "attempts",
        "next_attempt_at",
        "claim_token",
        "claimed_until",
        "transaction_id",
        "last_error",
        "updated_at",
    }
)

_CLAIM = """UPDATE subscription_renewals
SET status = 'charging', claim_token = $token, claimed_until = $lease,
    attempts = attempts + 1, updated_at = $now
WHERE id IN (SELECT id FROM subscription_renewals
             WHERE status IN ('due', 'refused') AND next_attempt_at <= $now AND gateway = $gateway
               AND (claimed_until IS NULL OR claimed_until < $now)
             ORDER BY id LIMIT $limit{lock})"""


class PonyRenewalRepository(PonyRepository):
    def _params(self, params: dict[str, Any]) -> dict[str, Any]:
        return {k: sql_value(v, self.pdb.dialect) for k, v in params.items()}

    def open(self, renewal: Renewal) -> Renewal | None:
        flush()
        values = {
            name: getattr(self.E, name).converters[0].py2sql(getattr(renewal, name))
            for name in self._names
            if name != "id" and getattr(renewal, name) is not None
        }
        columns = ", ".join(values)
        params = ", ".join(f"$(values[{name!r}])" for name in values)
        cursor = self.db.execute(
            f"INSERT INTO {self.table} ({columns}) VALUES ({params}) "
            "ON CONFLICT (subscription_id, period_start) DO NOTHING",
            {"values": values},
        )
        if cursor.rowcount != 1:
            return None
        row = self.E.get(reference=renewal.reference)
        return self.to_domain(row)

    def claim_due(
        self, now: datetime, claim_token: str, lease_until: datetime, limit: int, gateway: str
    ) -> list[Renewal]:
        flush()
        lock = " FOR UPDATE SKIP LOCKED" if self.pdb.dialect == "postgresql" else ""
        self.db.execute(
            _CLAIM.format(lock=lock),
            self._params(
                {
                    "token": claim_token,
                    "lease": lease_until,
                    "now": now,
                    "limit": limit,
                    "gateway": gateway,
                }
            ),
        )
        rows = self.E.select(claim_token=claim_token, status="charging").order_by(self.E.id)
        return [self.to_domain(row) for row in rows]

    def settle(self, renewal_id: int, claim_token: str, changes: Mapping[str, Any]) -> bool:
        unknown = set(changes) - _SETTLEABLE
        if unknown:
            raise ValueError(f"not settleable: {sorted(unknown)}")
        flush()
        assignments = ", ".join(f"{c} = $c_{c}" for c in changes)
        params = {f"c_{c}": v for c, v in changes.items()}
        cursor = self.db.execute(
            f"UPDATE subscription_renewals SET {assignments} "
            "WHERE id = $id AND claim_token = $token",
            self._params({**params, "id": renewal_id, "token": claim_token}),
        )
        return cursor.rowcount > 0

    def lapse(self, now: datetime) -> int:
        flush()
        cursor = self.db.execute(
            "UPDATE subscription_renewals SET status = 'unconfirmed', updated_at = $now, "
            "last_error = 'the runner stopped during the charge' "
            "WHERE status = 'charging' AND claimed_until < $now",
            self._params({"now": now}),
        )
        return cursor.rowcount


class PonyCouponRepository(PonyRepository):
    def redeem(self, coupon_id: int) -> bool:
        # One conditional UPDATE: PostgreSQL re-checks the condition on the row it
        # waited for, SQLite has one writer: never more than max_redemptions.
        flush()
        cursor = self.db.execute(
            "UPDATE coupons SET times_redeemed = times_redeemed + 1 WHERE id = $id "
            "AND (max_redemptions IS NULL OR times_redeemed < max_redemptions)",
            {"id": coupon_id},
        )
        return cursor.rowcount == 1

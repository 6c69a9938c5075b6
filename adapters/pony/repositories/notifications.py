"""Pony notification tables: secrets sealed on the way in and opened on the way out
(adapters.secret_box), and the delivery queue claimed in one UPDATE (PostgreSQL: rows
chosen FOR UPDATE SKIP LOCKED, so workers on several app servers never claim the same
delivery; SQLite: the statement holds the one write lock)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import Any

import attrs
from pony.orm import flush

from adapters.pony.repositories.work_queue import PonyWorkQueue
from adapters.pony.repository import PonyRepository
from adapters.secret_box import opened, sealed
from domain.notifications.entities import Delivery
from ports.security import SecretBox

_SETTLEABLE = frozenset(
    {
        "status",
        "next_attempt_at",
        "claim_token",
        "claimed_until",
        "status_code",
        "duration_ms",
        "response_excerpt",
        "last_error",
        "delivered_at",
        "attempts",
    }
)

_CLAIM = """UPDATE webhook_deliveries
SET status = 'sending', claim_token = $token, claimed_until = $lease,
    attempts = attempts + 1, first_attempt_at = COALESCE(first_attempt_at, $now)
WHERE id IN (SELECT id FROM webhook_deliveries
             WHERE (status = 'pending' AND next_attempt_at <= $now)
                OR (status = 'sending' AND claimed_until < $now)
             ORDER BY id LIMIT $limit{lock})"""


class PonySealedRepository(PonyRepository):
    sealed_fields: tuple[str, ...] = ()

    def __init__(self, *args, secrets: SecretBox | None = None):
        super().__init__(*args)
        self.secrets = secrets

    def to_domain(self, row):
        entity = super().to_domain(row)
        return attrs.evolve(
            entity, **{f: opened(self.secrets, getattr(entity, f)) for f in self.sealed_fields}
        )

    def _values(self, entity):
        values = super()._values(entity)
        for name in self.sealed_fields:
            values[name] = sealed(self.secrets, values[name])
        return values


class PonyWebhookEndpointRepository(PonySealedRepository):
    sealed_fields = ("secret", "previous_secret")


class PonyTelegramSettingsRepository(PonySealedRepository):
    sealed_fields = ("bot_token",)


class PonyDeliveryRepository(PonyWorkQueue):
    table = "webhook_deliveries"
    claim_sql = _CLAIM
    settleable = _SETTLEABLE

    def claim_due(
        self, now: datetime, claim_token: str, lease_until: datetime, limit: int
    ) -> list[Delivery]:
        return self._claim(now, claim_token, lease_until, limit)

    def settle(self, delivery_id: int, claim_token: str, changes: Mapping[str, Any]) -> bool:
        return self._settle(delivery_id, claim_token, changes)

    def purge(self, before: datetime) -> int:
        flush()
        return self.db.execute(
            "DELETE FROM webhook_deliveries WHERE status IN ('succeeded', 'failed') "
            "AND created_at < $before",
            self._params({"before": before}),
        ).rowcount

    def forget(self, texts: Iterable[str]) -> int:
        flush()
        count = 0
        for text in {t.casefold() for t in texts if t}:
            pattern = "%" + text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
            count += self.db.execute(
                "UPDATE webhook_deliveries SET "
                'body = \'{"type":"\' || event || \'","data":{"forgotten":true}}\', '
                "response_excerpt = NULL, last_error = NULL, "
                "status = CASE WHEN status IN ('pending', 'sending') THEN 'failed' "
                "ELSE status END "
                "WHERE lower(body) LIKE $pattern ESCAPE '\\'",
                {"pattern": pattern},
            ).rowcount
        return count

"""In-memory notification tables: secrets sealed as the database keeps them, and the
delivery queue (the store runs one transaction at a time: claiming is exclusive)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import Any

import attrs

from adapters.memory.repository import MemoryRepository
from adapters.secret_box import opened, sealed
from domain.notifications import entities as n
from domain.notifications.entities import Delivery
from ports.security import SecretBox


class MemorySealedRepository(MemoryRepository):
    """Keeps the `sealed_fields` sealed (adapters.secret_box), opens them on the way out."""

    sealed_fields: tuple[str, ...] = ()

    def __init__(self, *args, secrets: SecretBox | None = None):
        super().__init__(*args)
        self.secrets = secrets

    def _out(self, row):
        if row is None:
            return None
        return attrs.evolve(
            row, **{f: opened(self.secrets, getattr(row, f)) for f in self.sealed_fields}
        )

    def _in(self, entity):
        return attrs.evolve(
            entity, **{f: sealed(self.secrets, getattr(entity, f)) for f in self.sealed_fields}
        )

    def get(self, pk):
        return self._out(super().get(pk))

    def get_many(self, pks):
        return [self._out(r) for r in super().get_many(pks)]

    def add(self, entity):
        return self._out(super().add(self._in(entity)))

    def update(self, entity):
        return self._out(super().update(self._in(entity)))

    def _select(self, filters, order_by):
        return [self._out(r) for r in super()._select(filters, order_by)]


class MemoryWebhookEndpointRepository(MemorySealedRepository):
    sealed_fields = ("secret", "previous_secret")


class MemoryTelegramSettingsRepository(MemorySealedRepository):
    sealed_fields = ("bot_token",)


class MemoryDeliveryRepository(MemoryRepository):
    def claim_due(
        self, now: datetime, claim_token: str, lease_until: datetime, limit: int
    ) -> list[Delivery]:
        due = [
            d
            for d in sorted(self._rows.values(), key=lambda x: x.id)
            if (
                d.status == n.PENDING and d.next_attempt_at is not None and d.next_attempt_at <= now
            )
            or (d.status == n.SENDING and d.claimed_until is not None and d.claimed_until < now)
        ][:limit]
        return [
            self.update(
                attrs.evolve(
                    d,
                    status=n.SENDING,
                    claim_token=claim_token,
                    claimed_until=lease_until,
                    attempts=d.attempts + 1,
                    first_attempt_at=d.first_attempt_at or now,
                )
            )
            for d in due
        ]

    def settle(self, delivery_id: int, claim_token: str, changes: Mapping[str, Any]) -> bool:
        found = self.get(delivery_id)
        if found is None or found.claim_token != claim_token:
            return False
        self.update(attrs.evolve(found, **changes))
        return True

    def purge(self, before: datetime) -> int:
        doomed = [
            pk
            for pk, d in self._rows.items()
            if d.status in (n.SUCCEEDED, n.FAILED)
            and d.created_at is not None
            and d.created_at < before
        ]
        for pk in doomed:
            self.delete(pk)
        return len(doomed)

    def forget(self, texts: Iterable[str]) -> int:
        wanted = [t.casefold() for t in texts if t]
        doomed = [d for d in self._rows.values() if any(t in d.body.casefold() for t in wanted)]
        for found in doomed:
            self.update(attrs.evolve(found, **forgotten(found)))
        return len(doomed)


def forgotten(delivery: Delivery) -> dict[str, Any]:
    """What erasure leaves of a delivery: its event, dates and outcome."""
    return {
        "body": forgotten_body(delivery.event),
        "response_excerpt": None,
        "last_error": None,
        "status": n.FAILED if delivery.status in (n.PENDING, n.SENDING) else delivery.status,
    }


def forgotten_body(event: str) -> str:
    return '{"type":"' + event + '","data":{"forgotten":true}}'

"""In-memory postbacks awaiting the worker (the store runs one transaction at a time:
claiming is trivially exclusive)."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

import attrs

from adapters.memory.repository import MemoryRepository
from domain.payments.gateways import POSTBACK_PENDING as PENDING
from domain.payments.gateways import Postback


class MemoryPostbackRepository(MemoryRepository):
    def claim_due(
        self, now: datetime, claim_token: str, lease_until: datetime, limit: int
    ) -> list[Postback]:
        due = [
            p
            for p in sorted(self._rows.values(), key=lambda x: x.id)
            if p.status == PENDING
            and p.next_attempt_at is not None
            and p.next_attempt_at <= now
            and (p.claimed_until is None or p.claimed_until < now)
        ][:limit]
        return [
            self.update(
                attrs.evolve(
                    p, claim_token=claim_token, claimed_until=lease_until, attempts=p.attempts + 1
                )
            )
            for p in due
        ]

    def settle(self, postback_id: int, claim_token: str, changes: Mapping[str, Any]) -> bool:
        postback = self.get(postback_id)
        if postback is None or postback.claim_token != claim_token:
            return False
        self.update(attrs.evolve(postback, **changes))
        return True

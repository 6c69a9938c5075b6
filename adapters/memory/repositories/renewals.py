"""In-memory renewal charges (the store runs one transaction at a time: opening and
claiming are trivially exclusive)."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

import attrs

from adapters.memory.repository import MemoryRepository
from domain.payments.renewals import CHARGEABLE, CHARGING, UNCONFIRMED, Renewal


class MemoryRenewalRepository(MemoryRepository):
    def open(self, renewal: Renewal) -> Renewal | None:
        if (
            self.first(
                {"subscription_id": renewal.subscription_id, "period_start": renewal.period_start}
            )
            is not None
        ):
            return None
        return self.add(renewal)

    def claim_due(
        self, now: datetime, claim_token: str, lease_until: datetime, limit: int, gateway: str
    ) -> list[Renewal]:
        due = [
            r
            for r in sorted(self._rows.values(), key=lambda x: x.id)
            if r.status in CHARGEABLE
            and r.gateway == gateway
            and r.next_attempt_at is not None
            and r.next_attempt_at <= now
            and (r.claimed_until is None or r.claimed_until < now)
        ][:limit]
        return [
            self.update(
                attrs.evolve(
                    r,
                    status=CHARGING,
                    claim_token=claim_token,
                    claimed_until=lease_until,
                    attempts=r.attempts + 1,
                    updated_at=now,
                )
            )
            for r in due
        ]

    def settle(self, renewal_id: int, claim_token: str, changes: Mapping[str, Any]) -> bool:
        renewal = self.get(renewal_id)
        if renewal is None or renewal.claim_token != claim_token:
            return False
        self.update(attrs.evolve(renewal, **changes))
        return True

    def lapse(self, now: datetime) -> int:
        stale = [
            r
            for r in self._rows.values()
            if r.status == CHARGING and r.claimed_until is not None and r.claimed_until < now
        ]
        for r in stale:
            self.update(
                attrs.evolve(
                    r,
                    status=UNCONFIRMED,
                    updated_at=now,
                    last_error="the runner stopped during the charge",
                )
            )
        return len(stale)


class MemoryCouponRepository(MemoryRepository):
    def redeem(self, coupon_id: int) -> bool:
        coupon = self.get(coupon_id)
        if coupon is None or (
            coupon.max_redemptions is not None and coupon.times_redeemed >= coupon.max_redemptions
        ):
            return False
        self.update(attrs.evolve(coupon, times_redeemed=coupon.times_redeemed + 1))
        return True

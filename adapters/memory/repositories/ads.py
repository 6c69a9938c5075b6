"""In-memory repositories of the ads area (the memory store runs one transaction at a
time, so plain read-modify-write is atomic here, and "locking" is a read)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from datetime import date, datetime
from typing import Any

import attrs

from adapters.memory.repository import MemoryRepository
from domain.ads.counting import VisitKey
from domain.ads.rules import EVENT_KINDS, Ad, AdEvent, is_servable, serving_order


class MemoryAdRepository(MemoryRepository):
    def update(self, entity: Ad) -> Ad:
        stored = self.get(entity.id)
        if stored is not None:  # the counters are not written by update
            entity = attrs.evolve(entity, impressions=stored.impressions, clicks=stored.clicks)
        return super().update(entity)

    def servable(self, placements: Sequence[str], now: datetime, limit: int) -> list[Ad]:
        best: dict[str, list[Ad]] = {p: [] for p in placements}
        for ad in self._rows.values():
            if ad.placement in best and is_servable(ad, now):
                best[ad.placement].append(ad)
        return [
            ad
            for ads in best.values()
            for ad in sorted(ads, key=serving_order, reverse=True)[:limit]
        ]

    def lock_for_tracking(self, ad_ids: Sequence[int], visitor: str | None = None) -> dict[int, Ad]:
        return {i: self._rows[i] for i in sorted(set(ad_ids)) if i in self._rows}

    def record_events(self, kind: str, events: Sequence[AdEvent]) -> int:
        if kind not in EVENT_KINDS:
            raise ValueError(f"unknown event kind {kind!r}")
        events = [e for e in events if e.ad_id in self._rows]
        for ad_id, count in Counter(e.ad_id for e in events if e.counted).items():
            ad = self._rows[ad_id]
            self._rows[ad_id] = attrs.evolve(ad, **{kind: getattr(ad, kind) + count})
        table = self._store.tables[kind]
        for event in events:
            new_id = self._store.next_id(kind)
            table[new_id] = attrs.evolve(event, id=new_id)
        return len(events)

    def record_all(self, events: Mapping[str, Sequence[AdEvent]]) -> int:
        return sum(self.record_events(kind, rows) for kind, rows in events.items() if rows)

    def top_by_ctr(self, limit: int, min_impressions: int = 1) -> list[Ad]:
        shown = [
            ad
            for ad in self._rows.values()
            if ad.impressions > 0 and ad.impressions >= min_impressions
        ]
        shown.sort(key=lambda ad: (ad.ctr, ad.impressions, ad.id), reverse=True)
        return shown[:limit]


class MemoryAdEventRepository(MemoryRepository):
    def counted_since(self, keys: Sequence[VisitKey], since: datetime) -> set[VisitKey]:
        wanted = set(keys)
        return {
            key
            for e in self._rows.values()
            if e.counted
            and e.created_at is not None
            and e.created_at >= since
            and (key := (e.ad_id, e.placement, e.ip, e.user_agent)) in wanted
        }

    def counted_per_ip_since(
        self, ad_ids: Sequence[int], ip_group: str, since: datetime
    ) -> dict[int, int]:
        wanted = set(ad_ids)
        return dict(
            Counter(
                e.ad_id
                for e in self._rows.values()
                if e.counted
                and e.ip_group == ip_group
                and e.ad_id in wanted
                and e.created_at is not None
                and e.created_at >= since
            )
        )

    def outcomes_by_day(
        self, ad_id: int, since: datetime, until: datetime
    ) -> dict[date, dict[str | None, int]]:
        days: dict[date, dict[str | None, int]] = {}
        for e in self._rows.values():
            if e.ad_id == ad_id and e.created_at is not None and since <= e.created_at < until:
                by_reason = days.setdefault(e.created_at.date(), {})
                reason = None if e.counted else e.filter_reason
                by_reason[reason] = by_reason.get(reason, 0) + 1
        return days

    def forget_visitors(self, before: datetime, batch: int) -> int:
        old: list[Any] = [
            pk
            for pk, e in sorted(self._rows.items())
            if e.created_at is not None
            and e.created_at < before
            and (e.ip is not None or e.user_agent is not None)
        ][:batch]
        for pk in old:
            self._rows[pk] = attrs.evolve(self._rows[pk], ip=None, user_agent=None, ip_group=None)
        return len(old)

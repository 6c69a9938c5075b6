"""In-memory repositories of the ads area (the memory store runs one transaction at a
time, so plain read-modify-write is atomic here)."""
from __future__ import annotations

from collections import Counter
from datetime import date, datetime
from typing import Any, Sequence

import attrs

from adapters.memory.repository import MemoryRepository
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
        return [ad for ads in best.values()
                for ad in sorted(ads, key=serving_order, reverse=True)[:limit]]

    def record_events(self, kind: str, events: Sequence[AdEvent]) -> int:
        if kind not in EVENT_KINDS:
            raise ValueError(f"unknown event kind {kind!r}")
        events = [e for e in events if e.ad_id in self._rows]
        for ad_id, count in Counter(e.ad_id for e in events).items():
            ad = self._rows[ad_id]
            self._rows[ad_id] = attrs.evolve(ad, **{kind: getattr(ad, kind) + count})
        table = self._store.tables[kind]
        for event in events:
            new_id = self._store.next_id(kind)
            table[new_id] = attrs.evolve(event, id=new_id)
        return len(events)


    def record_if_servable(self, kind: str, event: AdEvent, now: datetime) -> Ad | None:
        ad = self._rows.get(event.ad_id)
        if ad is None or not is_servable(ad, now):
            return None
        self.record_events(kind, [attrs.evolve(event, placement=event.placement or ad.placement)])
        return self._rows[ad.id]

    def top_by_ctr(self, limit: int) -> list[Ad]:
        shown = [ad for ad in self._rows.values() if ad.impressions > 0]
        shown.sort(key=lambda ad: (ad.ctr, ad.impressions, ad.id),
                   reverse=True)
        return shown[:limit]


class MemoryAdEventRepository(MemoryRepository):
    def count_by_day(self, ad_id: int, since: datetime, until: datetime) -> dict[date, int]:
        days: Counter[Any] = Counter(
            e.created_at.date() for e in self._rows.values()
            if e.ad_id == ad_id and e.created_at is not None and since <= e.created_at < until)
        return dict(days)

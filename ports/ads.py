"""Ports of the ads system."""
from __future__ import annotations

from datetime import date, datetime
from typing import Protocol, Sequence

from domain.ads.rules import Ad, AdEvent
from ports.repositories import Repository


class AdRepository(Repository[Ad], Protocol):
    """Table `ads`. Its counters (impressions, clicks) change only through
    `record_events`: `update` writes every other field and leaves them alone, so an
    admin edit never overwrites increments made meanwhile."""

    def servable(self, placements: Sequence[str], now: datetime, limit: int) -> list[Ad]:
        """In ONE query: the active ads of these placements whose schedule includes
        `now`, at most `limit` per placement (the best by priority desc, created_at desc,
        id desc; the caller orders them with `domain.ads.rules.select_ads`)."""

    def record_events(self, kind: str, events: Sequence[AdEvent]) -> int:
        """Add `events` to table `kind` ("impressions" or "clicks") and raise each ad's
        `kind` counter by its number of events, atomically in the database (concurrent
        calls lose nothing), in the caller's transaction. Events of ads that no longer
        exist are dropped; returns how many were recorded."""


    def record_if_servable(self, kind: str, event: AdEvent, now: datetime) -> Ad | None:
        """Record one event (as `record_events`) only if its ad is servable at `now`
        (`domain.ads.rules.is_servable`), in one statement where the database allows; returns
        the ad, or None when it does not exist or is not servable (nothing recorded).
        `event.placement` None means the ad's own placement."""

    def top_by_ctr(self, limit: int) -> list[Ad]:
        """In one query: the `limit` ads with the best lifetime CTR (clicks /
        impressions) among those shown at least once; ties by impressions, then newest
        id."""


class AdEventRepository(Repository[AdEvent], Protocol):
    """Table `impressions` or `clicks`."""

    def count_by_day(self, ad_id: int, since: datetime, until: datetime) -> dict[date, int]:
        """Events of `ad_id` with since <= created_at < until, counted per UTC day by
        the database (days without events are absent)."""


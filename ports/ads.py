"""Ports of the ads system."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date, datetime
from typing import Protocol

from domain.ads.counting import VisitKey
from domain.ads.rules import Ad, AdEvent
from ports.repositories import Repository


class BotDetector(Protocol):
    """Tells known bots and crawlers by their user agent."""

    def is_bot(self, user_agent: str) -> bool:
        """True when `user_agent` is a known bot, crawler, spider, headless browser or
        HTTP library."""


class AdRepository(Repository[Ad], Protocol):
    """Table `ads`. Its counters (impressions, clicks) change only through
    `record_events`/`record_all`: `update` writes every other field and leaves them
    alone, so an admin edit never overwrites increments made meanwhile."""

    def servable(self, placements: Sequence[str], now: datetime, limit: int) -> list[Ad]:
        """In ONE query: the active ads of these placements whose schedule includes
        `now`, at most `limit` per placement (the best by priority desc, created_at desc,
        id desc; the caller orders them with `domain.ads.rules.select_ads`)."""

    def lock_for_tracking(self, ad_ids: Sequence[int], visitor: str | None = None) -> dict[int, Ad]:
        """Start recording events in this unit of work: the ads of `ad_ids` that exist,
        by id. Units of work recording events of the same `visitor` (a key naming them:
        their address, `domain.ads.counting.ip_group`; None: no one) run one at a time
        from here to their end, so a repeat or cap lookup made after this call sees
        every event of that address committed before; others are not held up (the ads' rows are
        locked only by `record_all`, for its statement and the commit). Makes the unit
        of work a tracking transaction: on PostgreSQL its commit does not wait for the
        disk (README, "Ads": a database crash may lose the last fraction of a second of
        events, never half of one)."""

    def record_events(self, kind: str, events: Sequence[AdEvent]) -> int:
        """Add `events` to table `kind` ("impressions" or "clicks") and raise each ad's
        `kind` counter by its number of *counted* events, atomically in the database
        (concurrent calls lose nothing), in the caller's transaction. Events of ads that
        no longer exist are dropped; returns how many were recorded."""

    def record_all(self, events: Mapping[str, Sequence[AdEvent]]) -> int:
        """`record_events` for both kinds at once ({kind: events}), in one statement
        where the database allows."""

    def top_by_ctr(self, limit: int, min_impressions: int = 1) -> list[Ad]:
        """In one query: the `limit` ads with the best lifetime CTR (clicks /
        impressions, counted events only) among those with at least `min_impressions`
        impressions; ties by impressions, then newest id."""


class AdEventRepository(Repository[AdEvent], Protocol):
    """Table `impressions` or `clicks`."""

    def counted_since(self, keys: Sequence[VisitKey], since: datetime) -> set[VisitKey]:
        """In one query: those of `keys` (ad id, placement, IP, user agent) that have a
        counted event at or after `since` — the repeat lookup."""

    def counted_per_ip_since(
        self, ad_ids: Sequence[int], ip_group: str, since: datetime
    ) -> dict[int, int]:
        """In one query: for each of `ad_ids`, how many counted events with this
        `ip_group` were created at or after `since` (ads without any are absent) — the
        per-IP cap lookup."""

    def outcomes_by_day(
        self, ad_id: int, since: datetime, until: datetime
    ) -> dict[date, dict[str | None, int]]:
        """Events of `ad_id` with since <= created_at < until, counted per UTC day and
        filter reason (None: the counted ones) by the database; days without events
        are absent."""

    def forget_visitors(self, before: datetime, batch: int) -> int:
        """Clear the IP (and its ip_group) and user agent of at most `batch` events
        created before `before` that still hold either; returns how many were
        cleared."""

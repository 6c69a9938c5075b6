"""The collaborators of the ad use cases (wired once per process in
entrypoints/bootstrap.py), and the per-process cache of what was served.

How the cache behaves across app servers: each process keeps its own, and nothing is
shared or invalidated between them. An answer of GET /api/ads without tracking is
reused for at most `ttl` (0.5 s by default, never more than 1 s) and never past the
end_date of an ad it holds; so a pause, an edit or an end made through any server is
seen by every server within `ttl`, each refreshing on its own. Requests that record
impressions (track=true) never use it."""

from __future__ import annotations

from collections.abc import Hashable
from datetime import datetime, timedelta
from typing import Any

from attrs import field, frozen

from domain.ads.counting import IpCaps, RepeatWindows
from ports.ads import BotDetector
from ports.clock import Clock
from ports.security import Signer
from ports.unit_of_work import UnitOfWorkFactory

DEFAULT_CACHE_TTL = timedelta(milliseconds=500)
MAX_CACHE_TTL = timedelta(seconds=1)


class ServingCache:
    """Values by key, each usable from the moment it was stored until `ttl` later (or
    an earlier `until`). Bounded: when `max_entries` are held, it starts afresh. Safe
    to share between threads without a lock: every change replaces a whole entry or the
    whole table, and a lost race costs one more read of the database."""

    def __init__(self, ttl: timedelta = DEFAULT_CACHE_TTL, max_entries: int = 512):
        if not timedelta(0) <= ttl <= MAX_CACHE_TTL:
            raise ValueError(f"the serving cache keeps answers 0 to {MAX_CACHE_TTL}")
        self.ttl = ttl
        self.max_entries = max_entries
        self._entries: dict[Hashable, tuple[datetime, datetime, Any]] = {}

    def get(self, key: Hashable, now: datetime) -> Any | None:
        entry = self._entries.get(key)
        if entry is None:
            return None
        stored, until, value = entry
        # A clock that went back is treated like an expired entry.
        return value if stored <= now < until else None

    def put(self, key: Hashable, value: Any, now: datetime, until: datetime | None = None) -> None:
        """Keep `value` for `ttl`, or until just before `until` if that is earlier."""
        if not self.ttl:
            return
        expires = now + self.ttl if until is None else min(now + self.ttl, until)
        entries = self._entries
        if len(entries) >= self.max_entries and key not in entries:
            entries = self._entries = {}
        entries[key] = (now, expires, value)

    def clear(self) -> None:
        self._entries = {}


@frozen(kw_only=True)
class AdServices:
    """What serving and counting need: units of work, the clock, the signer of serve
    tokens, the bot detector, the repeat windows, the per-IP caps and this process's
    serving cache."""

    uow: UnitOfWorkFactory
    clock: Clock
    signer: Signer
    bots: BotDetector
    windows: RepeatWindows = RepeatWindows()
    caps: IpCaps = IpCaps()
    cache: ServingCache = field(factory=ServingCache)

"""Rate limiting: counters of events per key over moving windows, shared by every
process that uses the same storage (see adapters/rate_limits.py)."""

from __future__ import annotations

from typing import Protocol

from domain.common.rate_limits import Rate


class RateLimiter(Protocol):
    def hit(self, rate: Rate, key: str) -> int | None:
        """Count one event of `key` against `rate`. None when it fits; otherwise the
        event is not counted and the answer is the seconds until one would fit."""

    def wait(self, rate: Rate, key: str) -> int | None:
        """What `hit` would answer, without counting anything."""

    def reset(self, rate: Rate, key: str) -> None:
        """Forget the events of `key` under `rate`."""

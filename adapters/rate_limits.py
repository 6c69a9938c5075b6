"""The RateLimiter port on the `limits` library: moving windows in its memory storage
(one process: counters are not shared between gunicorn workers or app servers) or in
Redis (`redis://…`, `rediss://…`: shared by every worker and server using it).

A storage that fails (Redis unreachable) lets the request through and logs an ERROR:
a rate limiter must not take the login or the checkout down with it."""
from __future__ import annotations

import logging
import math
import time
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from limits import RateLimitItemPerSecond
from limits.storage import MemoryStorage, storage_from_string
from limits.strategies import MovingWindowRateLimiter

from domain.common.rate_limits import Rate

log = logging.getLogger("creatorflix.rate_limits")

DEFAULT_PREFIX = "creatorflix"
SCHEMES = ("memory", "redis", "rediss")


def split_prefix(url: str) -> tuple[str, str]:
    """(the storage URL without our `prefix` query parameter, that prefix)."""
    parts = urlsplit(url)
    query = parse_qsl(parts.query, keep_blank_values=True)
    prefix = dict(query).get("prefix") or DEFAULT_PREFIX
    rest = urlencode([(k, v) for k, v in query if k != "prefix"])
    return urlunsplit(parts._replace(query=rest)), prefix


class LimitsRateLimiter:
    """`url`: `memory://` or `redis://[:password@]host:port/db[?prefix=name]` (the
    prefix keeps deployments sharing one Redis apart; default `creatorflix`)."""

    def __init__(self, url: str = "memory://"):
        storage_url, prefix = split_prefix(url)
        scheme = urlsplit(storage_url).scheme
        if scheme not in SCHEMES:
            raise ValueError(f"unknown rate-limit storage {scheme!r}")
        self.storage: Any
        if scheme == "memory":
            self.storage = MemoryStorage()
        else:
            self.storage = storage_from_string(storage_url, key_prefix=prefix,
                                               socket_timeout=2, socket_connect_timeout=2)
        self.strategy = MovingWindowRateLimiter(self.storage)
        self.prefix = prefix

    def _item(self, rate: Rate) -> RateLimitItemPerSecond:
        return RateLimitItemPerSecond(rate.amount, rate.seconds, namespace=self.prefix)

    def _wait(self, item: RateLimitItemPerSecond, name: str, key: str) -> int | None:
        stats = self.strategy.get_window_stats(item, name, key)
        if stats.remaining > 0:
            return None
        return max(1, math.ceil(stats.reset_time - time.time()))

    def hit(self, rate: Rate, key: str) -> int | None:
        item = self._item(rate)
        try:
            if self.strategy.hit(item, rate.name, key):
                return None
            return self._wait(item, rate.name, key) or 1
        except Exception as exc:  # noqa: BLE001 - any storage failure: let it through
            log.error("rate-limit storage failed (%s); request let through", exc)
            return None

    def wait(self, rate: Rate, key: str) -> int | None:
        item = self._item(rate)
        try:
            return self._wait(item, rate.name, key)
        except Exception as exc:  # noqa: BLE001
            log.error("rate-limit storage failed (%s); request let through", exc)
            return None

    def reset(self, rate: Rate, key: str) -> None:
        try:
            self.storage.clear(self._item(rate).key_for(rate.name, key))
        except Exception as exc:  # noqa: BLE001
            log.error("rate-limit storage failed to clear a counter (%s)", exc)

"""The RateLimiter port on the `limits` library: moving windows in its memory storage
(one process: counters are not shared between gunicorn workers or app servers) or in
Redis (`redis://…`, `rediss://…`: shared by every worker and server using it).

Redis failing never opens the limits nor slows every request (issue 21): its socket
times out after REDIS_TIMEOUT (connect too; redis-py's retries are off), and when a call
fails every limit counts in this process's memory instead, as strictly as in Redis (but
per process), until Redis answers again. One request at most every PROBE_SECONDS tries
Redis again; the others do not wait for it. While degraded a warning is logged once a
minute at most, and `degraded` says so (/health/ready reports it). Counts made in
memory are not carried over to Redis on its return."""

from __future__ import annotations

import logging
import math
import threading
import time
from collections.abc import Callable
from typing import Any, TypeVar
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from limits import RateLimitItemPerSecond
from limits.storage import MemoryStorage, storage_from_string
from limits.strategies import MovingWindowRateLimiter

from domain.common.rate_limits import Rate

log = logging.getLogger("creatorflix.rate_limits")

T = TypeVar("T")

# Seconds Redis gets to connect or to answer one call before memory counting takes over.
REDIS_TIMEOUT = 0.1
# While degraded, Redis is tried again by one request at most this often (seconds).
PROBE_SECONDS = 5.0
# While degraded, the warning is repeated at most this often (seconds).
WARN_SECONDS = 60.0

DEFAULT_PREFIX = "creatorflix"
SCHEMES = ("memory", "redis", "rediss")


def split_prefix(url: str) -> tuple[str, str]:
    """(the storage URL without our `prefix` query parameter, that prefix)."""
    parts = urlsplit(url)
    query = parse_qsl(parts.query, keep_blank_values=True)
    prefix = dict(query).get("prefix") or DEFAULT_PREFIX
    rest = urlencode([(k, v) for k, v in query if k != "prefix"])
    return urlunsplit(parts._replace(query=rest)), prefix


def split_timeout(url: str) -> tuple[str, float | None]:
    """(the storage URL without our `timeout` query parameter, that timeout in seconds
    or None); ValueError unless it is a number of seconds above 0 and at most 5."""
    parts = urlsplit(url)
    query = parse_qsl(parts.query, keep_blank_values=True)
    raw = dict(query).get("timeout")
    rest = urlencode([(k, v) for k, v in query if k != "timeout"])
    if raw is None:
        return url, None
    try:
        timeout = float(raw)
    except ValueError:
        timeout = math.nan
    if not 0 < timeout <= 5:
        raise ValueError(f"timeout must be seconds above 0 and at most 5, got {raw!r}")
    return urlunsplit(parts._replace(query=rest)), timeout


class LimitsRateLimiter:
    """`url`: `memory://` or `redis://[:password@]host:port/db[?prefix=name][&timeout=s]`
    (the prefix keeps deployments sharing one Redis apart, default `creatorflix`; the
    timeout bounds each Redis call, default REDIS_TIMEOUT: raise it only where the
    machine may stall a process longer, e.g. an overloaded test runner)."""

    def __init__(
        self,
        url: str = "memory://",
        *,
        timeout: float = REDIS_TIMEOUT,
        probe_seconds: float = PROBE_SECONDS,
        clock: Callable[[], float] = time.monotonic,
    ):
        url, timeout_in_url = split_timeout(url)
        timeout = timeout_in_url or timeout
        storage_url, prefix = split_prefix(url)
        scheme = urlsplit(storage_url).scheme
        if scheme not in SCHEMES:
            raise ValueError(f"unknown rate-limit storage {scheme!r}")
        self.storage: Any
        self.shared = scheme != "memory"
        if not self.shared:
            self.storage = MemoryStorage()
        else:
            from redis.backoff import NoBackoff
            from redis.retry import Retry

            # redis-py 8 retries a timed-out call 3 times with a back-off of seconds:
            # no retries, the fallback answers instead.
            options: dict[str, Any] = {
                "socket_timeout": timeout,
                "socket_connect_timeout": timeout,
                "retry": Retry(NoBackoff(), 0),
            }
            self.storage = storage_from_string(storage_url, key_prefix=prefix, **options)
        self.strategy = MovingWindowRateLimiter(self.storage)
        self.prefix = prefix
        # The fallback: this process's memory, used while Redis fails.
        self.local = MovingWindowRateLimiter(MemoryStorage())
        self.probe_seconds, self.clock = probe_seconds, clock
        self._probing = threading.Lock()  # held by the one caller trying Redis again
        self._state = threading.Lock()  # guards the fields below
        self._degraded_since: float | None = None
        self._next_probe = 0.0
        self._warned_at = -math.inf
        self._failures = 0

    @property
    def degraded(self) -> bool:
        """Whether limits count in this process because Redis fails."""
        return self._degraded_since is not None

    def _item(self, rate: Rate) -> RateLimitItemPerSecond:
        return RateLimitItemPerSecond(rate.amount, rate.seconds, namespace=self.prefix)

    def _run(self, call: Callable[[MovingWindowRateLimiter], T]) -> T:
        """`call` on Redis, or on the memory fallback while Redis fails (see the module
        docstring): one caller at a time probes Redis once PROBE_SECONDS have passed."""
        if not self.shared:
            return call(self.strategy)
        if self._degraded_since is not None:
            now = self.clock()
            if now < self._next_probe or not self._probing.acquire(blocking=False):
                return call(self.local)
            try:  # this caller probes; the others keep counting in memory meanwhile
                self._next_probe = now + self.probe_seconds
                result = call(self.strategy)
            except Exception as exc:  # noqa: BLE001 - Redis still fails
                self._failed(exc)
                return call(self.local)
            finally:
                self._probing.release()
            log.warning(
                "rate-limit storage answers again after %.0f s; limits are shared again",
                now - self._degraded_since,
            )
            self._degraded_since = None
            return result
        try:
            return call(self.strategy)
        except Exception as exc:  # noqa: BLE001 - any storage failure: count in memory
            self._failed(exc)
            return call(self.local)

    def _failed(self, exc: Exception) -> None:
        now = self.clock()
        with self._state:
            if self._degraded_since is None:
                self._degraded_since = now
                self._next_probe = now + self.probe_seconds
            self._failures += 1
            if now - self._warned_at < WARN_SECONDS:
                return
            self._warned_at, failures, self._failures = now, self._failures, 0
        log.warning(
            "rate-limit storage failed (%s: %s); every limit counts in this "
            "process until it answers (%d failure(s) since the last warning)",
            type(exc).__name__,
            exc,
            failures,
        )

    @staticmethod
    def _wait(
        strategy: MovingWindowRateLimiter, item: RateLimitItemPerSecond, name: str, key: str
    ) -> int | None:
        stats = strategy.get_window_stats(item, name, key)
        if stats.remaining > 0:
            return None
        return max(1, math.ceil(stats.reset_time - time.time()))

    def hit(self, rate: Rate, key: str) -> int | None:
        item = self._item(rate)

        def call(strategy: MovingWindowRateLimiter) -> int | None:
            if strategy.hit(item, rate.name, key):
                return None
            return self._wait(strategy, item, rate.name, key) or 1

        return self._run(call)

    def wait(self, rate: Rate, key: str) -> int | None:
        item = self._item(rate)
        return self._run(lambda strategy: self._wait(strategy, item, rate.name, key))

    def reset(self, rate: Rate, key: str) -> None:
        item_key = self._item(rate).key_for(rate.name, key)
        self.local.storage.clear(item_key)  # both: a count may sit in either
        if self.shared:
            self._run(lambda strategy: strategy.storage.clear(item_key))

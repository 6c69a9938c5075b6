"""A slow or failing gateway never starves the server: every call to a gateway's API goes
through one GatewayGuard, a bulkhead (at most `concurrency` calls at once in this
process; a caller that cannot get a slot within `wait` seconds is refused at once) and a
circuit breaker per gateway (after `threshold` consecutive timeouts or server failures
it refuses calls for `reset_after` seconds, then lets one trial call through).

Measured before (issue 21): with JunglePay answering after 20 s, 24 checkouts held every
thread of a server and `/health` took 9.6 s median. A refused call raises GatewayBusy
(503 with Retry-After): the charge was never sent, so a retry cannot charge twice."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from typing import TypeVar

from domain.common.errors import GatewayBusy, GatewayRejected, PaymentRefused, ServiceUnavailable
from domain.payments.gateways import (
    CIRCUIT_CLOSED,
    CIRCUIT_HALF_OPEN,
    CIRCUIT_OPEN,
    Charge,
    ChargeRequest,
    CircuitView,
    SavedCardCharge,
    Transaction,
)
from ports.payments import PaymentGateway

log = logging.getLogger("creatorflix.payments")

T = TypeVar("T")

FAILURE_THRESHOLD = 5  # consecutive timeouts or 5xx that open the circuit
RESET_AFTER_SECONDS = 30.0  # open this long, then one trial call (half-open)
SLOT_WAIT_SECONDS = 1.0  # how long a call may wait for a free slot of the bulkhead
SLOW_CALL_SECONDS = 1.0  # a call under way this long means the gateway is stalling

BUSY = (
    "O meio de pagamento está sobrecarregado no momento. Tente de novo em alguns "
    "segundos; nada foi cobrado."
)
CIRCUIT_IS_OPEN = (
    "O meio de pagamento não está respondendo. Tente de novo em alguns segundos; nada foi cobrado."
)


class CircuitBreaker:
    """Closed (calls go through) -> open after `threshold` consecutive failures (calls
    refused) -> half-open after `reset_after` s (one trial call; its success closes the
    circuit, its failure opens it again)."""

    def __init__(
        self,
        name: str,
        *,
        threshold: int = FAILURE_THRESHOLD,
        reset_after: float = RESET_AFTER_SECONDS,
        monotonic: Callable[[], float] = time.monotonic,
        wall: Callable[[], float] = time.time,
    ):
        self.name = name
        self.threshold = threshold
        self.reset_after = reset_after
        self._monotonic, self._wall = monotonic, wall
        self._lock = threading.Lock()
        self._failures = 0
        self._opened_at: float | None = None  # monotonic
        self._opened_wall: float | None = None
        self._trial = False  # a half-open trial call is under way

    def _state(self) -> str:
        if self._opened_at is None:
            return CIRCUIT_CLOSED
        if self._monotonic() - self._opened_at < self.reset_after:
            return CIRCUIT_OPEN
        return CIRCUIT_HALF_OPEN

    def allow(self) -> bool:
        """Whether a call may go out now (in half-open, only the one trial call)."""
        with self._lock:
            state = self._state()
            if state == CIRCUIT_CLOSED:
                return True
            if state == CIRCUIT_HALF_OPEN and not self._trial:
                self._trial = True
                return True
            return False

    def succeeded(self) -> None:
        with self._lock:
            if self._opened_at is not None:
                log.warning("gateway %s answers again: circuit closed", self.name)
            self._failures, self._opened_at, self._opened_wall = 0, None, None
            self._trial = False

    def failed(self) -> None:
        with self._lock:
            self._failures += 1
            reopen = self._trial or (self._opened_at is None and self._failures >= self.threshold)
            self._trial = False
            if reopen:
                self._opened_at, self._opened_wall = self._monotonic(), self._wall()
                log.error(
                    "gateway %s failed %s time(s) in a row: circuit open for %.0f s",
                    self.name,
                    self._failures,
                    self.reset_after,
                )

    def release_trial(self) -> None:
        """The trial call never went out: the next caller may make it."""
        with self._lock:
            self._trial = False

    def view(self) -> CircuitView:
        with self._lock:
            state = self._state()
            until = None if self._opened_wall is None else self._opened_wall + self.reset_after
        return CircuitView(
            state=state,
            consecutive_failures=self._failures,
            open_until=until if state == CIRCUIT_OPEN else None,
        )


class Bulkhead:
    """At most `slots` gateway calls at once in this process. A caller waits at most
    `wait` seconds for a slot. While the gateway is slow (a call under way for longer
    than `slow_after` s), only `max_waiting` callers may wait and the others are refused
    at once: the threads left over (half the server's, by default) keep serving other
    routes however many checkouts arrive during a stall (measured: with every caller
    waiting its second, 22 refused checkouts held `GET /api/plans` for 10 s). A burst of
    quick calls simply queues."""

    def __init__(
        self,
        slots: int,
        wait: float = SLOT_WAIT_SECONDS,
        max_waiting: int | None = None,
        slow_after: float = SLOW_CALL_SECONDS,
        monotonic: Callable[[], float] = time.monotonic,
    ):
        self.slots = max(1, slots)
        self.wait = wait
        self.max_waiting = max(1, self.slots // 2) if max_waiting is None else max_waiting
        self.slow_after = slow_after
        self._monotonic = monotonic
        self._semaphore = threading.BoundedSemaphore(self.slots)
        self._lock = threading.Lock()
        self._waiting = 0
        self._started: list[float] = []  # when each call under way got its slot

    def acquire(self) -> float | None:
        """A slot: the token to give back to `release` (None: refused)."""
        if not self._semaphore.acquire(blocking=False):
            with self._lock:
                stalled = (
                    bool(self._started) and self._monotonic() - min(self._started) > self.slow_after
                )
                if stalled and self._waiting >= self.max_waiting:
                    return None
                self._waiting += 1
            try:
                if not self._semaphore.acquire(timeout=self.wait):
                    return None
            finally:
                with self._lock:
                    self._waiting -= 1
        started = self._monotonic()
        with self._lock:
            self._started.append(started)
        return started

    def release(self, slot: float) -> None:
        with self._lock:
            self._started.remove(slot)
        self._semaphore.release()


class GatewayGuard:
    """One bulkhead for every gateway call of the process, one breaker per gateway."""

    def __init__(
        self,
        concurrency: int,
        *,
        wait: float = SLOT_WAIT_SECONDS,
        threshold: int = FAILURE_THRESHOLD,
        reset_after: float = RESET_AFTER_SECONDS,
    ):
        self.bulkhead = Bulkhead(concurrency, wait)
        self._threshold, self._reset_after = threshold, reset_after
        self._breakers: dict[str, CircuitBreaker] = {}
        self._lock = threading.Lock()

    def breaker(self, gateway: str) -> CircuitBreaker:
        with self._lock:
            if gateway not in self._breakers:
                self._breakers[gateway] = CircuitBreaker(
                    gateway, threshold=self._threshold, reset_after=self._reset_after
                )
            return self._breakers[gateway]

    def circuits(self) -> dict[str, CircuitView]:
        with self._lock:
            breakers = dict(self._breakers)
        return {name: b.view() for name, b in breakers.items()}

    def call(self, gateway: str, action: Callable[[], T]) -> T:
        """Run `action` (one call to `gateway`'s API) inside the bulkhead and breaker.
        GatewayBusy when refused (nothing was sent); a ServiceUnavailable the call
        raises (timeout, 5xx, unreachable) counts against the breaker."""
        breaker = self.breaker(gateway)
        if not breaker.allow():
            raise GatewayBusy(CIRCUIT_IS_OPEN, code="gateway_circuit_open")
        slot = self.bulkhead.acquire()
        if slot is None:
            breaker.release_trial()
            log.warning(
                "gateway %s: no free slot within %.1f s (%s calls under way)",
                gateway,
                self.bulkhead.wait,
                self.bulkhead.slots,
            )
            raise GatewayBusy(BUSY)
        try:
            result = action()
        except (PaymentRefused, GatewayRejected):
            breaker.succeeded()  # it answered: a refused card, a rejected request
            raise
        except ServiceUnavailable:
            breaker.failed()
            raise
        except BaseException:
            breaker.release_trial()
            raise
        finally:
            self.bulkhead.release(slot)
        breaker.succeeded()
        return result


class GuardedGateway:
    """The PaymentGateway port, every call through the guard."""

    def __init__(self, name: str, inner: PaymentGateway, guard: GatewayGuard):
        self._name, self._inner, self._guard = name, inner, guard

    def __repr__(self) -> str:
        return f"GuardedGateway({self._inner!r})"

    def create_charge(self, request: ChargeRequest) -> Charge:
        return self._guard.call(self._name, lambda: self._inner.create_charge(request))

    def get_transaction(self, external_id: str) -> Transaction | None:
        return self._guard.call(self._name, lambda: self._inner.get_transaction(external_id))

    def charge_saved_card(self, request: SavedCardCharge) -> Charge:
        # Only JunglePay keeps cards (domain.payments.saved_cards.charges_saved_cards
        # chooses it); another gateway refuses before anything is sent.
        charge = getattr(self._inner, "charge_saved_card", None)
        if charge is None:
            raise ServiceUnavailable(f"{self._name} charges no saved card")
        return self._guard.call(self._name, lambda: charge(request))

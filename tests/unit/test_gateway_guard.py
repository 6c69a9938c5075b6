"""The guard around gateway calls (adapters/payments/guard.py): the circuit breaker's
states and the bulkhead's refusals, on a gateway stand-in that fails as told."""

from __future__ import annotations

import threading

import pytest

from adapters.payments.guard import Bulkhead, CircuitBreaker, GatewayGuard
from domain.common.errors import GatewayBusy, GatewayTimeout, PaymentRefused, ServiceUnavailable
from tests.support.concurrency import at_once


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def fail(exc: Exception):
    def action():
        raise exc

    return action


def guard_with(clock: Clock, threshold: int = 3) -> GatewayGuard:
    guard = GatewayGuard(2, threshold=threshold, reset_after=30)
    guard._breakers["junglepay"] = CircuitBreaker(
        "junglepay", threshold=threshold, reset_after=30, monotonic=clock, wall=clock
    )
    return guard


def test_consecutive_failures_open_the_circuit_which_then_refuses_without_calling():
    clock, calls = Clock(), []
    guard = guard_with(clock)
    for _ in range(3):
        with pytest.raises(GatewayTimeout):
            guard.call("junglepay", fail(GatewayTimeout("slow")))
    view = guard.circuits()["junglepay"]
    assert (view.state, view.consecutive_failures, view.open_until) == ("open", 3, 1030.0)
    with pytest.raises(GatewayBusy) as refused:
        guard.call("junglepay", lambda: calls.append(1))
    assert calls == [] and refused.value.code == "gateway_circuit_open"


def test_an_answer_resets_the_count_a_refused_card_included():
    guard = guard_with(Clock())
    for _ in range(2):
        with pytest.raises(ServiceUnavailable):
            guard.call("junglepay", fail(ServiceUnavailable("500")))
    with pytest.raises(PaymentRefused):
        guard.call("junglepay", fail(PaymentRefused("declined")))
    with pytest.raises(ServiceUnavailable):
        guard.call("junglepay", fail(ServiceUnavailable("500")))
    assert guard.circuits()["junglepay"].state == "closed"


def test_after_thirty_seconds_one_trial_call_closes_or_reopens_the_circuit():
    clock = Clock()
    guard = guard_with(clock, threshold=1)
    with pytest.raises(ServiceUnavailable):
        guard.call("junglepay", fail(ServiceUnavailable("500")))
    clock.now += 30
    assert guard.circuits()["junglepay"].state == "half_open"
    with pytest.raises(ServiceUnavailable):  # the trial fails: open for 30 s more
        guard.call("junglepay", fail(ServiceUnavailable("500")))
    assert guard.circuits()["junglepay"].state == "open"
    clock.now += 30
    assert guard.call("junglepay", lambda: "ok") == "ok"
    assert guard.circuits()["junglepay"].state == "closed"


def test_half_open_lets_only_one_trial_through_at_a_time():
    clock = Clock()
    breaker = CircuitBreaker("junglepay", threshold=1, reset_after=30, monotonic=clock, wall=clock)
    breaker.failed()
    clock.now += 31
    assert breaker.allow() and not breaker.allow()
    breaker.release_trial()  # the trial never went out (no bulkhead slot)
    assert breaker.allow()


def test_a_full_bulkhead_refuses_after_its_wait_and_beyond_its_waiting_room_at_once():
    clock = Clock()
    bulkhead = Bulkhead(2, wait=0.05, max_waiting=1, slow_after=1.0, monotonic=clock)
    slots = [bulkhead.acquire(), bulkhead.acquire()]
    assert None not in slots
    assert bulkhead.acquire() is None  # waited 0.05 s, no slot came free
    clock.now += 2  # the calls under way are slow: a stall
    entered = threading.Event()
    results = []

    def waiter():
        entered.set()
        results.append(bulkhead.acquire())

    bulkhead.wait = 5.0
    thread = threading.Thread(target=waiter)
    thread.start()
    entered.wait()
    while bulkhead._waiting == 0:
        pass
    assert bulkhead.acquire() is None  # the waiting room is full: refused at once
    bulkhead.release(slots[0])
    thread.join()
    assert results == [clock.now]


def test_a_burst_of_quick_calls_queues_instead_of_being_refused():
    guard = GatewayGuard(1, wait=5.0)
    results = at_once(8, lambda i: guard.call("junglepay", lambda: i))
    assert results == list(range(8))


def test_a_refused_call_never_reaches_the_gateway_and_frees_nothing():
    guard = GatewayGuard(1, wait=0.01)
    guard.bulkhead.slow_after = 0.0
    release, calls = threading.Event(), []
    busy = threading.Thread(target=guard.call, args=("junglepay", release.wait))
    busy.start()
    while not guard.bulkhead._started:  # the slot is taken
        pass
    with pytest.raises(GatewayBusy) as refused:
        guard.call("junglepay", lambda: calls.append(1))
    release.set()
    busy.join()
    assert calls == [] and "nada foi cobrado" in refused.value.message
    assert guard.call("junglepay", lambda: 7) == 7

"""The rate-limit tests' harness: a clock the `limits` library and our adapter read
(moved by the test, never by waiting), the account under attack, and the 429 check."""

from __future__ import annotations

import types

import pytest

from adapters import rate_limits as adapter
from tests.support.api import assert_error

PASSWORD = "the owner's password"


class MovingClock:
    def __init__(self) -> None:
        self.now = 1_800_000_000.0

    def time(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


@pytest.fixture
def moving_clock(monkeypatch) -> MovingClock:
    import limits.storage.memory as memory
    import limits.strategies as strategies

    clock = MovingClock()
    fake = types.SimpleNamespace(time=clock.time)
    for module in (memory, strategies, adapter):
        monkeypatch.setattr(module, "time", fake)
    return clock


def assert_429(result) -> int:
    assert_error(result, 429, "too_many_requests")
    wait = int(result.headers["retry-after"])
    assert wait >= 1
    return wait

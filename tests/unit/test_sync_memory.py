"""The sync use case on the in-memory adapters, under random buckets and a crash at a
random commit: the next run always leaves the catalogue a fresh sync would build."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from adapters.clock import FakeClock
from adapters.memory.unit_of_work import MemoryStore
from tests.support.backends import Backend
from tests.support.fake_storage import FakeStorage
from tests.support.whitelabel import CrashingUow, buckets, catalogue_view, run_sync


def fresh_view(bucket, clock) -> tuple:
    store = Backend("memory", MemoryStore())
    run_sync(store, FakeStorage(bucket), clock, allow_mass_delete=True)
    return catalogue_view(store)


@settings(max_examples=80, deadline=None)
@given(before=buckets, after=buckets, crash_at=st.integers(2, 30), size=st.integers(1, 3))
def test_a_crashed_sync_converges_on_the_next_run(before, after, crash_at, size):
    clock = FakeClock()
    backend = Backend("memory", MemoryStore())
    run_sync(backend, FakeStorage(before), clock, allow_mass_delete=True)
    crashing = CrashingUow(backend.uow, crash_at)
    try:
        run_sync(
            backend,
            FakeStorage(after),
            clock,
            uow=crashing,
            batch_size=size,
            allow_mass_delete=True,
        )
    except RuntimeError as exc:
        assert str(exc) == "power cut"
    run = run_sync(backend, FakeStorage(after), clock, allow_mass_delete=True)
    assert run.status == "succeeded"
    assert catalogue_view(backend) == fresh_view(after, clock)
    again = run_sync(backend, FakeStorage(after), clock)
    assert again.report["write_statements"] == 0


def test_the_crashing_unit_of_work_does_crash():
    backend = Backend("memory", MemoryStore())
    with pytest.raises(RuntimeError, match="power cut"):
        run_sync(
            backend,
            FakeStorage({"a/p/x.jpg": (1, "e")}),
            FakeClock(),
            uow=CrashingUow(backend.uow, 2),
        )
    assert catalogue_view(backend) == ({}, {}, {})

"""Postbacks settled by the background worker (domain.payments.postbacks), on the memory
unit of work: what is due is claimed once, a failure waits its back-off, and after
MAX_ATTEMPTS the postback is given up (logged for a human)."""

from __future__ import annotations

import logging
from datetime import timedelta

from domain.common.errors import GatewayBusy, ServiceUnavailable
from domain.payments import postbacks
from domain.payments.settlement import Outcome
from tests.support.deps import deps_for


def rows(deps) -> list:
    with deps.uow() as uow:
        return list(uow.postbacks.find(order_by=["id"]).items)


def test_retry_delays_double_from_five_seconds_up_to_half_an_hour():
    assert [postbacks.retry_delay(n).total_seconds() for n in (1, 2, 3, 4)] == [5, 10, 20, 40]
    assert postbacks.retry_delay(30) == timedelta(minutes=30)


def test_a_due_postback_is_settled_once_and_kept_with_its_outcome(memory_backend, config, clock):
    deps = deps_for(memory_backend, config, clock)
    svc = deps.payments_service
    assert postbacks.record(svc, "junglepay", "1001", "7").status == "queued"
    seen = []

    def settle(_, postback):
        seen.append((postback.external_id, postback.checkout_ref, postback.attempts))
        return Outcome("processed", 7)

    report = postbacks.settle_due(svc, settle)
    assert (report.claimed, [o.status for o in report.outcomes]) == (1, ["processed"])
    assert postbacks.settle_due(svc, settle).claimed == 0
    assert seen == [("1001", "7", 1)]
    [row] = rows(deps)
    assert (row.status, row.outcome, row.claim_token, row.processed_at) == (
        "done",
        "processed",
        None,
        clock.now(),
    )


def test_a_failing_read_back_waits_its_back_off_and_is_given_up_at_last(
    memory_backend, config, clock, caplog
):
    deps = deps_for(memory_backend, config, clock)
    svc = deps.payments_service
    postbacks.record(svc, "junglepay", "1001", None)
    failures = iter([GatewayBusy("busy")] + [ServiceUnavailable("down")] * 20)

    def settle(_, postback):
        raise next(failures)

    assert postbacks.settle_due(svc, settle).claimed == 1
    [row] = rows(deps)
    assert (row.status, row.attempts, row.next_attempt_at) == (
        "pending",
        1,
        clock.now() + timedelta(seconds=5),
    )
    assert postbacks.settle_due(svc, settle).claimed == 0  # not due yet
    with caplog.at_level(logging.ERROR):
        for _ in range(postbacks.MAX_ATTEMPTS):
            clock.advance(hours=1)
            postbacks.settle_due(svc, settle)
    [row] = rows(deps)
    assert (row.status, row.attempts, row.last_error) == ("failed", postbacks.MAX_ATTEMPTS, "down")
    assert any("given up" in r.getMessage() for r in caplog.records)

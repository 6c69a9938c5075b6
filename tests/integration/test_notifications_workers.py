"""Several workers (threads here; processes and app servers alike share the database)
deliver one queue on PostgreSQL and SQLite: every attempt is sent exactly once."""

from __future__ import annotations

from collections import Counter

from adapters.clock import FakeClock, utcnow
from domain.notifications import delivery
from domain.notifications import entities as n
from tests.support.concurrency import at_once
from tests.support.notifications import (
    SALE,
    deliveries,
    make_notifier,
    queue,
    receiver,  # noqa: F401 (fixture)
    register,
)

MESSAGES = 24


def test_two_workers_send_each_attempt_once(pony_backend, receiver):
    clock = FakeClock(utcnow())
    notifier = make_notifier(pony_backend, clock, schedule=(0,))
    register(notifier, receiver)
    # Every message fails once, then succeeds: two attempts each, and the workers race
    # on the retries too.
    receiver.first_answer = 500
    for i in range(MESSAGES):
        queue(notifier, "checkout.paid", {**SALE, "checkout_id": i})

    def work(_: int) -> int:
        sent = 0
        for _round in range(20):
            report = delivery.deliver_due(notifier, limit=3)
            sent += report.sent
        return sent

    sent = at_once(2, work)
    assert sum(sent) == MESSAGES
    per_id = Counter(r.message_id for r in receiver.received)
    assert len(per_id) == MESSAGES and set(per_id.values()) == {2}
    assert {d.status for d in deliveries(notifier)} == {n.SUCCEEDED}
    assert {d.attempts for d in deliveries(notifier)} == {2}

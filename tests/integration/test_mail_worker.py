"""The delivery thread: under the real server (`creatorflix serve`, as `make run` starts
it) a mail leaves with no other command; the thread itself stops when asked; a refund
notice from the gateway closes a withdrawal request."""

from __future__ import annotations

import json
import time
import urllib.request
from datetime import timedelta

from adapters.clock import FakeClock
from domain.mail import compose
from domain.payments import settlement
from domain.payments.gateways import SANDBOX, Transaction
from entrypoints.mail_worker import MailWorker
from tests.support.gunicorn_server import GunicornServer
from tests.support.mailbox import read_eml

READY_SECONDS = 30  # a deadline for the server's thread, not a timing assertion


def test_the_real_server_delivers_a_registration_mail_by_itself(tmp_path):
    server = GunicornServer(tmp_path, workers=2, threads=2)
    try:
        request = urllib.request.Request(
            server.url + "/api/auth/register",
            method="POST",
            data=json.dumps({"email": "ana@example.com", "password": "ana-password-1"}).encode(),
            headers={"Content-Type": "application/json"},
        )
        with urllib.request.urlopen(request, timeout=10) as answer:
            assert answer.status == 201
        outbox = tmp_path / "outbox"
        deadline = time.monotonic() + READY_SECONDS
        while time.monotonic() < deadline and not list(outbox.glob("*-verify_email.eml")):
            time.sleep(0.2)
        [path] = outbox.glob("*-verify_email.eml")
        assert read_eml(path)["To"] == "ana@example.com"
    finally:
        server.stop()
    assert "mail delivery round failed" not in server.log()


def test_the_worker_sends_what_is_due_and_stops_when_asked(memory_backend, config):
    from adapters.memory.mailer import MemoryMailer
    from entrypoints.bootstrap import build_memory_deps

    deps = build_memory_deps(config, store=memory_backend.database)
    assert isinstance(deps.mailer, MemoryMailer)
    clock = FakeClock()
    with deps.uow() as uow:
        for i in range(3):
            uow.outbox.enqueue(
                compose.password_reset(
                    f"u{i}@example.com", None, "http://x/r?token=t", clock.now(), None
                )
            )
        uow.commit()
    worker = MailWorker(deps, interval=0.05)
    assert worker.run_once() == 3 and worker.run_once() == 0
    assert sorted(m.recipient for m in deps.mailer.sent) == [
        "u0@example.com",
        "u1@example.com",
        "u2@example.com",
    ]
    worker.start()
    assert worker.running
    worker.stop()
    assert not worker.running


def test_a_refund_notice_closes_the_withdrawal_request(client, deps, actors, clock):
    from tests.support.api import bearer, register
    from tests.support.payments import add_catalogue, checkout_body, pay, start

    plan, _ = add_catalogue(deps)
    headers = bearer(register(client, "ana@example.com")["token"])
    created = start(client, checkout_body(plan.id), headers)
    pay(client, actors, created)
    asked = client.simulate_post(f"/api/me/checkouts/{created['id']}/withdrawal", headers=headers)
    assert asked.status_code == 201
    with deps.uow() as uow:
        external_id = uow.checkouts.get(created["id"]).external_id
    clock.advance(hours=2)
    outcome = settlement.process(
        deps.payments_service, SANDBOX, Transaction(external_id, "refunded")
    )
    assert outcome.status == "processed"
    with deps.uow() as uow:
        [request] = uow.withdrawals.find().items
        [sub] = uow.subscriptions.find().items
    assert (request.status, request.resolved_at) == ("refunded", clock.now())
    assert sub.status == "canceled" and sub.end_date == clock.now()
    assert clock.now() - timedelta(hours=2) < sub.end_date


def test_a_message_that_cannot_be_built_fails_alone_and_the_rest_go_out(tmp_path):
    """One bad row (here a recipient the email library refuses) is marked failed for
    good; the messages claimed with it are still sent, and nothing stays 'sending'."""
    from adapters.clock import FakeClock
    from adapters.mail.folder import FolderMailer
    from adapters.memory.unit_of_work import MemoryStore, MemoryUnitOfWork
    from domain.mail import delivery
    from domain.mail import messages as m

    store, clock = MemoryStore(), FakeClock()
    with MemoryUnitOfWork(store) as uow:
        for recipient in ("ok1@example.com", "bad\nrecipient@example.com", "ok2@example.com"):
            uow.outbox.add(
                m.OutboxMessage(
                    id=None,
                    kind="test",
                    recipient=recipient,
                    subject="Plano\nVIP",
                    text_body="x",
                    html_body="<p>x</p>",
                    status=m.PENDING,
                    attempts=0,
                    next_attempt_at=clock.now(),
                    created_at=clock.now(),
                )
            )
        uow.commit()
    report = delivery.deliver_due(
        lambda: MemoryUnitOfWork(store),
        FolderMailer(tmp_path, "CreatorFlix <noreply@localhost>"),
        clock,
    )
    assert (report.sent, report.failed) == (2, 1)
    with MemoryUnitOfWork(store) as uow:
        statuses = sorted(msg.status for msg in uow.outbox.find().items)
    assert statuses == sorted([m.SENT, m.SENT, m.FAILED])


def test_the_worker_settles_the_postbacks_received(memory_backend, config):
    from domain.payments import postbacks
    from entrypoints.bootstrap import build_memory_deps

    deps = build_memory_deps(config, store=memory_backend.database)
    # A postback about a transaction no gateway is configured for: the worker keeps it
    # for a retry (back-off), the request never asked anyone.
    postbacks.record(deps.payments_service, "junglepay", "1001", None)
    worker = MailWorker(deps, interval=0.05)
    assert worker.settle_postbacks() == 0
    with deps.uow() as uow:
        [kept] = uow.postbacks.find().items
    assert (kept.status, kept.attempts, kept.claim_token) == ("pending", 1, None)
    assert "not configured" in kept.last_error and kept.next_attempt_at > kept.received_at

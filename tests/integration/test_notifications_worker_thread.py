"""The delivery thread of each app server process (entrypoints/mail_worker.py) sends due
notifications too, beside the mail: a queued event reaches its endpoint with no other
command."""

from __future__ import annotations

import time

import attrs

from domain.notifications import admin
from domain.notifications.queue import enqueue
from entrypoints.bootstrap import build_memory_deps
from entrypoints.mail_worker import MailWorker
from tests.support.webhook_receiver import WebhookReceiver

READY_SECONDS = 30  # a deadline for the thread, not a timing assertion


def test_the_delivery_thread_sends_due_notifications(memory_backend, config):
    receiver = WebhookReceiver()
    deps = build_memory_deps(
        attrs.evolve(config, webhook_allow_private=True), store=memory_backend.database
    )
    worker = MailWorker(deps, interval=0.05)
    try:
        endpoint = admin.create_endpoint(
            deps.notifier, {"url": receiver.url, "events": ["user.created"]}
        )
        receiver.secrets = [endpoint.secret]
        with deps.uow() as uow:
            enqueue(uow, "user.created", {"user_id": 1}, now=deps.clock.now())
            uow.commit()
        worker.start()
        deadline = time.monotonic() + READY_SECONDS
        while time.monotonic() < deadline and not receiver.received:
            time.sleep(0.05)
    finally:
        worker.stop()
        receiver.stop()
    [got] = receiver.received
    assert got.verified_by == [endpoint.secret] and got.json()["type"] == "user.created"

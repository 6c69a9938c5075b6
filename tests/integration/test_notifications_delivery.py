"""Delivering notifications to a real receiver on loopback that verifies each Standard
Webhooks signature with the `standardwebhooks` library, on memory, SQLite and
PostgreSQL: every event type, retries with one webhook-id, Retry-After, 410, timeouts,
five failing days, resend, rotation, rollback, and Telegram."""

from __future__ import annotations

import json
from datetime import timedelta

import attrs
import pytest

from adapters.notifications.telegram import BotApiTelegram
from adapters.notifications.webhooks import HttpWebhookTransport
from domain.accounts.users import ROLE_ADMIN, User
from domain.notifications import admin, delivery
from domain.notifications import entities as n
from domain.notifications.delivery import Notifier
from domain.notifications.queue import enqueue
from tests.support.notifications import (  # noqa: F401
    SALE,
    bot_api,
    clock,
    deliveries,
    make_notifier,
    queue,
    receiver,
    register,
)
from tests.support.webhook_receiver import WebhookReceiver


def test_every_event_type_arrives_signed_with_its_type_and_data(backend, clock, receiver):
    notifier = make_notifier(backend, clock)
    register(notifier, receiver)
    for event in n.EVENTS:
        assert queue(notifier, event, {**SALE, "event": event}) == 1
    report = delivery.deliver_all(notifier)
    assert report.sent == len(n.EVENTS)
    assert [r.json()["type"] for r in receiver.received] == list(n.EVENTS)
    for got in receiver.received:
        assert got.verified_by == receiver.secrets
        assert got.json()["data"]["amount"] == 3980
        assert got.path == "/hooks"
        assert got.headers["content-type"] == "application/json"
    assert all(d.status == n.SUCCEEDED and d.status_code == 200 for d in deliveries(notifier))


def test_an_endpoint_receives_only_the_events_it_chose(backend, clock, receiver):
    notifier = make_notifier(backend, clock)
    register(notifier, receiver, events=["checkout.paid"])
    assert queue(notifier, "user.created", {"user_id": 1}) == 0
    assert queue(notifier, "checkout.paid") == 1


def test_500_500_200_is_three_attempts_of_one_webhook_id(backend, clock, receiver):
    notifier = make_notifier(backend, clock, schedule=(5, 300))
    register(notifier, receiver)
    receiver.answer(500, 500, 200)
    queue(notifier)
    assert delivery.deliver_due(notifier).retried == 1
    assert delivery.deliver_due(notifier).attempted == 0  # not before its slot
    clock.advance(seconds=5)
    assert delivery.deliver_due(notifier).retried == 1
    clock.advance(seconds=294)
    assert delivery.deliver_due(notifier).attempted == 0
    clock.advance(seconds=1)
    assert delivery.deliver_due(notifier).sent == 1
    ids = {r.message_id for r in receiver.received}
    assert len(receiver.received) == 3 and len(ids) == 1 and ids.pop().startswith("msg_")
    assert all(r.verified_by for r in receiver.received)
    assert len({r.body for r in receiver.received}) == 1  # the same bytes every time
    [done] = deliveries(notifier)
    assert (done.status, done.attempts, done.status_code) == (n.SUCCEEDED, 3, 200)


def test_out_of_attempts_the_delivery_fails(backend, clock, receiver):
    notifier = make_notifier(backend, clock, schedule=(0,))
    register(notifier, receiver)
    receiver.answer(503, 503, 503)
    queue(notifier)
    for _ in range(3):
        delivery.deliver_due(notifier)
    [failed] = deliveries(notifier)
    assert (failed.status, failed.attempts, failed.status_code) == (n.FAILED, 2, 503)
    assert len(receiver.received) == 2


def test_retry_after_is_honoured(backend, clock, receiver):
    notifier = make_notifier(backend, clock, schedule=(5, 10))
    register(notifier, receiver)
    receiver.answer((429, {"Retry-After": "120"}, 0.0))
    queue(notifier)
    delivery.deliver_due(notifier)
    [waiting] = deliveries(notifier)
    assert waiting.next_attempt_at == clock.now() + timedelta(seconds=120)
    clock.advance(seconds=119)
    assert delivery.deliver_due(notifier).attempted == 0
    clock.advance(seconds=1)
    assert delivery.deliver_due(notifier).sent == 1


def test_410_disables_the_endpoint_at_once(backend, clock, receiver):
    notifier = make_notifier(backend, clock)
    endpoint = register(notifier, receiver)
    receiver.answer(410)
    queue(notifier)
    queue(notifier)
    report = delivery.deliver_all(notifier)
    assert report.failed == 2 and len(receiver.received) == 1  # the second is not sent
    stored = admin.get_endpoint(notifier, endpoint.id)
    assert not stored.is_active and "410" in stored.disabled_reason
    assert queue(notifier) == 0  # a disabled endpoint is queued nothing


def test_a_timeout_is_retried(backend, clock, receiver):
    notifier = make_notifier(backend, clock, timeout=0.3)
    register(notifier, receiver)
    receiver.answer((200, {}, 1.0))  # answers after the timeout
    queue(notifier)
    assert delivery.deliver_due(notifier).retried == 1
    [late] = deliveries(notifier)
    assert late.status_code is None and "timed out" in late.last_error
    # The retry, with room to answer whatever the machine's load.
    patient = attrs.evolve(notifier, webhooks=HttpWebhookTransport(allow_private=True, timeout=30))
    assert delivery.deliver_due(patient).sent == 1
    assert len({r.message_id for r in receiver.received}) == 1


def test_an_endpoint_failing_for_five_days_is_disabled_and_the_admins_mailed(
    backend, clock, receiver
):
    schedule = (3600 * 24, 3600 * 24 * 3, 3600 * 24 * 5, 3600 * 24 * 6)
    notifier = make_notifier(backend, clock, schedule=schedule)
    with notifier.uow() as uow:
        uow.users.add(User(id=None, email="boss@example.com", password="x", role=ROLE_ADMIN))
        uow.users.add(User(id=None, email="ops@example.com", password="x", role=ROLE_ADMIN))
        uow.users.add(User(id=None, email="member@example.com", password="x"))
        uow.commit()
    endpoint = register(notifier, receiver)
    receiver.answer(*([500] * 10))
    queue(notifier)
    delivery.deliver_due(notifier)
    for days in (1, 2, 1.99):
        clock.advance(days=days)
        delivery.deliver_due(notifier)
    assert admin.get_endpoint(notifier, endpoint.id).is_active  # 4.99 days failing
    clock.advance(days=0.01)
    queue(notifier)
    delivery.deliver_due(notifier)
    stored = admin.get_endpoint(notifier, endpoint.id)
    assert not stored.is_active and "5 dias" in stored.disabled_reason
    with notifier.uow() as uow:
        mails = uow.outbox.find({"kind": "webhook_disabled"}).items
    assert sorted(m.recipient for m in mails) == ["boss@example.com", "ops@example.com"]
    assert all(receiver.url in m.text_body for m in mails)


def test_a_success_ends_the_failing_streak(backend, clock, receiver):
    notifier = make_notifier(backend, clock)
    endpoint = register(notifier, receiver)
    receiver.answer(500)
    queue(notifier)
    delivery.deliver_due(notifier)
    assert admin.get_endpoint(notifier, endpoint.id).failing_since is not None
    delivery.deliver_due(notifier)
    assert admin.get_endpoint(notifier, endpoint.id).failing_since is None


def test_resend_sends_the_same_webhook_id_and_body(backend, clock, receiver):
    notifier = make_notifier(backend, clock)
    register(notifier, receiver)
    queue(notifier)
    delivery.deliver_all(notifier)
    [first] = deliveries(notifier)
    again = admin.resend(notifier, first.id)
    assert again.id != first.id and again.message_id == first.message_id
    delivery.deliver_all(notifier)
    assert [r.message_id for r in receiver.received] == [first.message_id] * 2
    assert receiver.received[0].body == receiver.received[1].body
    assert all(r.verified_by for r in receiver.received)


def test_during_a_rotation_both_secrets_sign_then_only_the_new_one(backend, clock, receiver):
    notifier = make_notifier(backend, clock)
    endpoint = register(notifier, receiver)
    old = endpoint.secret
    rotated = admin.rotate_secret(notifier, endpoint.id)
    new = rotated.secret
    assert new != old and new.startswith("whsec_")
    assert rotated.previous_secret_until == clock.now() + timedelta(hours=24)
    receiver.secrets = [old, new]
    queue(notifier)
    delivery.deliver_all(notifier)
    assert set(receiver.received[-1].verified_by) == {old, new}
    assert len(receiver.received[-1].headers["webhook-signature"].split(" ")) == 2
    # 24 hours later (the receiver's library refuses a timestamp 24 h off the real
    # time, so the window is moved instead of the clock).
    with notifier.uow() as uow:
        uow.webhook_endpoints.update(attrs.evolve(rotated, previous_secret_until=clock.now()))
        uow.commit()
    queue(notifier)
    delivery.deliver_all(notifier)
    assert receiver.received[-1].verified_by == [new]


def test_a_rolled_back_change_queues_nothing(backend, clock, receiver):
    notifier = make_notifier(backend, clock)
    register(notifier, receiver)
    with notifier.uow() as uow:
        enqueue(uow, "checkout.paid", SALE, now=clock.now())  # no commit: rolled back
    assert delivery.deliver_all(notifier).attempted == 0
    assert receiver.received == []


def test_secrets_are_sealed_at_rest(backend, clock, receiver):
    if not backend.is_pony:
        pytest.skip("what the database holds")
    from adapters.secret_box import FernetSecretBox

    box = FernetSecretBox("k" * 40)
    from adapters.pony.unit_of_work import PonyUnitOfWorkFactory

    notifier = Notifier(
        uow=PonyUnitOfWorkFactory(backend.database, box),
        clock=clock,
        webhooks=HttpWebhookTransport(allow_private=True),
        telegram=BotApiTelegram(),
    )
    endpoint = register(notifier, receiver)
    admin.put_telegram(
        notifier,
        {
            "bot_token": "123:SECRET",
            "chat_id": "42",
            "events": ["checkout.paid"],
            "is_active": True,
        },
    )
    from pony.orm import db_session

    with db_session:
        [stored] = backend.database.db.select("SELECT secret FROM webhook_endpoints")
        [token] = backend.database.db.select("SELECT bot_token FROM telegram_settings")
    assert stored.startswith("fernet:") and endpoint.secret not in stored
    assert token.startswith("fernet:") and "SECRET" not in token
    assert admin.get_endpoint(notifier, endpoint.id).secret == endpoint.secret


def test_telegram_receives_the_sale_in_portuguese(backend, clock, bot_api):
    notifier = make_notifier(backend, clock, bot_api)
    admin.put_telegram(
        notifier,
        {
            "bot_token": "123:ABC",
            "chat_id": "-100200",
            "events": ["checkout.paid"],
            "is_active": True,
        },
    )
    assert queue(notifier, "user.created", {"user_id": 1}) == 0
    assert queue(notifier, "checkout.paid") == 1
    assert delivery.deliver_all(notifier).sent == 1
    assert bot_api.messages == [
        {
            "token": "123:ABC",
            "chat_id": "-100200",
            "text": "💰 Venda aprovada — Mensal + 1 bump — R$ 39,80 — Maria S.",
        }
    ]
    with notifier.uow() as uow:
        [sent] = uow.webhook_deliveries.find({"channel": n.TELEGRAM}).items
    assert sent.status == n.SUCCEEDED and sent.endpoint_id is None


def test_https_is_verified_for_the_host_name_while_connecting_to_the_checked_address(
    backend, clock, tmp_path
):
    from tests.support.smtp_server import client_context, self_signed_cert

    cert = self_signed_cert(tmp_path)
    server = WebhookReceiver(tls=cert)
    try:
        port = server.url.rsplit(":", 1)[1]
        trusting = Notifier(
            uow=backend.uow,
            clock=clock,
            telegram=BotApiTelegram(),
            webhooks=HttpWebhookTransport(allow_private=True, tls=client_context(cert[0])),
            schedule=(0,),
        )
        endpoint = admin.create_endpoint(
            trusting, {"url": f"https://localhost:{port}/hooks", "events": ["checkout.paid"]}
        )
        server.secrets = [endpoint.secret]
        queue(trusting)
        assert delivery.deliver_due(trusting).sent == 1
        assert server.received[0].verified_by == [endpoint.secret]
        # The system's trust store does not know the test certificate: refused, retried.
        untrusting = attrs.evolve(trusting, webhooks=HttpWebhookTransport(allow_private=True))
        queue(trusting)
        assert delivery.deliver_due(untrusting).retried == 1
        assert "CERTIFICATE_VERIFY_FAILED" in deliveries(trusting)[-1].last_error
        assert len(server.received) == 1
    finally:
        server.stop()


def test_erasure_forgets_the_persons_deliveries_only(backend, clock, receiver):
    notifier = make_notifier(backend, clock)
    register(notifier, receiver)
    ana = {**SALE, "customer": {"name": "Ana Apagada", "email": "Ana_X@example.com"}}
    queue(notifier, "checkout.paid", ana)
    delivery.deliver_all(notifier)
    queue(notifier, "checkout.refunded", ana)  # still pending
    queue(notifier, "checkout.paid", {**SALE, "customer": {"email": "anaYx@example.com"}})
    with notifier.uow() as uow:
        assert uow.webhook_deliveries.forget({"ana_x@example.com"}) == 2
        uow.commit()
    sent, pending, other = deliveries(notifier)
    for gone in (sent, pending):
        assert "Apagada" not in gone.body and "example.com" not in gone.body
        assert json.loads(gone.body) == {"type": gone.event, "data": {"forgotten": True}}
        assert gone.response_excerpt is None
    assert (sent.status, pending.status) == (n.SUCCEEDED, n.FAILED)  # never sent now
    assert "anaYx@example.com" in other.body and other.status == n.PENDING


def test_the_log_keeps_sixty_days_of_settled_deliveries(backend, clock, receiver):
    notifier = make_notifier(backend, clock)
    register(notifier, receiver)
    queue(notifier)
    delivery.deliver_all(notifier)
    clock.advance(days=59)
    queue(notifier)  # queued, not yet sent: kept whatever its age
    assert delivery.purge_log(notifier) == 0
    clock.advance(days=2)
    assert delivery.purge_log(notifier) == 1
    assert [d.status for d in deliveries(notifier)] == [n.PENDING]

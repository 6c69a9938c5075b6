"""Helpers and fixtures of the notification tests: a loopback webhook receiver and a fake
Telegram Bot API, a clock near the real time (the `standardwebhooks` library refuses a
timestamp 5 minutes off), a notifier on a backend, and a sale to queue. Test modules
import the fixtures they need by name."""

from __future__ import annotations

import pytest

from adapters.clock import FakeClock, utcnow
from adapters.notifications.telegram import BotApiTelegram
from adapters.notifications.webhooks import HttpWebhookTransport
from domain.notifications import admin
from domain.notifications import entities as n
from domain.notifications.delivery import Notifier
from domain.notifications.queue import enqueue
from tests.support.webhook_receiver import TelegramBotApi, WebhookReceiver

SALE = {
    "checkout_id": 12,
    "user_id": 3,
    "plan_id": 2,
    "plan_name": "Mensal",
    "bump_names": ["Pack extra"],
    "amount": 3980,
    "payment_method": "pix",
    "customer": {"name": "Maria Souza", "email": "maria@example.com"},
}


@pytest.fixture
def receiver():
    server = WebhookReceiver()
    yield server
    server.stop()


@pytest.fixture
def bot_api():
    server = TelegramBotApi()
    yield server
    server.stop()


@pytest.fixture
def clock() -> FakeClock:
    # Near the real time: the receiver's library refuses timestamps 5 minutes off.
    return FakeClock(utcnow())


def make_notifier(backend, clock, bot_api=None, schedule=(0, 0, 0), timeout=10.0) -> Notifier:
    return Notifier(
        uow=backend.uow,
        clock=clock,
        webhooks=HttpWebhookTransport(allow_private=True, timeout=timeout),
        telegram=BotApiTelegram(bot_api.url if bot_api else "http://127.0.0.1:9"),
        schedule=schedule,
    )


def register(notifier, receiver, events=n.EVENTS) -> n.WebhookEndpoint:
    endpoint = admin.create_endpoint(
        notifier, {"url": receiver.url + "/hooks", "events": list(events)}
    )
    receiver.secrets = [endpoint.secret]
    return endpoint


def queue(notifier, event=n.EVENTS[2], data=SALE) -> int:
    with notifier.uow() as uow:
        queued = enqueue(uow, event, data, now=notifier.clock.now())
        uow.commit()
    return queued


def deliveries(notifier) -> list[n.Delivery]:
    with notifier.uow() as uow:
        return list(uow.webhook_deliveries.find({}, order_by=("id",)).items)

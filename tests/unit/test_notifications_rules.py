"""The rules of notifications: the pt-BR Telegram line of each event, the retry
schedule (with Retry-After), the message body, rotation windows, and the settings."""

from __future__ import annotations

import json
from datetime import datetime, timedelta

import pytest

from domain.notifications import entities as n
from domain.notifications.delivery import next_attempt
from domain.notifications.queue import message_body
from domain.notifications.telegram_text import money, short_name, text

T0 = datetime(2026, 12, 7, 12, 0, 0)
SALE = {
    "plan_name": "Mensal",
    "bump_names": ["Pack"],
    "amount": 3980,
    "customer": {"name": "Maria da Silva Souza", "email": "m@example.com"},
}


def test_the_sale_message_of_the_issue():
    assert (
        text("checkout.paid", SALE) == "💰 Venda aprovada — Mensal + 1 bump — R$ 39,80 — Maria S."
    )


@pytest.mark.parametrize(
    "cents, shown",
    [
        (0, "R$ 0,00"),
        (5, "R$ 0,05"),
        (3980, "R$ 39,80"),
        (123456789, "R$ 1.234.567,89"),
        (-990, "-R$ 9,90"),
    ],
)
def test_money_in_reais(cents, shown):
    assert money(cents) == shown


def test_names_are_first_name_and_initial():
    assert short_name("  maria   souza ") == "maria S."
    assert short_name("Cher") == "Cher" and short_name(None) == ""


def test_every_event_has_a_portuguese_title():
    for event in (*n.EVENTS, n.TEST_EVENT):
        assert not text(event, {}).startswith(event.split(".")[0])
    assert text("checkout.paid", {**SALE, "bump_names": ["a", "b"]}).count("+ 2 bumps") == 1
    assert (
        text("withdrawal.requested", {"checkout_id": 7, "name": "Ana Lima"})
        == "🔙 Pedido de arrependimento — pedido #7 — Ana L."
    )


def failed(attempts: int, first: datetime = T0) -> n.Delivery:
    return n.Delivery(
        id=1,
        channel=n.WEBHOOK,
        event="checkout.paid",
        message_id="msg_x",
        body="{}",
        endpoint_id=1,
        attempts=attempts,
        first_attempt_at=first,
    )


def test_retries_follow_the_schedule_after_the_first_attempt():
    schedule = n.DEFAULT_RETRY_SCHEDULE
    no_answer = n.SendOutcome(status_code=None)
    assert next_attempt(failed(1), no_answer, T0, schedule) == T0 + timedelta(seconds=5)
    # a slow attempt: the slot is counted from the first attempt, not from now
    assert next_attempt(
        failed(2), no_answer, T0 + timedelta(seconds=20), schedule
    ) == T0 + timedelta(seconds=300)
    assert next_attempt(failed(9), no_answer, T0, schedule) == T0 + timedelta(days=1)
    assert next_attempt(failed(10), no_answer, T0, schedule) is None  # out of attempts


def test_retry_after_wins_when_later_and_is_capped_at_a_day():
    later = n.SendOutcome(status_code=429, retry_after=600)
    assert next_attempt(failed(1), later, T0, (5, 10)) == T0 + timedelta(seconds=600)
    sooner = n.SendOutcome(status_code=503, retry_after=1)
    assert next_attempt(failed(1), sooner, T0, (5, 10)) == T0 + timedelta(seconds=5)
    huge = n.SendOutcome(status_code=503, retry_after=10**9)
    assert next_attempt(failed(1), huge, T0, (5, 10)) == T0 + timedelta(days=1)


def test_the_body_is_type_timestamp_and_data():
    body = json.loads(message_body("checkout.paid", SALE, T0))
    assert body == {"type": "checkout.paid", "timestamp": "2026-12-07T12:00:00Z", "data": SALE}


def test_secrets_of_a_rotation_sign_until_the_window_ends():
    endpoint = n.WebhookEndpoint(
        id=1,
        url="https://x",
        secret="new",
        previous_secret="old",
        previous_secret_until=T0 + timedelta(hours=24),
    )
    assert endpoint.secrets_at(T0) == ["new", "old"]
    assert endpoint.secrets_at(T0 + timedelta(hours=24)) == ["new"]


KEY = {"CREATORFLIX_SECRET_KEY": "k" * 40}


def test_notification_settings_default_to_the_standard_schedule_and_https_only():
    from entrypoints.config import load_config

    config = load_config(KEY)
    assert config.webhook_retry_schedule == n.DEFAULT_RETRY_SCHEDULE
    assert config.webhook_allow_private is False and config.webhook_timeout_seconds == 15
    assert config.telegram_api_url == "https://api.telegram.org"
    changed = load_config(
        {
            **KEY,
            "CREATORFLIX_WEBHOOK_RETRY_SCHEDULE": " 0, 1,60 ",
            "CREATORFLIX_WEBHOOK_ALLOW_PRIVATE": "true",
            "CREATORFLIX_WEBHOOK_TIMEOUT": "0.5",
            "CREATORFLIX_TELEGRAM_API_URL": "http://127.0.0.1:8081/",
        }
    )
    assert changed.webhook_retry_schedule == (0, 1, 60) and changed.webhook_allow_private
    assert changed.webhook_timeout_seconds == 0.5
    assert changed.telegram_api_url == "http://127.0.0.1:8081"


@pytest.mark.parametrize(
    "name, value",
    [
        ("CREATORFLIX_WEBHOOK_RETRY_SCHEDULE", ""),
        ("CREATORFLIX_WEBHOOK_RETRY_SCHEDULE", "5,1"),
        ("CREATORFLIX_WEBHOOK_RETRY_SCHEDULE", "5,x"),
        ("CREATORFLIX_WEBHOOK_RETRY_SCHEDULE", "-1"),
        ("CREATORFLIX_WEBHOOK_ALLOW_PRIVATE", "maybe"),
        ("CREATORFLIX_WEBHOOK_TIMEOUT", "0"),
        ("CREATORFLIX_WEBHOOK_TIMEOUT", "61"),
        ("CREATORFLIX_TELEGRAM_API_URL", "ftp://x"),
    ],
)
def test_bad_notification_settings_are_refused_with_their_name(name, value):
    from entrypoints.config import ConfigError, load_config

    with pytest.raises(ConfigError, match=name):
        load_config({**KEY, name: value})

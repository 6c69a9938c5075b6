"""Administering notifications through the API: webhook endpoints (the secret shown
once, never again; SSRF refused with a 400 on `url`), rotation, the delivery log with
test events and resend, and the Telegram setting (bot token write-only)."""

from __future__ import annotations

import attrs
import pytest

from adapters.clock import FakeClock, utcnow
from domain.notifications import entities as n
from entrypoints import jobs
from entrypoints.bootstrap import build_deps, build_memory_deps
from tests.support.api import assert_error
from tests.support.deps import FAST_HASHER
from tests.support.notifications import receiver  # noqa: F401 (fixture)

ENDPOINTS = "/api/admin/webhook-endpoints"
TELEGRAM = "/api/admin/notifications/telegram"
PUBLIC_URL = "https://93.184.216.34/hooks"  # a public address: resolves without a network


@pytest.fixture
def admin(actors):
    return actors.admin()


def create(client, admin, **fields) -> dict:
    body = {"url": PUBLIC_URL, "events": ["checkout.paid", "user.created"], **fields}
    result = client.simulate_post(ENDPOINTS, headers=admin, json=body)
    assert result.status_code == 201, result.json
    return result.json


@pytest.mark.smoke
def test_the_secret_is_shown_at_creation_and_never_again(client, admin):
    created = create(client, admin, description="ERP")
    assert created["secret"].startswith("whsec_") and created["is_active"] is True
    assert created["events"] == ["checkout.paid", "user.created"]
    read = client.simulate_get(f"{ENDPOINTS}/{created['id']}", headers=admin).json
    listed = client.simulate_get(ENDPOINTS, headers=admin).json
    for shown in (read, listed["data"][0]):
        assert "secret" not in shown and "previous_secret" not in shown
        assert created["secret"] not in str(shown)
    assert listed["total"] == 1


def test_change_and_delete_an_endpoint(client, admin):
    created = create(client, admin)
    path = f"{ENDPOINTS}/{created['id']}"
    changed = client.simulate_patch(
        path, headers=admin, json={"events": ["checkout.refunded"], "is_active": False}
    )
    assert changed.status_code == 200
    assert changed.json["events"] == ["checkout.refunded"] and not changed.json["is_active"]
    assert client.simulate_delete(path, headers=admin).status_code == 204
    assert client.simulate_get(path, headers=admin).status_code == 404


@pytest.mark.parametrize(
    "url",
    [
        "https://127.0.0.1/hooks",
        "https://10.0.0.7/hooks",
        "https://169.254.169.254/latest/meta-data/",
        "https://[::1]/hooks",
        "https://localhost/hooks",
        "http://93.184.216.34/hooks",
        "javascript:alert(1)",
    ],
)
def test_urls_reaching_inside_are_a_400_on_url(client, admin, url):
    result = client.simulate_post(
        ENDPOINTS, headers=admin, json={"url": url, "events": ["checkout.paid"]}
    )
    assert_error(result, 400, "invalid", field="url")
    created = create(client, admin)
    changed = client.simulate_patch(
        f"{ENDPOINTS}/{created['id']}", headers=admin, json={"url": url}
    )
    assert_error(changed, 400, "invalid", field="url")


@pytest.mark.parametrize("events", [[], ["checkout.stolen"], "checkout.paid", [1]])
def test_events_must_be_known_names(client, admin, events):
    result = client.simulate_post(
        ENDPOINTS, headers=admin, json={"url": PUBLIC_URL, "events": events}
    )
    assert_error(result, 400, "invalid", field="events")


def test_rotation_shows_the_new_secret_once_and_keeps_the_old_for_a_day(client, admin, clock):
    created = create(client, admin)
    rotated = client.simulate_post(f"{ENDPOINTS}/{created['id']}/rotate-secret", headers=admin)
    assert rotated.status_code == 200
    assert rotated.json["secret"].startswith("whsec_")
    assert rotated.json["secret"] != created["secret"]
    read = client.simulate_get(f"{ENDPOINTS}/{created['id']}", headers=admin).json
    assert "secret" not in read and read["rotating_until"] is not None


def test_the_event_names_are_listed(client, admin):
    assert client.simulate_get("/api/admin/notifications/events", headers=admin).json[
        "events"
    ] == list(n.EVENTS)


@pytest.mark.smoke
def test_telegram_token_is_write_only(client, admin):
    assert client.simulate_get(TELEGRAM, headers=admin).json["has_bot_token"] is False
    on = client.simulate_put(
        TELEGRAM,
        headers=admin,
        json={
            "bot_token": "123456:SECRET",
            "chat_id": "-1001",
            "events": ["checkout.paid"],
            "is_active": True,
        },
    )
    assert on.status_code == 200, on.json
    read = client.simulate_get(TELEGRAM, headers=admin).json
    assert read["has_bot_token"] is True and read["is_active"] is True
    assert "SECRET" not in str(read) and "bot_token" not in read
    removed = client.simulate_put(
        TELEGRAM, headers=admin, json={"bot_token": None, "is_active": False}
    )
    assert removed.json["has_bot_token"] is False


def test_telegram_on_needs_a_token_and_a_chat(client, admin):
    result = client.simulate_put(
        TELEGRAM,
        headers=admin,
        json={"chat_id": "-1001", "events": ["checkout.paid"], "is_active": True},
    )
    assert_error(result, 400, "invalid", field="bot_token")


@pytest.mark.smoke
def test_a_test_event_is_logged_and_resent_with_the_same_webhook_id(backend, config, receiver):
    from falcon.testing import TestClient

    from entrypoints.http.app import create_app
    from tests.support.deps import Actors

    clock = FakeClock(utcnow())
    config = attrs.evolve(config, webhook_allow_private=True)
    deps = (
        build_deps(config, clock=clock, hasher=FAST_HASHER, database=backend.database)
        if backend.is_pony
        else build_memory_deps(config, clock=clock, hasher=FAST_HASHER, store=backend.database)
    )
    client, admin = TestClient(create_app(deps)), Actors(deps).admin()
    created = client.simulate_post(
        ENDPOINTS, headers=admin, json={"url": receiver.url + "/hooks", "events": ["checkout.paid"]}
    ).json
    receiver.secrets = [created["secret"]]
    queued = client.simulate_post(f"{ENDPOINTS}/{created['id']}/test", headers=admin)
    assert queued.status_code == 202 and queued.json["status"] == n.PENDING
    assert jobs.deliver_notifications(deps) == 1
    log = client.simulate_get(f"{ENDPOINTS}/{created['id']}/deliveries", headers=admin).json
    [sent] = log["data"]
    assert (sent["status"], sent["status_code"], sent["attempts"]) == (n.SUCCEEDED, 200, 1)
    assert sent["event"] == n.TEST_EVENT and sent["payload"]["type"] == n.TEST_EVENT
    assert "claim_token" not in sent
    again = client.simulate_post(
        f"/api/admin/webhook-deliveries/{sent['id']}/resend", headers=admin
    )
    assert again.status_code == 202 and again.json["message_id"] == sent["message_id"]
    twice = client.simulate_post(
        f"/api/admin/webhook-deliveries/{again.json['id']}/resend", headers=admin
    )
    assert_error(twice, 409, "conflict")  # still queued
    assert jobs.deliver_notifications(deps) == 1
    assert [r.message_id for r in receiver.received] == [sent["message_id"]] * 2
    assert all(r.verified_by == receiver.secrets for r in receiver.received)

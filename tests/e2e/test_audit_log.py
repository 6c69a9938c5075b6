"""Issue 13: every administrator write lands in the audit log (who, when, route, record,
the fields sent with secrets masked); GET /api/admin/audit-log filters and pages it."""

from __future__ import annotations

import json

import pytest

from domain.accounts.audit import changes_of, is_secret_name, resource_of
from tests.support.api import assert_error

SECRET = "sk_live_never_in_the_log_42"
LOG = "/api/admin/audit-log"


def entries(client, admin, **params) -> dict:
    result = client.simulate_get(LOG, headers=admin, params=params)
    assert result.status_code == 200, result.json
    return result.json


@pytest.mark.smoke
def test_admin_writes_are_recorded_with_secrets_masked(client, actors, clock):
    admin = actors.admin()
    assert entries(client, admin)["total"] == 0
    put = client.simulate_put(
        "/api/admin/payment-gateways/junglepay",
        headers=admin,
        json={"secret_key": SECRET, "public_key": "pk_1", "postback_url": None},
    )
    assert put.status_code == 200
    clock.advance(minutes=1)
    created = client.simulate_post(
        "/api/admin/plans", headers=admin, json={"name": "Mensal", "price": 2990, "duration": 30}
    ).json
    client.simulate_patch(f"/api/admin/plans/{created['id']}", headers=admin, json={"price": 3990})
    client.simulate_delete(f"/api/admin/plans/{created['id']}", headers=admin)

    log = entries(client, admin)
    assert SECRET not in json.dumps(log)
    assert log["total"] == 4 and log["page"] == 1
    delete, patch, post, gateway = log["data"]  # newest first
    assert (gateway["method"], gateway["route"], gateway["resource"], gateway["record_id"]) == (
        "PUT",
        "/api/admin/payment-gateways/{name}",
        "payment-gateways",
        "junglepay",
    )
    assert gateway["changes"] == {"secret_key": "***", "public_key": "***", "postback_url": None}
    assert gateway["actor_email"] == "admin@example.com" and gateway["actor_id"]
    assert gateway["status"] == 200 and gateway["path"] == "/api/admin/payment-gateways/junglepay"
    assert (post["method"], post["route"], post["record_id"], post["status"]) == (
        "POST",
        "/api/admin/plans",
        str(created["id"]),
        201,
    )
    assert post["changes"] == {"name": "Mensal", "price": 2990, "duration": 30}
    assert (patch["method"], patch["changes"]) == ("PATCH", {"price": 3990})
    assert (delete["method"], delete["route"], delete["changes"]) == (
        "DELETE",
        "/api/admin/plans/{id}",
        {},
    )
    assert gateway["created_at"] < post["created_at"]


def test_what_is_not_an_admin_write_is_not_recorded(client, actors):
    admin, user = actors.admin(), actors.user()
    client.simulate_get("/api/admin/plans", headers=admin)  # a read
    client.simulate_post("/api/admin/plans", headers=admin, json={"name": ""})  # refused
    client.simulate_post("/api/admin/plans", headers=user, json={"name": "x"})  # 403
    client.simulate_post("/api/admin/plans", json={"name": "x"})  # 401
    client.simulate_post(
        "/api/auth/login", json={"email": "user@example.com", "password": "user-password"}
    )  # not admin
    assert entries(client, admin)["total"] == 0


def test_a_setting_named_like_a_secret_has_its_value_masked(client, actors):
    admin = actors.admin()
    client.simulate_put(
        "/api/admin/settings/smtp_password", headers=admin, json={"value": "hunter2-hunter2"}
    )
    client.simulate_put(
        "/api/admin/settings/site_title", headers=admin, json={"value": "CreatorFlix"}
    )
    title, password = entries(client, admin)["data"]
    assert password["record_id"] == "smtp_password" and password["changes"] == {"value": "***"}
    assert title["changes"] == {"value": "CreatorFlix"}


def test_filters_and_pages(client, actors, clock):
    admin, other = actors.admin(), actors.admin("other@example.com")
    start = clock.now()
    for i in range(3):
        client.simulate_post(
            "/api/admin/plans", headers=admin, json={"name": f"P{i}", "price": 100, "duration": 7}
        )
        clock.advance(hours=1)
    client.simulate_put("/api/admin/settings/site_title", headers=other, json={"value": "x"})
    by_other = entries(client, admin, actor_email="other@example.com")
    assert [e["resource"] for e in by_other["data"]] == ["settings"]
    assert entries(client, admin, actor_id=by_other["data"][0]["actor_id"])["total"] == 1
    assert entries(client, admin, resource="plans")["total"] == 3
    assert entries(client, admin, route="/api/admin/plans", method="POST")["total"] == 3
    window = entries(
        client,
        admin,
        since=(start.isoformat() + "Z"),
        until=(start.replace(minute=30).isoformat() + "Z"),
    )
    assert [e["changes"]["name"] for e in window["data"]] == ["P0"]
    page2 = entries(client, admin, limit=2, page=2)
    assert (page2["total"], page2["total_pages"], len(page2["data"])) == (4, 2, 2)
    assert page2["data"][-1]["changes"]["name"] == "P0"


def test_bad_filters_are_400s_naming_them(client, actors):
    admin = actors.admin()
    assert_error(
        client.simulate_get(LOG, headers=admin, params={"since": "yesterday"}),
        400,
        "invalid",
        field="since",
    )
    assert_error(
        client.simulate_get(
            LOG,
            headers=admin,
            params={"since": "2026-01-02T00:00:00Z", "until": "2026-01-01T00:00:00Z"},
        ),
        400,
        "invalid",
        field="until",
    )
    assert_error(
        client.simulate_get(LOG, headers=admin, params={"method": "GET"}),
        400,
        "invalid",
        field="method",
    )
    assert_error(
        client.simulate_get(LOG, headers=admin, params={"actor_id": "x"}),
        400,
        "invalid",
        field="actor_id",
    )


def test_only_admins_read_the_log(client, actors):
    assert_error(client.simulate_get(LOG), 401, "unauthenticated")
    assert_error(client.simulate_get(LOG, headers=actors.user()), 403, "forbidden")


def test_masking_rules():
    for name in (
        "secret_key",
        "password",
        "token",
        "api_key",
        "public_key",
        "card_hash",
        "access_token",
        "client_secret",
        "Authorization",
        "new-password",
    ):
        assert is_secret_name(name), name
    for name in (
        "name",
        "price",
        "keyword",
        "monkey",
        "is_active",
        "display_order",
        "postback_url",
        "value",
    ):
        assert not is_secret_name(name), name
    nested = changes_of(
        {
            "customer": {"name": "Ana", "password": "p"},
            "text": "x" * 500,
            "items": [{"token": "t"}],
        },
        {},
    )
    assert nested["customer"] == {"name": "Ana", "password": "***"}
    assert len(nested["text"]) == 201 and nested["items"] == [{"token": "***"}]
    assert changes_of(["not", "an", "object"], {}) == {}
    assert changes_of({"postback_url": "https://h.example/hook?token=abc&checkout=7"}, {}) == {
        "postback_url": "https://h.example/hook?token=***&checkout=7"
    }
    assert (
        changes_of({"link": "https://x.example/m.jpg?exp=1&sig=zz"}, {})["link"]
        == "https://x.example/m.jpg?exp=1&sig=***"
    )
    assert resource_of("/api/admin/sandbox/checkouts/{id}/pay") == "sandbox"

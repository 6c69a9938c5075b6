"""Payment administration: gateway settings (secret keys write-only, one active),
checkout and subscription lists, manual grants."""

from __future__ import annotations

from datetime import timedelta

import pytest

from domain.accounts.users import User
from domain.payments import renewals
from domain.payments.subscriptions import Subscription
from tests.support.api import assert_error
from tests.support.payments import add_catalogue, checkout_body, start

GATEWAYS = "/api/admin/payment-gateways"


@pytest.fixture
def admin(actors):
    return actors.admin()


def settings(client, admin) -> dict:
    result = client.simulate_get(GATEWAYS, headers=admin)
    assert result.status_code == 200
    return result.json


def test_gateway_settings_start_empty_with_our_postback_urls(client, admin):
    body = settings(client, admin)
    assert body["charging_gateway"] == "sandbox" and body["total"] == 3
    junglepay, dias, pix = body["data"]
    assert (junglepay["name"], dias["name"], pix["name"]) == ("junglepay", "dias", "pix")
    assert junglepay["generated_postback_url"].startswith(
        "http://127.0.0.1:8000/api/webhooks/junglepay?token="
    )
    assert not junglepay["has_secret_key"] and not junglepay["is_active"]


def test_secret_keys_are_write_only(client, admin):
    result = client.simulate_put(
        f"{GATEWAYS}/junglepay",
        headers=admin,
        json={"secret_key": "sk_live_abc", "public_key": "pk_live"},
    )
    assert result.status_code == 200
    assert "secret_key" not in result.json and result.json["has_secret_key"] is True
    assert "sk_live_abc" not in client.simulate_get(GATEWAYS, headers=admin).text
    # Leaving it out keeps it; null removes it.
    client.simulate_put(f"{GATEWAYS}/junglepay", headers=admin, json={"public_key": "pk_2"})
    assert settings(client, admin)["data"][0]["has_secret_key"] is True
    client.simulate_put(f"{GATEWAYS}/junglepay", headers=admin, json={"secret_key": None})
    assert settings(client, admin)["data"][0]["has_secret_key"] is False


@pytest.mark.smoke
def test_one_gateway_is_active_at_a_time(client, admin):
    assert_error(
        client.simulate_put(f"{GATEWAYS}/junglepay", headers=admin, json={"is_active": True}),
        400,
        "invalid",
        "secret_key",
    )
    client.simulate_put(
        f"{GATEWAYS}/junglepay", headers=admin, json={"secret_key": "sk", "is_active": True}
    )
    assert settings(client, admin)["charging_gateway"] == "junglepay"
    client.simulate_put(f"{GATEWAYS}/dias", headers=admin, json={"is_active": True})
    body = settings(client, admin)
    assert [(g["name"], g["is_active"]) for g in body["data"]] == [
        ("junglepay", False),
        ("dias", True),
        ("pix", False),
    ]
    assert body["charging_gateway"] == "dias"


@pytest.mark.parametrize(
    "path, body, status, field",
    [
        ("/sandbox", {"is_active": True}, 404, None),
        ("/junglepay", {"postback_url": "ftp://x"}, 400, "postback_url"),
        ("/junglepay", {"is_active": None}, 400, "is_active"),
        ("/junglepay", {"secret": "x"}, 400, "secret"),
    ],
)
def test_bad_gateway_settings_are_refused(client, admin, path, body, status, field):
    result = client.simulate_put(GATEWAYS + path, headers=admin, json=body)
    assert_error(result, status, "not_found" if status == 404 else "invalid", field)


def test_only_admins_see_payments(client, actors):
    user = actors.user()
    for path in (GATEWAYS, "/api/admin/checkouts", "/api/admin/subscriptions"):
        assert_error(client.simulate_get(path), 401, "unauthenticated")
        assert_error(client.simulate_get(path, headers=user), 403, "forbidden")


def test_checkouts_and_subscriptions_are_listed_with_filters(client, deps, admin):
    plan, _ = add_catalogue(deps)
    first = start(client, checkout_body(plan.id))
    start(client, checkout_body(plan.id))
    client.simulate_post(f"/api/admin/sandbox/checkouts/{first['id']}/pay", headers=admin)
    paid = client.simulate_get(
        "/api/admin/checkouts", headers=admin, params={"status": "paid"}
    ).json
    assert [c["id"] for c in paid["data"]] == [first["id"]]
    page = client.simulate_get(
        "/api/admin/checkouts", headers=admin, params={"limit": 1, "page": 2}
    ).json
    assert page["total"] == 2 and page["total_pages"] == 2 and len(page["data"]) == 1
    user_id = paid["data"][0]["user_id"]
    subs = client.simulate_get(
        "/api/admin/subscriptions", headers=admin, params={"user_id": user_id, "status": "active"}
    ).json
    assert subs["total"] == 1 and subs["data"][0]["plan_id"] == plan.id
    item = client.simulate_get(f"/api/admin/checkouts/{first['id']}", headers=admin).json
    assert item["status"] == "paid" and item["customer_document"] == "52998224725"
    assert_error(
        client.simulate_get("/api/admin/subscriptions", headers=admin, params={"status": "gone"}),
        400,
        "invalid",
        "status",
    )


@pytest.mark.smoke
def test_subscriptions_are_filtered_by_automatic_renewal_and_its_state(client, deps, admin):
    plan, _ = add_catalogue(deps)
    with deps.uow() as uow:
        user = uow.users.add(User(id=None, email="renova-filtro@example.com", password="x"))
        automatic = uow.subscriptions.add(
            Subscription(
                id=None,
                user_id=user.id,
                plan_id=plan.id,
                status="active",
                auto_renew=True,
                renewal_state=renewals.PAST_DUE,
            )
        )
        manual = uow.subscriptions.add(
            Subscription(id=None, user_id=user.id, plan_id=plan.id, status="active")
        )
        uow.commit()

    def ids(**params) -> list[int]:
        result = client.simulate_get(
            "/api/admin/subscriptions", headers=admin, params={"user_id": user.id, **params}
        )
        assert result.status_code == 200, result.text
        return [s["id"] for s in result.json["data"]]

    assert ids() == [manual.id, automatic.id]
    assert ids(auto_renew="true") == [automatic.id]
    assert ids(auto_renew="false") == [manual.id]
    assert ids(renewal_state="past_due") == [automatic.id]
    assert ids(renewal_state="active") == []
    assert ids(auto_renew="true", renewal_state="ended") == []
    for name, bad in (("auto_renew", "sim"), ("renewal_state", "late")):
        assert_error(
            client.simulate_get("/api/admin/subscriptions", headers=admin, params={name: bad}),
            400,
            "invalid",
            name,
        )


@pytest.mark.smoke
def test_an_admin_grants_a_plan_by_hand(client, deps, actors, admin, clock):
    plan, _ = add_catalogue(deps, duration=7)
    actors.user("bea@example.com")
    with deps.uow() as uow:
        user = uow.users.get_by_email("bea@example.com")
    url = f"/api/admin/users/{user.id}/subscriptions"
    first = client.simulate_post(url, headers=admin, json={"plan_id": plan.id})
    assert first.status_code == 201
    assert first.json["external_id"] == "MANUAL_ADMIN" and first.json["status"] == "active"
    second = client.simulate_post(url, headers=admin, json={"plan_id": plan.id}).json
    assert second["start_date"] == first.json["end_date"]
    end = clock.now() + timedelta(days=14)
    assert second["end_date"] == end.isoformat() + "Z"
    assert_error(
        client.simulate_post(
            "/api/admin/users/999/subscriptions", headers=admin, json={"plan_id": plan.id}
        ),
        404,
        "not_found",
    )
    assert_error(
        client.simulate_post(url, headers=admin, json={"plan_id": 999}), 400, "invalid", "plan_id"
    )
    assert_error(
        client.simulate_post(
            url, headers=actors.user("eve@example.com"), json={"plan_id": plan.id}
        ),
        403,
        "forbidden",
    )

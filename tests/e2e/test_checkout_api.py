"""Buying through the API with the embedded sandbox gateway (CREATORFLIX_GATEWAY's
default): pricing, validation, polling, paying, the account and the paywall."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest

from domain.catalog.entities import AUTOMATIC, OrderBump
from tests.support.api import assert_error
from tests.support.payments import (
    add_catalogue,
    add_premium_post,
    checkout_body,
    configure_junglepay,
    content_urls,
    customer,
    login,
    poll,
    start,
    subscriptions_of,
    verify_email_of,
)


@pytest.fixture
def catalogue(deps):
    return add_catalogue(deps)


def test_a_pix_checkout_is_priced_by_the_server_and_returns_a_pix_code(client, deps, catalogue):
    plan, (pack, chat, _) = catalogue
    created = start(
        client, checkout_body(plan.id, bumps=[pack.id, chat.id, pack.id], total_amount=1)
    )
    assert created["total_amount"] == 2990 + 990 + 1490
    assert created["status"] == "pending" and created["access_token"]
    assert created["order_bump_ids"] == [pack.id, chat.id]
    payment = created["payment"]
    assert payment["provider"] == "sandbox" and payment["method"] == "pix"
    assert payment["qr_code"].startswith("000201") and payment["copy_paste"] == payment["qr_code"]
    assert payment["expires_at"] == "2026-01-02T12:00:00Z"
    with deps.uow() as uow:
        stored = uow.checkouts.get(created["id"])
    assert (stored.customer_document, stored.customer_phone, stored.customer_email) == (
        "52998224725",
        "11987654321",
        "ana@example.com",
    )
    assert stored.order_bump is True and stored.external_id.startswith("sbx_")


@pytest.mark.parametrize(
    "change, field",
    [
        (lambda plan, bumps: {"plan_id": 999}, "plan_id"),
        (lambda plan, bumps: {"order_bump_ids": [bumps[2].id]}, "order_bump_ids"),
        (lambda plan, bumps: {"order_bump_ids": [bumps[0].id, 999]}, "order_bump_ids"),
        (lambda plan, bumps: {"payment_method": "boleto"}, "payment_method"),
        (
            lambda plan, bumps: {"customer": customer(document="123.456.789-00")},
            "customer.document",
        ),
        (lambda plan, bumps: {"customer": customer(phone="123")}, "customer.phone"),
        (lambda plan, bumps: {"customer": None}, "customer"),
        (lambda plan, bumps: {"payment_method": "credit_card"}, "card_hash"),
        (lambda plan, bumps: {"card_hash": "tok"}, "card_hash"),
        (lambda plan, bumps: {"coupon": "FREE"}, "coupon"),
    ],
)
def test_a_bad_checkout_is_a_400_naming_the_field_and_writes_nothing(
    client, deps, catalogue, change, field
):
    plan, bumps = catalogue
    result = client.simulate_post(
        "/api/checkouts", json={**checkout_body(plan.id), **change(plan, bumps)}
    )
    assert_error(result, 400, "invalid", field)
    with deps.uow() as uow:
        assert uow.checkouts.count() == 0


def test_a_method_the_plan_does_not_take_is_refused(client, deps):
    plan, _ = add_catalogue(deps, accepts_pix=False)
    assert_error(
        client.simulate_post("/api/checkouts", json=checkout_body(plan.id)),
        400,
        "invalid",
        "payment_method",
    )


def test_pix_automatico_needs_a_psps_api_pix(client, deps):
    """The sandbox (or JunglePay) has no recurring PIX: an automatic weekly plan is still
    refused it, and nothing is written."""
    plan, _ = add_catalogue(deps, duration=7, renewal=AUTOMATIC)
    result = client.simulate_post("/api/checkouts", json=checkout_body(plan.id, "pix_automatico"))
    assert_error(result, 400, "invalid", "payment_method")
    assert "API Pix" in result.json["error"]["message"]
    assert client.simulate_get("/api/checkout-options").json["pix_automatico"] == []
    assert subscriptions_of(deps, "ana@example.com") == []
    with deps.uow() as uow:
        assert uow.checkouts.find().total == 0


def test_polling_needs_the_access_token_of_that_checkout(client, catalogue):
    plan, _ = catalogue
    first, second = start(client, checkout_body(plan.id)), start(client, checkout_body(plan.id))
    url = f"/api/checkouts/{first['id']}"
    assert_error(client.simulate_get(url), 401, "unauthenticated")
    assert_error(
        client.simulate_get(url, params={"access_token": second["access_token"]}), 403, "forbidden"
    )
    assert_error(
        client.simulate_get(url, params={"access_token": "forged.token"}), 403, "forbidden"
    )
    assert_error(
        client.simulate_get("/api/checkouts/999", params={"access_token": first["access_token"]}),
        403,
        "forbidden",
    )
    result = poll(client, first)
    assert result.status_code == 200
    assert result.json["status"] == "pending" and result.json["set_password"] is None
    assert result.json["payment"]["qr_code"] == first["payment"]["qr_code"]


@pytest.mark.smoke
def test_the_sandbox_path_end_to_end(client, deps, actors, clock, catalogue):
    plan, _ = catalogue
    creator = add_premium_post(deps)
    admin = actors.admin()
    assert content_urls(client, creator) == [None]
    created = start(client, checkout_body(plan.id))

    paid = client.simulate_post(f"/api/admin/sandbox/checkouts/{created['id']}/pay", headers=admin)
    assert paid.status_code == 200 and paid.json["status"] == "processed"
    view = poll(client, created).json
    assert view["status"] == "paid" and view["payment"]["status"] == "paid"
    [sub] = subscriptions_of(deps, "ana@example.com")
    assert (sub.status, sub.start_date, sub.end_date) == (
        "active",
        clock.now(),
        clock.now() + timedelta(days=30),
    )

    # The buyer had no account: the paid checkout lets them choose its password once.
    link = view["set_password"]
    assert link["url"].endswith(f"/set-password?token={link['token']}")
    session = client.simulate_post(
        "/api/auth/set-password", json={"token": link["token"], "password": "my-password-1"}
    )
    assert session.status_code == 200
    buyer = {"Authorization": f"Bearer {session.json['token']}"}
    me = client.simulate_get("/api/me", headers=buyer).json
    assert me["user"]["subscription_status"] == 1 and me["subscription"]["id"] == sub.id
    assert content_urls(client, creator, buyer) == ["https://cdn.example/bia/1.jpg"]
    assert login(client, "ana@example.com", "my-password-1")

    # The link dies with its first use, and is no longer offered.
    assert_error(
        client.simulate_post(
            "/api/auth/set-password", json={"token": link["token"], "password": "other-pass-2"}
        ),
        400,
        "invalid",
        "token",
    )
    assert poll(client, created).json["set_password"] is None
    # Paying again changes nothing.
    again = client.simulate_post(f"/api/admin/sandbox/checkouts/{created['id']}/pay", headers=admin)
    assert again.json["status"] == "duplicate"
    assert len(subscriptions_of(deps, "ana@example.com")) == 1


def test_a_logged_in_buyer_gets_the_plan_on_their_account(client, deps, actors, catalogue):
    plan, _ = catalogue
    buyer = actors.user("buyer@example.com")
    created = start(client, checkout_body(plan.id), headers=buyer)
    client.simulate_post(
        f"/api/admin/sandbox/checkouts/{created['id']}/pay", headers=actors.admin()
    )
    assert poll(client, created).json["set_password"] is None
    assert len(subscriptions_of(deps, "buyer@example.com")) == 1
    assert subscriptions_of(deps, "ana@example.com") == []
    me = client.simulate_get("/api/me", headers=buyer).json
    assert me["subscription"]["status"] == "active"


@pytest.mark.smoke
def test_an_existing_account_is_extended_and_never_offered_a_password_link(
    client, deps, actors, clock, catalogue
):
    plan, _ = catalogue
    actors.user("ana@example.com")
    verify_email_of(deps, "ana@example.com")  # unverified, it would wait for a claim
    admin = actors.admin()
    for _ in range(2):
        created = start(client, checkout_body(plan.id))
        client.simulate_post(f"/api/admin/sandbox/checkouts/{created['id']}/pay", headers=admin)
        assert poll(client, created).json["set_password"] is None
    first, second = subscriptions_of(deps, "ana@example.com")
    assert second.start_date == first.end_date == clock.now() + timedelta(days=30)
    assert second.end_date == clock.now() + timedelta(days=60)


def test_a_refused_card_is_a_402_and_the_checkout_failed(client, deps, catalogue):
    plan, _ = catalogue
    result = client.simulate_post(
        "/api/checkouts", json=checkout_body(plan.id, "credit_card", card_hash="sandbox-refuse")
    )
    assert_error(result, 402, "payment_refused")
    with deps.uow() as uow:
        [checkout] = uow.checkouts.find().items
    assert checkout.status == "failed"


def test_the_sandbox_cannot_be_paid_once_another_gateway_is_active(client, actors, catalogue):
    plan, _ = catalogue
    admin = actors.admin()
    created = start(client, checkout_body(plan.id))
    assert_error(
        client.simulate_post("/api/admin/sandbox/checkouts/999/pay", headers=admin),
        404,
        "not_found",
    )
    configure_junglepay(client, admin)
    assert_error(
        client.simulate_post(f"/api/admin/sandbox/checkouts/{created['id']}/pay", headers=admin),
        409,
        "conflict",
    )
    assert poll(client, created).json["status"] == "pending"


def test_set_password_refuses_bad_tokens_and_weak_passwords(client, deps, actors, catalogue):
    plan, _ = catalogue
    created = start(client, checkout_body(plan.id))
    client.simulate_post(
        f"/api/admin/sandbox/checkouts/{created['id']}/pay", headers=actors.admin()
    )
    token = poll(client, created).json["set_password"]["token"]
    for body, field in [
        ({"token": "x.y", "password": "long-enough-1"}, "token"),
        ({"token": created["access_token"], "password": "long-enough-1"}, "token"),
        ({"token": token, "password": "short"}, "password"),
        ({"token": token}, "password"),
    ]:
        assert_error(
            client.simulate_post("/api/auth/set-password", json=body), 400, "invalid", field
        )
    assert (
        client.simulate_post(
            "/api/auth/set-password", json={"token": token, "password": "long-enough-1"}
        ).status_code
        == 200
    )


@pytest.mark.parametrize("field", ["name", "email", "document", "phone"])
@pytest.mark.parametrize("bad", ["\ud800", "\udc00", "\x00"], ids=["high", "low", "nul"])
def test_unstorable_customer_text_is_a_400_naming_the_field(client, deps, catalogue, field, bad):
    plan, _ = catalogue
    # Escaped in the JSON text ("\\ud800"), as a client would send it.
    valid = customer()[field]
    body = json.dumps(
        checkout_body(plan.id, customer=customer(**{field: valid[:1] + bad + valid[1:]}))
    )
    result = client.simulate_post(
        "/api/checkouts", body=body, headers={"Content-Type": "application/json"}
    )
    assert_error(result, 400, "invalid", f"customer.{field}")
    with deps.uow() as uow:
        assert uow.checkouts.count() == 0


def test_paying_a_checkout_never_hands_over_an_account_another_checkout_created(
    client, deps, actors, clock, catalogue
):
    plan, _ = catalogue
    admin = actors.admin()
    attacker = start(client, checkout_body(plan.id, customer=customer(email="vic@example.com")))
    clock.advance(minutes=1)
    victim = start(client, checkout_body(plan.id, customer=customer(email="vic@example.com")))
    for created in (victim, attacker):  # the victim pays first: their payment creates it
        paid = client.simulate_post(
            f"/api/admin/sandbox/checkouts/{created['id']}/pay", headers=admin
        )
        assert paid.json["status"] == "processed"
    assert poll(client, victim).json["set_password"] is not None
    assert poll(client, attacker).json["set_password"] is None
    # The account's email is not verified yet: the second purchase waits for the claim
    # link mailed to the address (tests/e2e/test_checkout_claims.py).
    assert len(subscriptions_of(deps, "vic@example.com")) == 1
    assert poll(client, attacker).json["status"] == "paid"


def test_a_free_checkout_is_refused_and_a_free_bump_is_not_charged(client, deps):
    free, _ = add_catalogue(deps, price=0)
    assert_error(
        client.simulate_post("/api/checkouts", json=checkout_body(free.id)),
        400,
        "invalid",
        "plan_id",
    )
    plan, _ = add_catalogue(deps)
    with deps.uow() as uow:
        gift = uow.order_bumps.add(OrderBump(id=None, name="Gift", price=0))
        uow.commit()
    created = start(client, checkout_body(plan.id, bumps=[gift.id]))
    assert created["total_amount"] == plan.price and created["order_bump_ids"] == [gift.id]

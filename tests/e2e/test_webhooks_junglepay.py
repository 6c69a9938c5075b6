"""The PIX path against the local JunglePay, over real loopback HTTP both ways: our
app charges JunglePay, JunglePay posts its postback to our app, our app reads the
transaction back before acting. CREATORFLIX_GATEWAY=junglepay, as in production."""

from __future__ import annotations

import logging
from datetime import timedelta

import attrs
import pytest

from domain.catalog.entities import OrderBump
from tests.support.api import assert_error
from tests.support.junglepay_server import REFUSED_CARD
from tests.support.openapi_check import assert_documented
from tests.support.payments import (  # noqa: F401
    JUNGLEPAY_SECRET,
    add_catalogue,
    add_premium_post,
    app_server,
    checkout_body,
    configure_junglepay,
    content_urls,
    junglepay,
    junglepay_config,
    live_client,
    notifications,
    poll,
    postback_token,
    settle_postbacks,
    shop,
    start,
    subscriptions_of,
)


@pytest.fixture
def config(junglepay_config):
    return junglepay_config


def tx_of(deps, created: dict) -> str:
    with deps.uow() as uow:
        return uow.checkouts.get(created["id"]).external_id


@pytest.mark.smoke
def test_the_pix_path_end_to_end(shop, deps, clock, junglepay, app_server):
    client, admin, plan = shop
    creator = add_premium_post(deps)
    created = start(client, checkout_body(plan.id))
    tx = tx_of(deps, created)
    assert created["payment"]["provider"] == "junglepay"
    assert created["payment"]["qr_code"] == junglepay.transactions[tx]["pix"]["qrcode"]
    assert created["payment"]["secure_url"] == junglepay.transactions[tx]["secureUrl"]
    [sent] = junglepay.received
    assert sent["postbackUrl"].startswith(f"{app_server.url}/api/webhooks/junglepay?token=")

    junglepay.set_status(tx, "paid")  # the buyer paid at their bank
    assert junglepay.postback(tx) == 200

    view = poll(client, created).json
    assert view["status"] == "paid"
    [sub] = subscriptions_of(deps, "ana@example.com")
    assert (sub.status, sub.end_date) == ("active", clock.now() + timedelta(days=30))
    session = client.simulate_post(
        "/api/auth/set-password",
        json={"token": view["set_password"]["token"], "password": "ana-password-1"},
    ).json
    buyer = {"Authorization": f"Bearer {session['token']}"}
    assert client.simulate_get("/api/me", headers=buyer).json["subscription"]["id"] == sub.id
    assert content_urls(client, creator, buyer) == ["https://cdn.example/bia/1.jpg"]
    assert [(n.status, n.outcome) for n in notifications(deps)] == [("paid", "paid")]


def test_without_junglepay_configured_a_checkout_is_a_503_and_writes_nothing(live_client, deps):
    plan, _ = add_catalogue(deps)
    result = live_client.simulate_post("/api/checkouts", json=checkout_body(plan.id))
    assert_error(result, 503, "unavailable")
    assert "not configured" in result.json["error"]["message"]
    with deps.uow() as uow:
        assert uow.checkouts.count() == 0


def test_a_postback_without_our_token_is_refused(shop, deps, junglepay, app_server):
    client, admin, plan = shop
    tx = tx_of(deps, start(client, checkout_body(plan.id)))
    junglepay.set_status(tx, "paid")
    base = f"{app_server.url}/api/webhooks/junglepay"
    dias_token = postback_token(client, admin, "dias")
    assert junglepay.postback(tx, url=base) == 401
    assert junglepay.postback(tx, url=base + "?token=wrong") == 403
    assert junglepay.postback(tx, url=base + "?token=" + dias_token) == 403
    assert subscriptions_of(deps, "ana@example.com") == [] and notifications(deps) == []


def test_paid_claimed_for_an_unpaid_transaction_changes_nothing(shop, deps, junglepay):
    client, _, plan = shop
    created = start(client, checkout_body(plan.id))
    tx = tx_of(deps, created)
    assert junglepay.postback(tx, status="paid") == 200  # the body lies; JunglePay does not
    assert poll(client, created).json["status"] == "pending"
    assert subscriptions_of(deps, "ana@example.com") == []
    assert [(n.status, n.outcome) for n in notifications(deps)] == [
        ("waiting_payment", "no_change")
    ]
    junglepay.set_status(tx, "paid")
    assert junglepay.postback(tx) == 200
    assert poll(client, created).json["status"] == "paid"


def test_a_postback_for_a_transaction_junglepay_does_not_know_is_ignored(shop, deps):
    client, admin, _ = shop
    token = postback_token(client, admin, "junglepay")
    unknown = {"type": "transaction", "data": {"id": "999999", "status": "paid"}}
    result = client.simulate_post("/api/webhooks/junglepay", params={"token": token}, json=unknown)
    assert result.status_code == 200 and result.json == {"status": "queued"}
    assert settle_postbacks(deps) == ["ignored"]  # JunglePay, asked, does not know it
    for body in ({}, None):  # no transaction id: nothing to ask JunglePay about
        result = client.simulate_post("/api/webhooks/junglepay", params={"token": token}, json=body)
        assert result.status_code == 200 and result.json == {"status": "ignored"}
    assert settle_postbacks(deps) == [] and notifications(deps) == []


@pytest.mark.smoke
@pytest.mark.parametrize("status", ["refunded", "chargedback"])
def test_a_refund_ends_the_grant_now(shop, deps, clock, junglepay, status):
    client, _, plan = shop
    creator = add_premium_post(deps)
    created = start(client, checkout_body(plan.id))
    tx = tx_of(deps, created)
    junglepay.set_status(tx, "paid")
    junglepay.postback(tx)
    clock.advance(days=3)
    junglepay.set_status(tx, status)
    assert junglepay.postback(tx) == 200
    assert poll(client, created).json["status"] == "refunded"
    [sub] = subscriptions_of(deps, "ana@example.com")
    assert (sub.status, sub.end_date) == ("canceled", clock.now())
    with deps.uow() as uow:
        user = uow.users.get_by_email("ana@example.com")
    assert user.subscription_status == 0
    # A late "paid" (out of order) never brings it back.
    assert junglepay.postback(tx, status="paid") == 200
    assert poll(client, created).json["status"] == "refunded"
    assert subscriptions_of(deps, "ana@example.com")[0].status == "canceled"
    assert content_urls(client, creator) == [None]


@pytest.mark.smoke
def test_a_repeated_notification_activates_once(shop, deps, clock, junglepay, app_server):
    client, _, plan = shop
    created = start(client, checkout_body(plan.id))
    tx = tx_of(deps, created)
    junglepay.set_status(tx, "paid")
    alias = junglepay.transactions[tx]["postbackUrl"].replace("/api/webhooks/", "/api/webhook/")
    for url in (None, None, alias, None):
        assert junglepay.postback(tx, url=url) == 200
    [sub] = subscriptions_of(deps, "ana@example.com")
    assert sub.end_date == clock.now() + timedelta(days=30)
    assert len(notifications(deps)) == 1


def test_a_failed_read_back_is_retried_by_the_worker(shop, deps, clock, junglepay):
    client, _, plan = shop
    created = start(client, checkout_body(plan.id))
    tx = tx_of(deps, created)
    junglepay.set_status(tx, "paid")
    junglepay.mode = "down"
    assert junglepay.postback(tx) == 200  # recorded and acknowledged at once
    assert poll(client, created).json["status"] == "pending"
    junglepay.mode = "ok"
    assert settle_postbacks(deps) == []  # not due yet: it waits its back-off
    clock.advance(seconds=5)
    assert settle_postbacks(deps) == ["processed"]
    assert poll(client, created).json["status"] == "paid"


def test_a_postback_never_calls_junglepay_inside_the_request(shop, deps, junglepay):
    client, _, plan = shop
    junglepay.after_postback = None  # no worker round: only the request
    tx = tx_of(deps, start(client, checkout_body(plan.id)))
    junglepay.set_status(tx, "paid")
    calls = junglepay.calls
    junglepay.mode = "slow"  # a read-back now would hang
    assert junglepay.postback(tx) == 200
    assert junglepay.calls == calls
    junglepay.mode = "ok"
    assert settle_postbacks(deps) == ["processed"]


@pytest.mark.parametrize(
    "mode, status, code", [("down", 503, "unavailable"), ("slow", 504, "gateway_timeout")]
)
def test_a_gateway_down_or_slow_leaves_the_checkout_pending_and_retrievable(
    shop, deps, junglepay, mode, status, code
):
    client, _, plan = shop
    deps.payments.timeout = (1.0, 0.3)  # keep the slow case fast
    junglepay.mode, junglepay.delay = mode, 3.0
    result = client.simulate_post("/api/checkouts", json=checkout_body(plan.id))
    assert_error(result, status, code)
    assert_documented(client, "/api/checkouts", "POST", result)
    pending = result.json["checkout"]
    assert pending["status"] == "pending" and pending["payment"]["qr_code"] is None
    view = poll(client, pending)
    assert view.status_code == 200 and view.json["status"] == "pending"
    with deps.uow() as uow:
        [checkout] = uow.checkouts.find().items
    assert checkout.external_id is None and checkout.total_amount == plan.price


def test_a_card_refused_by_junglepay_is_a_402(shop, deps):
    client, _, plan = shop
    result = client.simulate_post(
        "/api/checkouts", json=checkout_body(plan.id, "credit_card", card_hash=REFUSED_CARD)
    )
    assert_error(result, 402, "payment_refused")
    with deps.uow() as uow:
        assert [c.status for c in uow.checkouts.find().items] == ["failed"]


def test_secrets_never_reach_a_response_or_a_log(shop, deps, junglepay, caplog):
    caplog.set_level(logging.DEBUG)
    client, admin, plan = shop
    card = "tok_card_4242_very_secret"
    created = start(client, checkout_body(plan.id, "credit_card", card_hash=card, installments=3))
    assert created["payment"]["status"] == "waiting_payment"
    assert junglepay.received[-1]["card"] == {"hash": card}
    tx = tx_of(deps, created)
    junglepay.set_status(tx, "paid")
    junglepay.postback(tx)
    bodies = [
        client.simulate_get("/api/admin/payment-gateways", headers=admin).text,
        client.simulate_put(
            "/api/admin/payment-gateways/junglepay", headers=admin, json={"public_key": "pk_2"}
        ).text,
        client.simulate_get("/api/admin/checkouts", headers=admin).text,
        poll(client, created).text,
    ]
    for text in bodies + [caplog.text]:
        assert JUNGLEPAY_SECRET not in text and card not in text
    assert '"has_secret_key":true' in bodies[0]


def test_the_sandbox_is_refused_in_production(shop, deps):
    client, admin, plan = shop
    created = start(client, checkout_body(plan.id))
    assert created["payment"]["provider"] == "junglepay"
    assert_error(
        client.simulate_post(f"/api/admin/sandbox/checkouts/{created['id']}/pay", headers=admin),
        409,
        "conflict",
    )


def test_an_administrators_postback_url_overrides_ours(shop, deps, junglepay):
    client, admin, plan = shop
    override = f"https://hooks.example/jp?token={postback_token(client, admin, 'junglepay')}"
    result = client.simulate_put(
        "/api/admin/payment-gateways/junglepay", headers=admin, json={"postback_url": override}
    )
    assert result.status_code == 200 and result.json["postback_url"] == override
    created = start(client, checkout_body(plan.id))
    assert junglepay.received[-1]["postbackUrl"] == f"{override}&checkout={created['id']}"


@pytest.mark.parametrize(
    "override",
    [
        "https://hooks.example/jp",
        "https://hooks.example/jp?token=abc",
        "https://hooks.example/jp?tok=x&token=",
    ],
)
def test_a_postback_url_override_must_keep_our_token(shop, override):
    client, admin, _ = shop
    result = client.simulate_put(
        "/api/admin/payment-gateways/junglepay", headers=admin, json={"postback_url": override}
    )
    assert_error(result, 400, "invalid", "postback_url")


@pytest.mark.smoke
def test_a_checkout_copied_from_the_original_is_settled_through_its_old_path(shop, deps, junglepay):
    client, _, plan = shop
    created = start(client, checkout_body(plan.id))
    tx = tx_of(deps, created)
    with deps.uow() as uow:  # as the original stored it: no payment data of ours
        checkout = uow.checkouts.get(created["id"])
        uow.checkouts.update(attrs.evolve(checkout, payment_data=None))
        uow.commit()
    junglepay.set_status(tx, "paid")
    old_path = junglepay.transactions[tx]["postbackUrl"].replace("/api/webhooks/", "/api/webhook/")
    assert junglepay.postback(tx, url=old_path) == 200
    assert poll(client, created).json["status"] == "paid"
    assert len(subscriptions_of(deps, "ana@example.com")) == 1


def test_a_charge_junglepay_rejects_is_a_502_that_asks_for_no_retry(shop, deps, junglepay):
    client, _, plan = shop
    junglepay.mode = "reject"
    result = client.simulate_post("/api/checkouts", json=checkout_body(plan.id))
    assert_error(result, 502, "gateway_rejected")
    assert "customer.document is not accepted" in result.json["error"]["message"]
    assert "Retry-After" not in result.headers
    assert_documented(client, "/api/checkouts", "POST", result)
    with deps.uow() as uow:
        assert [c.status for c in uow.checkouts.find().items] == ["failed"]


def test_a_free_order_bump_is_left_out_of_the_charge(shop, deps, junglepay):
    client, _, plan = shop
    with deps.uow() as uow:
        gift = uow.order_bumps.add(OrderBump(id=None, name="Gift", price=0))
        uow.commit()
    created = start(client, checkout_body(plan.id, bumps=[gift.id]))
    assert created["total_amount"] == plan.price and created["order_bump_ids"] == [gift.id]
    sent = junglepay.received[-1]
    assert sent["amount"] == plan.price
    assert [i["title"] for i in sent["items"]] == [plan.name]

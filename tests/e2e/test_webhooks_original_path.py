"""Payments in flight at the take-over: charges the original platform made post back to
its token-less path /api/webhook/junglepay. Such a postback is believed only about the
transaction of a JunglePay checkout we have; the background worker then asks the local
JunglePay about it (what it says is applied; the body is a hint; a transaction it does
not know changes nothing). A token-less postback about no checkout of ours is ignored
(200, issue 20 finding 11: JunglePay sends them for the original's old charges), and a
token-less Dias postback stays refused."""

from __future__ import annotations

import json
import urllib.error
import urllib.request

import attrs
import pytest

from domain.payments.checkout import Checkout
from domain.payments.gateways import PaymentGatewayConfig
from tests.support.api import assert_error
from tests.support.payments import (  # noqa: F401
    JUNGLEPAY_SECRET,
    add_catalogue,
    app_server,
    checkout_body,
    junglepay,
    junglepay_config,
    live_client,
    postback_token,
    settle_postbacks,
    start,
    subscriptions_of,
)

ORIGINAL_PATH = "/api/webhook/junglepay"


@pytest.fixture
def config(junglepay_config):
    return junglepay_config


@pytest.fixture
def in_flight(live_client, deps, junglepay):
    """The original's state: its 'JunglePay' row active, and a pending PIX checkout it
    charged (no payment data, no user: the original never set them). Returns
    (client, checkout id, transaction id). Each postback JunglePay sends is followed by
    our background worker's round."""
    junglepay.after_postback = lambda: settle_postbacks(deps)
    with deps.uow() as uow:
        uow.payment_gateways.add(
            PaymentGatewayConfig(
                id=None,
                name="JunglePay",
                public_key="pk",
                secret_key=JUNGLEPAY_SECRET,
                is_active=True,
            )
        )
        uow.commit()
    plan, _ = add_catalogue(deps)
    created = start(live_client, checkout_body(plan.id))
    with deps.uow() as uow:
        checkout = uow.checkouts.get(created["id"])
        uow.checkouts.update(attrs.evolve(checkout, payment_data=None, user_id=None))
        uow.commit()
    return live_client, checkout.id, checkout.external_id


def post(url: str, body: dict) -> int:
    request = urllib.request.Request(
        url,
        data=json.dumps(body).encode(),
        method="POST",
        headers={"Content-Type": "application/json"},
    )
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status
    except urllib.error.HTTPError as exc:
        return exc.code


def state(deps, checkout_id: int) -> tuple:
    with deps.uow() as uow:
        return (
            uow.checkouts.get(checkout_id).status,
            uow.webhook_events.count(),
            uow.subscriptions.count(),
        )


@pytest.mark.smoke
def test_a_tokenless_postback_for_a_pending_checkout_activates_one_subscription(
    in_flight, deps, junglepay, app_server
):
    client, checkout_id, tx = in_flight
    junglepay.set_status(tx, "paid")
    assert junglepay.postback(tx, url=app_server.url + ORIGINAL_PATH) == 200
    [sub] = subscriptions_of(deps, "ana@example.com")
    assert sub.status == "active" and sub.external_id == tx
    assert state(deps, checkout_id) == ("paid", 1, 1)

    assert junglepay.postback(tx, url=app_server.url + ORIGINAL_PATH) == 200  # repeated
    assert len(subscriptions_of(deps, "ana@example.com")) == 1
    assert state(deps, checkout_id) == ("paid", 1, 1)


def test_the_body_is_only_a_hint(in_flight, deps, junglepay, app_server):
    client, checkout_id, tx = in_flight  # still waiting_payment at JunglePay
    result = client.simulate_post(ORIGINAL_PATH, json=junglepay.postback_body(tx, "paid"))
    assert result.status_code == 200 and result.json == {"status": "queued"}
    assert settle_postbacks(deps) == ["unchanged"]
    assert state(deps, checkout_id)[0] == "pending"
    assert subscriptions_of(deps, "ana@example.com") == []


@pytest.mark.parametrize("tx_id", ["424242", "", None, {"id": 1}])
def test_a_tokenless_postback_about_no_checkout_of_ours_is_ignored(in_flight, deps, tx_id):
    client, checkout_id, _ = in_flight
    before = state(deps, checkout_id)
    result = client.simulate_post(
        ORIGINAL_PATH, json={"type": "transaction", "data": {"id": tx_id, "status": "paid"}}
    )
    assert (result.status_code, result.json) == (200, {"status": "ignored"})
    assert state(deps, checkout_id) == before == ("pending", 0, 0)


def test_a_checkout_whose_transaction_junglepay_does_not_know_changes_nothing(in_flight, deps):
    client, checkout_id, _ = in_flight
    with deps.uow() as uow:
        forged = uow.checkouts.add(
            attrs.evolve(uow.checkouts.get(checkout_id), id=None, external_id="990001")
        )
        uow.commit()
    result = client.simulate_post(
        ORIGINAL_PATH, json={"type": "transaction", "data": {"id": "990001", "status": "paid"}}
    )
    assert result.status_code == 200 and result.json == {"status": "queued"}
    assert settle_postbacks(deps) == ["ignored"]  # JunglePay, asked, does not know it
    with deps.uow() as uow:
        assert uow.checkouts.get(forged.id).status == "pending"
        assert uow.webhook_events.count() == 0


def test_a_dias_checkouts_reference_is_not_junglepays(in_flight, deps):
    client, _, _ = in_flight
    with deps.uow() as uow:
        plan = uow.plans.find().items[0]
        uow.checkouts.add(
            Checkout(
                id=None,
                plan_id=plan.id,
                total_amount=plan.price,
                external_id="cf_dias_1",
                customer_email="bia@example.com",
                payment_data={"provider": "dias", "method": "credit_card"},
            )
        )
        uow.commit()
    result = client.simulate_post(ORIGINAL_PATH, json={"data": {"id": "cf_dias_1"}})
    assert (result.status_code, result.json) == (200, {"status": "ignored"})
    with deps.uow() as uow:
        assert uow.webhook_events.count() == 0


@pytest.mark.parametrize("path", ["/api/webhook/dias/payment-sucess", "/api/webhooks/dias"])
def test_a_tokenless_dias_postback_stays_refused(in_flight, deps, path):
    client, checkout_id, _ = in_flight
    assert_error(
        client.simulate_post(path, json={"externalRef": "cf_x", "status": "PAID"}),
        401,
        "unauthenticated",
    )


def test_with_a_token_the_original_path_behaves_as_ours(
    in_flight, deps, actors, junglepay, app_server
):
    client, checkout_id, tx = in_flight
    token = postback_token(client, actors.admin(), "junglepay")
    assert post(f"{app_server.url}{ORIGINAL_PATH}?token=wrong", {"data": {"id": tx}}) == 403
    assert post(f"{app_server.url}/api/webhooks/junglepay", {"data": {"id": tx}}) == 401
    junglepay.set_status(tx, "paid")
    assert post(f"{app_server.url}{ORIGINAL_PATH}?token={token}", {"data": {"id": tx}}) == 200
    assert settle_postbacks(deps) == ["processed"]
    assert state(deps, checkout_id) == ("paid", 1, 1)

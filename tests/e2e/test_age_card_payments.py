"""In-page card payments through JunglePay (issue 22) and the age assurance they give:
the checkout page gets JunglePay's public key and script (its CSP allows exactly that
script), the card hash the script makes is charged, and a card payment JunglePay reads
back as paid assures the buyer at once. PIX never assures; a Dias checkout never does,
whatever the client declared."""

from __future__ import annotations

import attrs
import pytest

from tests.support.api import assert_error
from tests.support.junglepay_server import REFUSED_NUMBER
from tests.support.payments import (  # noqa: F401
    JUNGLEPAY_SECRET,
    add_catalogue,
    app_server,
    checkout_body,
    configure_junglepay,
    customer,
    junglepay,
    junglepay_config,
    live_client,
    postback_token,
    settle_postbacks,
    start,
)


@pytest.fixture
def config(junglepay_config):
    return attrs.evolve(junglepay_config, age_gate=True, age_methods=("card", "document"))


@pytest.fixture
def shop(live_client, deps, actors, junglepay):
    admin = actors.admin()
    configure_junglepay(live_client, admin, public_key=junglepay.public_key)
    plan, _ = add_catalogue(deps, max_installments=6)
    return live_client, admin, plan


def age(client, headers) -> dict:
    return client.simulate_get("/api/age-assurance", headers=headers).json


def test_the_checkout_page_gets_the_card_form_and_its_csp_allows_exactly_the_script(
    shop, deps, junglepay
):
    client, _, _ = shop
    options = client.simulate_get("/api/checkout-options").json
    assert options == {
        "card": {"public_key": junglepay.public_key, "script_url": junglepay.script_url},
        "pix_automatico": [],  # JunglePay has no Pix Automático
    }
    csp = client.simulate_get("/checkout").headers["content-security-policy"]
    assert f"script-src 'self' {junglepay.script_url};" in csp
    assert junglepay.script_url not in client.simulate_get("/").headers["content-security-policy"]


def test_no_card_form_without_junglepay(client):
    assert client.simulate_get("/api/checkout-options").json == {"card": None, "pix_automatico": []}
    assert (
        "script-src 'self';" in client.simulate_get("/checkout").headers["content-security-policy"]
    )


def test_a_card_paid_in_the_page_assures_its_buyer_at_once(shop, deps, junglepay, actors):
    client, _, plan = shop
    buyer = actors.user("card@example.com")
    created = start(
        client,
        checkout_body(
            plan.id,
            "credit_card",
            card_hash=junglepay.card_hash(),
            installments=3,
            customer=customer(email="card@example.com"),
        ),
        buyer,
    )
    assert created["status"] == "paid"
    sent = junglepay.received[-1]
    assert sent["installments"] == 3 and set(sent["card"]) == {"hash"}
    seen = age(client, buyer)
    assert seen["assured"] is True and seen["method"] == "card" and seen["token"] is None


def test_installments_beyond_the_plans_limit_are_refused(shop, junglepay):
    client, _, plan = shop
    refused = client.simulate_post(
        "/api/checkouts",
        json=checkout_body(plan.id, "credit_card", card_hash=junglepay.card_hash(), installments=7),
    )
    assert_error(refused, 400, "invalid", "installments")


def test_a_refused_or_expired_card_is_refused_and_assures_nobody(shop, deps, junglepay, actors):
    client, _, plan = shop
    buyer = actors.user("card@example.com")
    refused = client.simulate_post(
        "/api/checkouts",
        headers=buyer,
        json=checkout_body(plan.id, "credit_card", card_hash=junglepay.card_hash(REFUSED_NUMBER)),
    )
    assert_error(refused, 402, "payment_refused")
    stale = client.simulate_post(
        "/api/checkouts",
        headers=buyer,
        json=checkout_body(
            plan.id, "credit_card", card_hash=junglepay.card_hash(age_ms=6 * 60 * 1000)
        ),
    )
    assert stale.status_code == 502
    assert age(client, buyer)["assured"] is False


def test_a_pix_payment_does_not_assure(shop, deps, junglepay, actors):
    client, _, plan = shop
    buyer = actors.user("pix@example.com")
    created = start(
        client, checkout_body(plan.id, customer=customer(email="pix@example.com")), buyer
    )
    with deps.uow() as uow:
        tx = uow.checkouts.get(created["id"]).external_id
    junglepay.set_status(tx, "paid")
    assert junglepay.postback(tx) == 200
    assert settle_postbacks(deps) == ["processed"]
    with deps.uow() as uow:
        assert uow.checkouts.get(created["id"]).status == "paid"
    seen = age(client, buyer)
    assert seen["assured"] is False
    assert [m["method"] for m in seen["methods"]] == ["card", "document"]


def test_a_dias_checkout_declared_credit_card_never_assures(client, deps, actors):
    # The review: Dias's postback never says how the buyer paid; the client's word
    # (payment_method credit_card) gave the card assurance.
    plan, _ = add_catalogue(deps, checkout_url="https://pay.dias.example/checkout/abc")
    buyer = actors.user("dias@example.com")
    created = start(
        client,
        checkout_body(plan.id, "credit_card", customer=customer(email="dias@example.com")),
        buyer,
    )
    with deps.uow() as uow:
        ref = uow.checkouts.get(created["id"]).external_id
    token = postback_token(client, actors.admin(), "dias")
    paid = client.simulate_post(
        "/api/webhooks/dias",
        params={"token": token},
        json={
            "externalRef": ref,
            "status": "PAID",
            "amount": plan.price,
            "email": "dias@example.com",
        },
    )
    assert paid.status_code == 200, paid.text
    with deps.uow() as uow:
        assert uow.checkouts.get(created["id"]).status == "paid"
    assert age(client, buyer)["assured"] is False

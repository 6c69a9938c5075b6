"""JunglePay transactions no checkout knows yet: a charge whose answer we lost to a
timeout (the buyer is charged; our checkout has no transaction id) is adopted through
the checkout reference in its postback URL, when amount and buyer agree; anything else
is recorded as unmatched and logged for a human, never silently dropped."""

from __future__ import annotations

import logging
from datetime import timedelta

import pytest

from adapters.payments.junglepay import JunglePayGateway
from domain.payments.customer import parse_customer
from domain.payments.gateways import ChargeItem, ChargeRequest
from tests.support.api import assert_error
from tests.support.payments import (  # noqa: F401
    JUNGLEPAY_SECRET,
    app_server,
    checkout_body,
    customer,
    junglepay,
    junglepay_config,
    live_client,
    notifications,
    poll,
    shop,
    subscriptions_of,
)


@pytest.fixture
def config(junglepay_config):
    return junglepay_config


def lose_the_charge_answer(client, deps, junglepay, plan) -> tuple[dict, str]:
    """A card checkout whose charge JunglePay makes after we stopped waiting (504): the
    buyer is charged, our checkout is pending without the transaction id."""
    deps.payments.timeout = (1.0, 0.3)
    junglepay.mode, junglepay.delay = "slow", 0.8
    result = client.simulate_post(
        "/api/checkouts", json=checkout_body(plan.id, "credit_card", card_hash="tok_card_ok")
    )
    assert_error(result, 504, "gateway_timeout")
    [tx] = junglepay.wait_for_transactions(1)
    junglepay.mode = "ok"
    pending = result.json["checkout"]
    assert junglepay.transactions[tx]["postbackUrl"].endswith(f"&checkout={pending['id']}")
    with deps.uow() as uow:
        assert uow.checkouts.get(pending["id"]).external_id is None
    return pending, tx


def test_a_charge_whose_answer_was_lost_is_adopted_by_its_postback(shop, deps, clock, junglepay):
    client, _, plan = shop
    pending, tx = lose_the_charge_answer(client, deps, junglepay, plan)
    junglepay.set_status(tx, "paid")
    assert junglepay.postback(tx) == 200
    view = poll(client, pending).json
    assert view["status"] == "paid" and view["set_password"] is not None
    with deps.uow() as uow:
        assert uow.checkouts.get(pending["id"]).external_id == tx
    [sub] = subscriptions_of(deps, "ana@example.com")
    assert (sub.status, sub.external_id, sub.end_date) == (
        "active",
        tx,
        clock.now() + timedelta(days=30),
    )
    assert [(n.checkout_id, n.outcome) for n in notifications(deps)] == [(pending["id"], "paid")]
    assert junglepay.postback(tx) == 200  # and only once
    assert len(subscriptions_of(deps, "ana@example.com")) == 1


def test_a_lost_charge_for_another_amount_is_recorded_unmatched(shop, deps, junglepay, caplog):
    client, _, plan = shop
    pending, tx = lose_the_charge_answer(client, deps, junglepay, plan)
    junglepay.transactions[tx]["amount"] = plan.price + 1
    junglepay.set_status(tx, "paid")
    with caplog.at_level(logging.INFO):
        assert junglepay.postback(tx) == 200
    assert poll(client, pending).json["status"] == "pending"
    assert subscriptions_of(deps, "ana@example.com") == []
    [note] = notifications(deps)
    assert (note.external_id, note.status, note.outcome, note.checkout_id) == (
        tx,
        "paid",
        "unmatched",
        None,
    )
    errors = [r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR]
    assert any(tx in message for message in errors)
    assert JUNGLEPAY_SECRET not in caplog.text and "tok_card_ok" not in caplog.text


def test_a_real_transaction_that_is_not_ours_is_recorded_unmatched(shop, deps, junglepay, caplog):
    client, admin, _ = shop
    stranger = JunglePayGateway(junglepay.url, JUNGLEPAY_SECRET).create_charge(
        ChargeRequest(
            amount=500,
            payment_method="pix",
            customer=parse_customer(customer()),
            items=(ChargeItem("Elsewhere", 500),),
            postback_url=our_postback_url(client, admin),
        )
    )  # no checkout reference of ours
    junglepay.set_status(stranger.external_id, "paid")
    with caplog.at_level(logging.ERROR):
        assert junglepay.postback(stranger.external_id) == 200
    assert [(n.external_id, n.outcome) for n in notifications(deps)] == [
        (stranger.external_id, "unmatched")
    ]
    assert any(r.levelno == logging.ERROR for r in caplog.records)


def our_postback_url(client, admin) -> str:
    gateways = client.simulate_get("/api/admin/payment-gateways", headers=admin).json["data"]
    return next(g["generated_postback_url"] for g in gateways if g["name"] == "junglepay")

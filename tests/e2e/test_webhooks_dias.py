"""Dias Marketplace: card payments through the plan's external checkout. The buyer is
sent there with our reference; Dias's postback (PENDING, then PAID) names it."""

from __future__ import annotations

from datetime import timedelta
from urllib.parse import parse_qs, urlsplit

import pytest

from tests.support.api import assert_error
from tests.support.payments import (
    add_catalogue,
    checkout_body,
    poll,
    postback_token,
    start,
    subscriptions_of,
)

DIAS_URL = "https://pay.dias.example/checkout/abc"
PATHS = ("/api/webhooks/dias", "/api/webhook/dias/payment-sucess")


@pytest.fixture
def bought(client, deps, actors):
    """A card checkout sent to Dias: (client, created checkout, its reference, token)."""
    plan, _ = add_catalogue(deps, checkout_url=DIAS_URL)
    created = start(client, checkout_body(plan.id, "credit_card"))
    with deps.uow() as uow:
        ref = uow.checkouts.get(created["id"]).external_id
    return client, created, ref, postback_token(client, actors.admin(), "dias")


def notify(client, token, path=PATHS[0], **body):
    return client.simulate_post(path, params={"token": token}, json=body)


def test_a_card_checkout_without_a_card_token_goes_to_the_plans_checkout(bought):
    _, created, ref, _ = bought
    payment = created["payment"]
    assert payment["provider"] == "dias" and created["status"] == "pending"
    url = urlsplit(payment["redirect_url"])
    assert f"{url.scheme}://{url.netloc}{url.path}" == DIAS_URL
    assert parse_qs(url.query) == {"externalRef": [ref], "email": ["ana@example.com"]}
    assert ref.startswith("cf_")


@pytest.mark.smoke
def test_pending_records_a_pending_subscription_and_paid_activates_it(bought, deps, clock):
    client, created, ref, token = bought
    result = notify(client, token, externalRef=ref, status="PENDING", email="ana@example.com")
    assert result.status_code == 200 and result.json["status"] == "processed"
    [pending] = subscriptions_of(deps, "ana@example.com")
    assert pending.status == "pending" and pending.external_id == ref
    assert poll(client, created).json["status"] == "pending"
    assert notify(client, token, externalRef=ref, status="PENDING").json["status"] == "duplicate"

    clock.advance(hours=1)
    result = notify(client, token, PATHS[1], externalRef=ref, status="PAID", amount=2990)
    assert result.json["status"] == "processed"
    [active] = subscriptions_of(deps, "ana@example.com")
    assert active.id == pending.id and active.status == "active"
    assert active.end_date - active.start_date == timedelta(days=30)
    assert active.start_date == clock.now()
    assert poll(client, created).json["status"] == "paid"
    assert (
        notify(client, token, externalRef=ref, status="PAID", amount=2990).json["status"]
        == "duplicate"
    )
    # A PENDING arriving late never moves it back.
    notify(client, token, id=ref, status="PENDING")
    assert subscriptions_of(deps, "ana@example.com")[0].status == "active"


def test_paid_is_matched_by_reference_only(bought, deps):
    client, created, ref, token = bought
    for body in (
        {"externalRef": "cf_unknown", "status": "PAID"},
        {"status": "PAID"},
        {"externalRef": ref, "status": "REFUSED"},
        {"externalRef": ref},
    ):
        assert notify(client, token, **body).json["status"] == "ignored"
    assert poll(client, created).json["status"] == "pending"
    assert (
        notify(client, token, id=ref, status="paid", amount="29.90").json["status"] == "processed"
    )
    assert poll(client, created).json["status"] == "paid"


@pytest.mark.parametrize("path", PATHS)
def test_a_postback_without_our_token_is_refused(bought, deps, path):
    client, created, ref, token = bought
    assert_error(
        client.simulate_post(path, json={"externalRef": ref, "status": "PAID"}),
        401,
        "unauthenticated",
    )
    assert_error(
        client.simulate_post(
            path, params={"token": token[:-1] + "0"}, json={"externalRef": ref, "status": "PAID"}
        ),
        403,
        "forbidden",
    )
    assert poll(client, created).json["status"] == "pending"


def test_dias_cannot_settle_a_checkout_of_another_gateway(client, deps, actors):
    plan, _ = add_catalogue(deps)
    created = start(client, checkout_body(plan.id))  # a sandbox PIX checkout
    with deps.uow() as uow:
        ref = uow.checkouts.get(created["id"]).external_id
    token = postback_token(client, actors.admin(), "dias")
    assert notify(client, token, externalRef=ref, status="PAID").json["status"] == "ignored"
    assert poll(client, created).json["status"] == "pending"


def test_a_late_pending_leaves_the_paid_status_shown_to_the_buyer(bought):
    client, created, ref, token = bought
    assert (
        notify(client, token, externalRef=ref, status="PAID", amount=2990).json["status"]
        == "processed"
    )
    assert notify(client, token, externalRef=ref, status="PENDING").json["status"] == "unchanged"
    view = poll(client, created).json
    assert (view["status"], view["payment"]["status"]) == ("paid", "paid")

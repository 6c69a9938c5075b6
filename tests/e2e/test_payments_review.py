"""Issue 13, findings 1 and 7: a payment of another amount than the checkout's total is
never taken as paid, nor left pending for good. The checkout goes to `review`, which
the admin sees and settles; a later read-back of the right amount still settles it."""

from __future__ import annotations

import pytest

from domain.payments.webhooks import amount_in_cents
from tests.support.api import assert_error
from tests.support.payments import (  # noqa: F401
    JUNGLEPAY_SECRET,
    add_catalogue,
    app_server,
    checkout_body,
    configure_junglepay,
    junglepay,
    junglepay_config,
    live_client,
    poll,
    postback_token,
    settle_postbacks,
    start,
    subscriptions_of,
)

DIAS_URL = "https://pay.dias.example/checkout/abc"


def dias_checkout(client, deps, actors):
    plan, _ = add_catalogue(deps, checkout_url=DIAS_URL)
    created = start(client, checkout_body(plan.id, "credit_card"))
    with deps.uow() as uow:
        ref = uow.checkouts.get(created["id"]).external_id
    admin = actors.admin()
    return created, ref, postback_token(client, admin, "dias"), admin


def dias(client, token, **body):
    return client.simulate_post("/api/webhooks/dias", params={"token": token}, json=body)


def active(deps, email="ana@example.com") -> list:
    return [s for s in subscriptions_of(deps, email) if s.status == "active"]


@pytest.mark.smoke
def test_a_dias_paid_postback_of_another_amount_puts_the_checkout_in_review(client, deps, actors):
    created, ref, token, admin = dias_checkout(client, deps, actors)
    # Finding 1: with the postback token alone, `amount: 1` activated a subscription.
    result = dias(client, token, externalRef=ref, status="PAID", amount=1)
    assert result.status_code == 200 and result.json["status"] == "processed"
    assert poll(client, created).json["status"] == "review"
    assert active(deps) == []
    listed = client.simulate_get(
        "/api/admin/checkouts", params={"status": "review"}, headers=admin
    ).json
    assert [c["id"] for c in listed["data"]] == [created["id"]]
    # The same wrong postback again is a duplicate; one of the right amount settles it.
    assert (
        dias(client, token, externalRef=ref, status="PAID", amount=1).json["status"] == "duplicate"
    )
    assert (
        dias(client, token, externalRef=ref, status="PAID", amount="29.90").json["status"]
        == "processed"
    )
    assert poll(client, created).json["status"] == "paid"
    assert len(active(deps)) == 1


@pytest.mark.parametrize("amount", [None, "abc", True, 2989, "29,89", -2990])
def test_a_dias_paid_postback_without_the_right_amount_is_never_paid(client, deps, actors, amount):
    created, ref, token, _ = dias_checkout(client, deps, actors)
    body = {"externalRef": ref, "status": "PAID"}
    if amount is not None:
        body["amount"] = amount
    assert dias(client, token, **body).status_code == 200
    assert poll(client, created).json["status"] == "review"
    assert active(deps) == []


@pytest.mark.parametrize("amount", [2990, "2990", "29.90", "29,90", 29.9, " 29.9 "])
def test_a_dias_paid_postback_of_the_total_activates(client, deps, actors, amount):
    created, ref, token, _ = dias_checkout(client, deps, actors)
    assert (
        dias(client, token, externalRef=ref, status="PAID", amount=amount).json["status"]
        == "processed"
    )
    assert poll(client, created).json["status"] == "paid"
    assert len(active(deps)) == 1


def test_amounts_as_dias_may_send_them():
    assert amount_in_cents(2990) == 2990 and amount_in_cents("29.9") == 2990
    assert amount_in_cents("0.05") == 5 and amount_in_cents(1.5) == 150
    for bad in (None, True, -1, "1.234", "1e3", "", " ", 10**13, float("nan"), [], {}):
        assert amount_in_cents(bad) is None, bad


@pytest.mark.smoke
@pytest.mark.parametrize("settle", ["paid", "failed"])
def test_the_admin_settles_a_checkout_in_review(client, deps, actors, settle):
    created, ref, token, admin = dias_checkout(client, deps, actors)
    dias(client, token, externalRef=ref, status="PENDING")
    dias(client, token, externalRef=ref, status="PAID", amount=100)
    url = f"/api/admin/checkouts/{created['id']}/settle"
    assert_error(
        client.simulate_post(url, json={"status": "refunded"}, headers=admin),
        400,
        "invalid",
        field="status",
    )
    assert client.simulate_post(url, json={"status": settle}).status_code == 401
    result = client.simulate_post(url, json={"status": settle}, headers=admin)
    assert result.status_code == 200 and result.json["status"] == settle
    assert poll(client, created).json["status"] == settle
    [logged] = client.simulate_get(
        "/api/admin/audit-log", headers=admin, params={"resource": "checkouts"}
    ).json["data"]
    assert (logged["route"], logged["record_id"], logged["changes"]) == (
        "/api/admin/checkouts/{id}/settle",
        str(created["id"]),
        {"status": settle},
    )
    [sub] = subscriptions_of(deps, "ana@example.com")
    assert sub.status == ("active" if settle == "paid" else "canceled")
    # Settled once: a second settlement, or a late postback, changes nothing.
    assert_error(client.simulate_post(url, json={"status": "paid"}, headers=admin), 409, "conflict")
    dias(client, token, externalRef=ref, status="PAID", amount=2990)
    assert poll(client, created).json["status"] == settle
    assert len(subscriptions_of(deps, "ana@example.com")) == 1


def test_settling_needs_a_checkout_in_review(client, deps, actors):
    created, ref, token, admin = dias_checkout(client, deps, actors)
    url = f"/api/admin/checkouts/{created['id']}/settle"
    assert_error(client.simulate_post(url, json={"status": "paid"}, headers=admin), 409, "conflict")
    assert_error(
        client.simulate_post(
            "/api/admin/checkouts/999999/settle", json={"status": "paid"}, headers=admin
        ),
        404,
        "not_found",
    )
    assert poll(client, created).json["status"] == "pending"


# -- JunglePay (finding 7) ----------------------------------------------------------------
@pytest.fixture
def config(junglepay_config):
    return junglepay_config


@pytest.mark.smoke
def test_a_junglepay_paid_read_back_of_another_amount_then_the_right_one(
    live_client, deps, actors, junglepay, app_server
):
    configure_junglepay(live_client, actors.admin())
    junglepay.after_postback = lambda: settle_postbacks(deps)  # our worker's round
    plan, _ = add_catalogue(deps)
    created = start(live_client, checkout_body(plan.id))
    with deps.uow() as uow:
        tx = uow.checkouts.get(created["id"]).external_id
    junglepay.set_status(tx, "paid")
    junglepay.transactions[tx]["amount"] = 1  # JunglePay says: paid, 1 cent
    assert junglepay.postback(tx) == 200
    assert poll(live_client, created).json["status"] == "review"
    assert active(deps) == []
    # Finding 7: the correct notice was taken for the wrong one's duplicate.
    junglepay.transactions[tx]["amount"] = plan.price
    assert junglepay.postback(tx) == 200
    assert poll(live_client, created).json["status"] == "paid"
    assert len(subscriptions_of(deps, "ana@example.com")) == 1
    assert len(active(deps)) == 1
    assert junglepay.postback(tx) == 200  # repeated: still one grant
    assert len(subscriptions_of(deps, "ana@example.com")) == 1
    with deps.uow() as uow:
        outcomes = [n.outcome for n in uow.webhook_events.find(order_by=["id"]).items]
    assert outcomes == ["review", "paid"]

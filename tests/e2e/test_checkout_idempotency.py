"""Issue 21.5: POST /api/checkouts honours an Idempotency-Key. A repeat with the same key
and caller returns the same checkout and never charges twice, concurrent repeats too; a
charge the gateway refused to start (bulkhead, open circuit) is made by the retry."""

from __future__ import annotations

import uuid

import pytest

from tests.support.concurrency import at_once
from tests.support.payments import (  # noqa: F401
    add_catalogue,
    app_server,
    checkout_body,
    configure_junglepay,
    junglepay,
    junglepay_config,
    live_client,
)


@pytest.fixture
def config(junglepay_config):
    return junglepay_config


@pytest.fixture
def shop(live_client, deps, actors):
    configure_junglepay(live_client, actors.admin())
    plan, bumps = add_catalogue(deps)
    return live_client, plan, bumps


def post(client, body: dict, key: str | None, headers: dict | None = None):
    return client.simulate_post(
        "/api/checkouts",
        json=body,
        headers={**({"Idempotency-Key": key} if key else {}), **(headers or {})},
    )


def checkouts_in(deps) -> int:
    with deps.uow() as uow:
        return uow.checkouts.count()


@pytest.mark.smoke
def test_a_repeat_with_the_same_key_returns_the_same_checkout_and_charges_once(
    shop, deps, junglepay
):
    client, plan, _ = shop
    key = str(uuid.uuid4())
    first = post(client, checkout_body(plan.id), key)
    again = post(client, checkout_body(plan.id), key)
    assert first.status_code == again.status_code == 201, (first.json, again.json)
    assert again.headers.get("Idempotent-Replayed") == "true"
    assert "Idempotent-Replayed" not in first.headers
    assert again.json["id"] == first.json["id"]
    assert again.json["payment"]["qr_code"] == first.json["payment"]["qr_code"]
    assert again.json["access_token"]  # the buyer can poll it, as after the first
    assert len(junglepay.received) == 1 and checkouts_in(deps) == 1
    other = post(client, checkout_body(plan.id), str(uuid.uuid4()))  # a new attempt
    assert other.status_code == 201 and other.json["id"] != first.json["id"]
    assert len(junglepay.received) == 2


@pytest.mark.smoke
def test_two_concurrent_identical_requests_make_one_charge(shop, deps, junglepay):
    client, plan, _ = shop
    key = str(uuid.uuid4())
    answers = at_once(2, lambda i: post(client, checkout_body(plan.id), key))
    assert {a.status_code for a in answers} == {201}, [a.json for a in answers]
    assert answers[0].json["id"] == answers[1].json["id"]
    assert len(junglepay.received) == 1 and checkouts_in(deps) == 1


def test_the_key_is_the_callers_own_and_names_one_purchase(shop, deps, junglepay):
    client, plan, bumps = shop
    key = str(uuid.uuid4())
    ana = post(client, checkout_body(plan.id), key)
    bia = post(
        client,
        checkout_body(
            plan.id,
            customer={
                "name": "Bia",
                "email": "bia@example.com",
                "document": "529.982.247-25",
                "phone": "(11) 98765-4321",
            },
        ),
        key,
    )
    assert ana.status_code == bia.status_code == 201
    assert ana.json["id"] != bia.json["id"]  # another caller's key finds nothing of theirs
    changed = post(client, checkout_body(plan.id, bumps=[bumps[0].id]), key)
    assert changed.status_code == 409, changed.json
    assert changed.json["error"]["field"] == "Idempotency-Key"
    assert len(junglepay.received) == 2


@pytest.mark.parametrize("key", ["", "a b", "x" * 256, "chave-ç"])
def test_a_malformed_key_is_a_400_naming_the_header(shop, junglepay, key):
    client, plan, _ = shop
    result = client.simulate_post(
        "/api/checkouts", json=checkout_body(plan.id), headers={"Idempotency-Key": key}
    )
    assert result.status_code == 400, result.json
    assert result.json["error"]["field"] == "Idempotency-Key"
    assert junglepay.received == []


def test_a_charge_never_sent_is_made_by_the_retry_with_its_key(shop, deps, junglepay):
    client, plan, _ = shop
    key = str(uuid.uuid4())
    guard = deps.payments.guard
    # Every slot taken: the gateway is not called.
    slots = [guard.bulkhead.acquire() for _ in range(guard.bulkhead.slots)]
    try:
        busy = post(client, checkout_body(plan.id), key)
    finally:
        for slot in slots:
            guard.bulkhead.release(slot)
    assert busy.status_code == 503 and busy.json["error"]["code"] == "gateway_busy"
    assert busy.headers["Retry-After"].isdigit()
    assert junglepay.received == []
    retried = post(client, checkout_body(plan.id), key)
    assert retried.status_code == 201, retried.json
    assert retried.json["id"] == busy.json["checkout"]["id"]
    assert retried.json["payment"]["qr_code"]
    again = post(client, checkout_body(plan.id), key)
    assert again.json["id"] == retried.json["id"]
    assert len(junglepay.received) == 1

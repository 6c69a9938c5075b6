"""Whatever reaches a postback URL, the answer is never a 500: odd tokens are refused
like wrong ones, references no database can hold are not ours."""

from __future__ import annotations

import json

import pytest

from tests.support.api import assert_error
from tests.support.payments import add_catalogue, checkout_body, postback_token, start

PATHS = {
    "junglepay": ("/api/webhooks/junglepay", "/api/webhook/junglepay"),
    "dias": ("/api/webhooks/dias", "/api/webhook/dias/payment-sucess"),
}


@pytest.mark.parametrize("gateway", list(PATHS))
@pytest.mark.parametrize(
    "token",
    ["é", "tökén", "\u0660" * 3, "\U0001f600"],
    ids=["e-acute", "latin", "arabic-digits", "emoji"],
)
def test_a_non_ascii_token_is_refused_like_a_wrong_one(client, gateway, token):
    for path in PATHS[gateway]:
        assert_error(
            client.simulate_post(
                path, params={"token": token}, json={"externalRef": "x", "status": "PAID"}
            ),
            403,
            "forbidden",
        )


@pytest.mark.smoke
@pytest.mark.parametrize(
    "gateway, body",
    [
        ("junglepay", {"type": "transaction", "data": {"id": "10\u00001", "status": "paid"}}),
        ("junglepay", {"type": "transaction", "data": {"id": "\ud800", "status": "paid"}}),
        ("junglepay", {"type": "transaction", "data": {"id": "1\u001b[0m", "status": "paid"}}),
        ("dias", {"id": "cf_\u0000", "status": "PAID"}),
        ("dias", {"externalRef": "\udc00", "status": "PAID"}),
        ("dias", {"externalRef": "cf_x", "status": "PA\ud800ID"}),
    ],
)
def test_a_reference_no_database_can_hold_is_not_ours(client, deps, actors, gateway, body):
    admin = actors.admin()
    # JunglePay configured, so nothing stops before the reference is looked at.
    client.simulate_put(
        "/api/admin/payment-gateways/junglepay", headers=admin, json={"secret_key": "sk_test"}
    )
    plan, _ = add_catalogue(deps)
    start(client, checkout_body(plan.id))
    result = client.simulate_post(
        PATHS[gateway][0],
        params={"token": postback_token(client, admin, gateway)},
        body=json.dumps(body),  # escaped, as a gateway sends it
        headers={"Content-Type": "application/json"},
    )
    assert result.status_code == 200 and result.json == {"status": "ignored"}
    with deps.uow() as uow:
        assert uow.webhook_events.count() == 0

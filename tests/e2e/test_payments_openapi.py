"""Every payment route answers what /openapi.json says it answers (successes and
errors), so generated clients and fuzzers can rely on the document."""

from __future__ import annotations

import pytest

from domain.payments.commands import CLIENT_TOTALS
from domain.payments.customer import CUSTOMER_FIELDS
from entrypoints.http.schemas import body_schema
from tests.support.openapi_check import assert_documented
from tests.support.payments import add_catalogue, checkout_body, poll, postback_token, start


@pytest.mark.parametrize("backend", ["memory"], indirect=True)
def test_payment_routes_answer_as_documented(client, deps, actors):
    admin = actors.admin()
    plan, _ = add_catalogue(deps)
    external, _ = add_catalogue(deps, checkout_url="https://pay.example/c")
    seen = []

    def check(template, method, result, status):
        assert result.status_code == status, (template, result.json)
        assert_documented(client, template, method, result)
        seen.append((template, method, status))

    created = start(client, checkout_body(plan.id))
    check(
        "/api/checkouts",
        "POST",
        client.simulate_post("/api/checkouts", json=checkout_body(plan.id)),
        201,
    )
    check(
        "/api/checkouts",
        "POST",
        client.simulate_post("/api/checkouts", json=checkout_body(external.id, "credit_card")),
        201,
    )
    check(
        "/api/checkouts",
        "POST",
        client.simulate_post("/api/checkouts", json=checkout_body(999)),
        400,
    )
    check(
        "/api/checkouts",
        "POST",
        client.simulate_post(
            "/api/checkouts", json=checkout_body(plan.id, "credit_card", card_hash="sandbox-refuse")
        ),
        402,
    )
    item = "/api/checkouts/{id:id}"
    check(item, "GET", poll(client, created), 200)
    check(item, "GET", client.simulate_get(f"/api/checkouts/{created['id']}"), 401)
    check(
        item,
        "GET",
        client.simulate_get(f"/api/checkouts/{created['id']}", params={"access_token": "x"}),
        403,
    )
    pay = "/api/admin/sandbox/checkouts/{id:id}/pay"
    check(
        pay,
        "POST",
        client.simulate_post(f"/api/admin/sandbox/checkouts/{created['id']}/pay", headers=admin),
        200,
    )
    paid = poll(client, created)
    assert paid.json["set_password"] is not None
    check(item, "GET", paid, 200)
    check(
        "/api/auth/set-password",
        "POST",
        client.simulate_post(
            "/api/auth/set-password",
            json={"token": paid.json["set_password"]["token"], "password": "password-123"},
        ),
        200,
    )
    for path in ("/api/admin/checkouts", "/api/admin/subscriptions"):
        check(path, "GET", client.simulate_get(path, headers=admin), 200)
        check(path + "/{id:id}", "GET", client.simulate_get(path + "/1", headers=admin), 200)
    check(
        "/api/admin/users/{id:id}/subscriptions",
        "POST",
        client.simulate_post(
            "/api/admin/users/1/subscriptions", headers=admin, json={"plan_id": plan.id}
        ),
        201,
    )
    check(
        "/api/admin/payment-gateways",
        "GET",
        client.simulate_get("/api/admin/payment-gateways", headers=admin),
        200,
    )
    token = postback_token(client, admin, "dias")
    for path in (
        "/api/webhooks/dias",
        "/api/webhook/dias/payment-sucess",
        "/api/webhooks/junglepay",
        "/api/webhook/junglepay",
    ):
        gateway_token = token if "dias" in path else postback_token(client, admin, "junglepay")
        check(
            path,
            "POST",
            client.simulate_post(path, params={"token": gateway_token}, json={"status": "PAID"}),
            200,
        )
        # The original's token-less path ignores a postback about no transaction of
        # ours (issue 20, finding 11); ours refuse it.
        check(
            path,
            "POST",
            client.simulate_post(path, json={}),
            200 if path == "/api/webhook/junglepay" else 401,
        )
        check(path, "POST", client.simulate_post(path, params={"token": "bad"}, json={}), 403)
    check(
        "/api/admin/payment-gateways/{name}",
        "PUT",
        client.simulate_put(
            "/api/admin/payment-gateways/junglepay",
            headers=admin,
            json={"secret_key": "sk", "is_active": True},
        ),
        200,
    )
    check(
        pay,
        "POST",
        client.simulate_post(f"/api/admin/sandbox/checkouts/{created['id']}/pay", headers=admin),
        409,
    )
    assert len(seen) == 30


@pytest.mark.parametrize("backend", ["memory"], indirect=True)
def test_the_checkout_request_is_documented_from_the_domains_fields(client):
    spec = client.simulate_get("/openapi.json").json
    operation = spec["paths"]["/api/checkouts"]["post"]
    schema = operation["requestBody"]["content"]["application/json"]["schema"]
    assert schema["properties"]["customer"] == body_schema(CUSTOMER_FIELDS)
    # A total a client sends is accepted and ignored: documented, so schema and server agree.
    for name in CLIENT_TOTALS:
        assert "ignored" in schema["properties"][name]["description"]
    assert {"502", "503", "504"} <= set(operation["responses"])
    webhook = spec["paths"]["/api/webhooks/junglepay"]["post"]["responses"]["200"]
    outcomes = webhook["content"]["application/json"]["schema"]["properties"]["status"]["enum"]
    assert "unmatched" in outcomes

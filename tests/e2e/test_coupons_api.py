"""Coupons (issue 25): admin CRUD, applied by the server to the plan's price, refused
with a 400 on `coupon`, redeemed exactly under concurrency, previewed by the checkout
page, and kept by renewals for their cycles."""

from __future__ import annotations

from datetime import timedelta

import pytest

from tests.support.api import assert_error
from tests.support.payments import (  # noqa: F401
    add_catalogue,
    app_server,
    checkout_body,
    configure_junglepay,
    customer,
    junglepay,
    junglepay_config,
    live_client,
    login,
    start,
    subscriptions_of,
)
from tests.support.renewals import (  # noqa: F401
    EMAIL,
    current,
    mails,
    mine,
    purchase,
    renewal_config,
    renewal_rows,
    run_jobs,
    shop,
)


@pytest.fixture
def config(renewal_config):
    return renewal_config


def test_admins_manage_coupons_and_codes_are_case_insensitive(client, deps, actors):
    admin = actors.admin()
    plan, _ = add_catalogue(deps)
    made = client.simulate_post(
        "/api/admin/coupons",
        headers=admin,
        json={
            "code": " bemvindo10 ",
            "percent_off": 10,
            "duration": "once",
            "max_redemptions": 5,
            "plan_ids": [plan.id],
        },
    )
    assert made.status_code == 201, made.json
    assert (made.json["code"], made.json["times_redeemed"]) == ("BEMVINDO10", 0)
    clash = client.simulate_post(
        "/api/admin/coupons", headers=admin, json={"code": "BemVindo10", "amount_off": 500}
    )
    assert_error(clash, 409, "conflict", "code")
    for body, field in (
        ({"code": "X", "percent_off": 0}, "percent_off"),
        ({"code": "X", "percent_off": 101}, "percent_off"),
        ({"code": "X", "percent_off": 10, "amount_off": 100}, "percent_off"),
        ({"code": "X"}, "percent_off"),
        ({"code": "X", "amount_off": 100, "duration": "repeating"}, "cycles"),
        ({"code": "X", "amount_off": 100, "cycles": 2}, "cycles"),
        ({"code": "a b", "amount_off": 100}, "code"),
        ({"code": "X", "amount_off": 100, "plan_ids": [999]}, "plan_ids"),
    ):
        assert_error(
            client.simulate_post("/api/admin/coupons", headers=admin, json=body),
            400,
            "invalid",
            field,
        )
    coupon_id = made.json["id"]
    changed = client.simulate_patch(
        f"/api/admin/coupons/{coupon_id}",
        headers=admin,
        json={"duration": "repeating", "cycles": 3},
    )
    assert changed.status_code == 200 and changed.json["cycles"] == 3
    listed = client.simulate_get("/api/admin/coupons", headers=admin).json
    assert [c["code"] for c in listed["data"]] == ["BEMVINDO10"]
    assert client.simulate_get("/api/admin/coupons", headers=actors.user()).status_code == 403
    assert (
        client.simulate_delete(f"/api/admin/coupons/{coupon_id}", headers=admin).status_code == 204
    )


def test_the_server_applies_a_coupon_to_the_plan_only(shop, deps, actors, clock):
    client, plan = shop
    admin = actors.admin("boss@example.com")
    other, bumps = add_catalogue(deps, price=990)
    for body in (
        {"code": "METADE", "percent_off": 50, "plan_ids": [plan.id]},
        {
            "code": "VENCIDO",
            "amount_off": 100,
            "expires_at": (clock.now() - timedelta(minutes=1)).isoformat(),
        },
        {"code": "UMAVEZ", "amount_off": 100, "max_redemptions": 1},
    ):
        assert (
            client.simulate_post("/api/admin/coupons", headers=admin, json=body).status_code == 201
        )
    created = start(client, checkout_body(plan.id, bumps=[bumps[0].id], coupon="metade"))
    # 2990 / 2 = 1495 off the plan; the bump (990) is not discounted.
    assert created["total_amount"] == 1495 + 990
    assert start(client, checkout_body(plan.id, coupon="umavez"))["total_amount"] == 2890
    for code, why in (("NADA", "does not exist"), ("VENCIDO", "expired"), ("UMAVEZ", "used up")):
        refused = client.simulate_post("/api/checkouts", json=checkout_body(plan.id, coupon=code))
        assert_error(refused, 400, "invalid", "coupon")
        assert why in refused.json["error"]["message"]
    wrong = client.simulate_post("/api/checkouts", json=checkout_body(other.id, coupon="METADE"))
    assert_error(wrong, 400, "invalid", "coupon")
    with deps.uow() as uow:
        assert uow.coupons.first({"code": "METADE"}).times_redeemed == 1


@pytest.mark.smoke
def test_a_coupon_is_never_redeemed_beyond_its_limit_by_concurrent_checkouts(shop, deps, actors):
    from tests.support.concurrency import at_once

    client, plan = shop
    admin = actors.admin("boss@example.com")
    client.simulate_post(
        "/api/admin/coupons",
        headers=admin,
        json={"code": "TRES", "percent_off": 20, "max_redemptions": 3},
    )

    def buy(i: int) -> int:
        return client.simulate_post(
            "/api/checkouts",
            json=checkout_body(
                plan.id, coupon="tres", customer=customer(email=f"c{i}@example.com")
            ),
        ).status_code

    answers = at_once(8, buy)
    assert sorted(answers) == [201] * 3 + [400] * 5
    with deps.uow() as uow:
        assert uow.coupons.first({"code": "TRES"}).times_redeemed == 3
        assert uow.checkouts.count() == 3


def test_renewals_apply_a_repeating_coupon_its_cycles_then_the_full_price(
    shop, deps, clock, junglepay, actors
):
    client, plan = shop
    admin = actors.admin("boss@example.com")
    client.simulate_post(
        "/api/admin/coupons",
        headers=admin,
        json={"code": "TRIO", "amount_off": 1000, "duration": "repeating", "cycles": 3},
    )
    buyer = actors.user(EMAIL)
    created = start(
        client,
        checkout_body(
            plan.id,
            "credit_card",
            coupon="trio",
            card_hash=junglepay.card_hash(),
            renewal_consent=True,
            customer=customer(email=EMAIL),
        ),
        buyer,
    )
    assert created["total_amount"] == 1990 and created["status"] == "paid"
    sub = current(deps)
    assert (sub.coupon_cycles_left, sub.coupon_id is not None) == (2, True)
    for _ in range(3):
        clock.current = current(deps).end_date - timedelta(hours=1)
        run_jobs(deps)
    assert [c["amount"] for c in junglepay.saved_card_charges] == [1990, 1990, 2990]
    assert current(deps).coupon_id is None


def test_the_checkout_page_previews_a_coupon(shop, deps, actors, clock):
    client, plan = shop
    admin = actors.admin("boss@example.com")
    client.simulate_post(
        "/api/admin/coupons",
        headers=admin,
        json={"code": "DEZ", "percent_off": 10, "duration": "forever"},
    )
    seen = client.simulate_post("/api/coupons/check", json={"code": " dez ", "plan_id": plan.id})
    assert seen.status_code == 200, seen.json
    assert seen.json == {
        "code": "DEZ",
        "plan_id": plan.id,
        "discount": 299,
        "plan_price": 2691,
        "duration": "forever",
        "cycles": None,
    }
    unknown = client.simulate_post("/api/coupons/check", json={"code": "X", "plan_id": plan.id})
    assert_error(unknown, 400, "invalid", "coupon")
    with deps.uow() as uow:  # a preview redeems nothing
        assert uow.coupons.first({"code": "DEZ"}).times_redeemed == 0


# -- dashboard -----------------------------------------------------------------------

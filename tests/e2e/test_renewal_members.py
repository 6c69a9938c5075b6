"""A member's automatic renewal (issue 25): cancel (renewal off, access until the end, a
confirmation mail), resume before the end, change the plan of the next renewal, what
/api/me/subscriptions shows; and the events an operator is told of."""

from __future__ import annotations

from datetime import timedelta

import pytest

from domain.catalog.entities import AUTOMATIC
from domain.mail import messages as t
from domain.payments import renewing
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


@pytest.mark.smoke
def test_a_member_cancels_and_resumes_her_renewal(shop, deps, clock, junglepay, actors):
    client, plan = shop
    ana = actors.user(EMAIL)
    sub = purchase(client, deps, plan, junglepay, actors, buyer=ana)
    [shown] = mine(client, ana)
    assert shown["auto_renew"] is True and "card_ref" not in shown
    assert (shown["card_brand"], shown["card_last4"]) == ("visa", "1111")
    assert shown["next_charge_amount"] == plan.price
    assert shown["next_charge_at"] == (sub.end_date - timedelta(hours=24)).isoformat() + "Z"
    assert sub.card_ref not in client.simulate_get("/api/me", headers=ana).text
    assert sub.card_ref not in client.simulate_get("/api/me/export", headers=ana).text

    cancelled = client.simulate_post(f"/api/me/subscriptions/{sub.id}/cancel", headers=ana)
    assert cancelled.status_code == 200, cancelled.json
    assert cancelled.json["auto_renew"] is False and cancelled.json["next_charge_at"] is None
    assert cancelled.json["end_date"] == sub.end_date.isoformat() + "Z"  # access until the end
    [mail] = mails(deps, t.RENEWAL_CANCELLED)
    assert "nada mais será cobrado no cartão" in mail.text_body
    again = client.simulate_post(f"/api/me/subscriptions/{sub.id}/cancel", headers=ana)
    assert again.status_code == 200 and len(mails(deps, t.RENEWAL_CANCELLED)) == 1
    clock.current = sub.end_date - timedelta(hours=2)
    run_jobs(deps)
    assert junglepay.saved_card_charges == []

    ana = login(client, EMAIL, "user-password")  # a month later: a new session
    resumed = client.simulate_post(f"/api/me/subscriptions/{sub.id}/resume", headers=ana)
    assert resumed.status_code == 200 and resumed.json["auto_renew"] is True
    run_jobs(deps)
    assert len(junglepay.saved_card_charges) == 1
    assert current(deps).end_date == sub.end_date + timedelta(days=plan.duration)


def test_no_resume_after_the_end_and_no_one_elses_subscription(
    shop, deps, clock, junglepay, actors
):
    client, plan = shop
    ana = actors.user(EMAIL)
    sub = purchase(client, deps, plan, junglepay, actors, buyer=ana)
    other = actors.user("bia@example.com")
    for action in ("cancel", "resume"):
        stranger = client.simulate_post(f"/api/me/subscriptions/{sub.id}/{action}", headers=other)
        assert_error(stranger, 404, "not_found")
    assert client.simulate_post(f"/api/me/subscriptions/{sub.id}/cancel").status_code == 401
    client.simulate_post(f"/api/me/subscriptions/{sub.id}/cancel", headers=ana)
    clock.current = sub.end_date + timedelta(minutes=1)
    ana = login(client, EMAIL, "user-password")
    late = client.simulate_post(f"/api/me/subscriptions/{sub.id}/resume", headers=ana)
    assert_error(late, 409, "conflict")
    run_jobs(deps)
    assert junglepay.saved_card_charges == [] and current(deps).status == "expired"


def test_a_plan_change_takes_effect_at_the_next_renewal(shop, deps, clock, junglepay, actors):
    client, plan = shop
    ana = actors.user(EMAIL)
    sub = purchase(client, deps, plan, junglepay, actors, buyer=ana)
    quarterly, _ = add_catalogue(deps, price=7990, duration=90, renewal=AUTOMATIC)
    manual, _ = add_catalogue(deps, price=990, duration=7)
    refused = client.simulate_post(
        f"/api/me/subscriptions/{sub.id}/change-plan", headers=ana, json={"plan_id": manual.id}
    )
    assert_error(refused, 400, "invalid", "plan_id")
    changed = client.simulate_post(
        f"/api/me/subscriptions/{sub.id}/change-plan", headers=ana, json={"plan_id": quarterly.id}
    )
    assert changed.status_code == 200, changed.json
    assert (
        changed.json["plan_id"],
        changed.json["next_plan_id"],
        changed.json["next_charge_amount"],
    ) == (plan.id, quarterly.id, 7990)
    clock.current = sub.end_date - timedelta(hours=1)
    run_jobs(deps)
    [charge] = junglepay.saved_card_charges
    assert charge["amount"] == 7990 and charge["items"][0]["title"] == "Mensal"
    renewed = current(deps)
    assert (renewed.plan_id, renewed.next_plan_id) == (quarterly.id, None)
    assert renewed.end_date == sub.end_date + timedelta(days=90)


def test_renewed_past_due_and_cancelled_are_events_an_operator_is_told_of(
    shop, deps, clock, junglepay, actors
):
    import json

    from domain.notifications import entities as n

    client, plan = shop
    admin = actors.admin("boss@example.com")
    made = client.simulate_post(
        "/api/admin/webhook-endpoints",
        headers=admin,
        json={
            "url": "http://127.0.0.1:9/creatorflix",
            "events": ["subscription.renewed", "subscription.past_due", "subscription.cancelled"],
        },
    )
    assert made.status_code == 201, made.json
    ana = actors.user(EMAIL)
    sub = purchase(client, deps, plan, junglepay, actors, buyer=ana)
    # The engine alone: no delivery round (the endpoint is nowhere, and would be
    # disabled after the month the clock jumps).
    clock.current = sub.end_date - timedelta(hours=1)
    renewing.run_due(deps.renewals)  # renewed
    junglepay.refuse_card(sub.card_ref)
    clock.current = current(deps).end_date - timedelta(hours=1)
    renewing.run_due(deps.renewals)  # past due
    ana = login(client, EMAIL, "user-password")
    assert (
        client.simulate_post(f"/api/me/subscriptions/{sub.id}/cancel", headers=ana).status_code
        == 200
    )
    with deps.uow() as uow:
        sent = [
            (d.event, json.loads(d.body)["data"])
            for d in uow.webhook_deliveries.find(order_by=["id"]).items
        ]
    assert [e for e, _ in sent] == [
        "subscription.renewed",
        "subscription.past_due",
        "subscription.cancelled",
    ]
    renewed = sent[0][1]
    assert renewed["subscription_id"] == sub.id and renewed["amount"] == plan.price
    assert all(sub.card_ref not in json.dumps(data) for _, data in sent)
    assert set(e for e, _ in sent) <= set(n.EVENTS)

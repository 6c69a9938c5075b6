"""Every event an operator can be told of, caused through the API as people cause it,
reaches a webhook endpoint on loopback signed (checked with `standardwebhooks`) and
carries what the operator needs: the domain events' one notifications handler at work."""

from __future__ import annotations

import base64

import attrs
import pytest

from adapters.clock import FakeClock, utcnow
from domain.notifications import entities as n
from entrypoints import jobs
from tests.support.api import bearer, register
from tests.support.notifications import receiver  # noqa: F401 (fixture)
from tests.support.payments import add_catalogue, checkout_body, pay, postback_token, start

PHOTO = b"\x89PNG\r\n\x1a\n an ID photo"


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(utcnow())  # the receiver's library refuses timestamps 5 min off


@pytest.fixture
def config(config):
    return attrs.evolve(
        config, webhook_allow_private=True, age_methods=("card", "document", "sandbox")
    )


def received(receiver, deps) -> list[dict]:
    jobs.deliver_notifications(deps)
    return [r.json() for r in receiver.received]


@pytest.mark.smoke
def test_every_event_reaches_the_endpoint_signed(client, deps, actors, clock, receiver):
    admin = actors.admin()
    created = client.simulate_post(
        "/api/admin/webhook-endpoints",
        headers=admin,
        json={"url": receiver.url, "events": list(n.EVENTS)},
    )
    receiver.secrets = [created.json["secret"]]
    plan, bumps = add_catalogue(deps, checkout_url="https://pay.dias.example/checkout/abc")
    ana = bearer(register(client, "ana@example.com")["token"])
    first = start(client, checkout_body(plan.id, bumps=[bumps[0].id]), ana)
    pay(client, actors, first)
    asked = client.simulate_post(
        f"/api/me/checkouts/{first['id']}/withdrawal", headers=ana, json={"reason": "não gostei"}
    )
    assert asked.status_code == 201, asked.json
    assert (
        client.simulate_post(
            f"/api/admin/withdrawals/{asked.json['id']}/refund", headers=admin
        ).status_code
        == 200
    )
    sent = client.simulate_post(
        "/api/age-assurance/documents",
        headers=ana,
        json={"content_type": "image/png", "data": base64.b64encode(PHOTO).decode()},
    )
    assert sent.status_code == 201, sent.json
    # A card checkout paid through Dias for another amount: review.
    card = start(client, checkout_body(plan.id, "credit_card"), ana)
    with deps.uow() as uow:
        ref = uow.checkouts.get(card["id"]).external_id
    token = postback_token(client, admin, "dias")
    assert (
        client.simulate_post(
            "/api/webhooks/dias",
            params={"token": token},
            json={"externalRef": ref, "status": "PAID", "amount": 1},
        ).status_code
        == 200
    )
    now = received(receiver, deps)
    assert all(r.verified_by == receiver.secrets for r in receiver.received)
    paid = next(m for m in now if m["type"] == "checkout.paid")["data"]
    assert (paid["plan_name"], paid["bump_names"], paid["amount"]) == ("Mensal", ["Pack"], 3980)
    assert paid["customer"] == {"name": "Ana Souza", "email": "ana@example.com"}
    assert "customer_document" not in paid and "payment_data" not in paid
    # Later: a checkout left unpaid is abandoned, a paid subscription ends.
    start(client, checkout_body(plan.id), ana)
    again = start(client, checkout_body(plan.id), ana)
    pay(client, actors, again)
    clock.advance(days=40)
    jobs.abandon_checkouts(deps)
    jobs.expire_subscriptions(deps)
    types = {m["type"] for m in received(receiver, deps)}
    # Automatic renewal's events need JunglePay's saved cards: tests/e2e/test_renewals.py.
    renewal = {"subscription.renewed", "subscription.past_due", "subscription.cancelled"}
    assert types == set(n.EVENTS) - renewal

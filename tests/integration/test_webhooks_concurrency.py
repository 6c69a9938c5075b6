"""The same paid notification delivered 10 times at once, against PostgreSQL, and then
settled by several background workers at once: one paid checkout, one subscription,
one activation (the end date extended exactly once)."""

from __future__ import annotations

from collections import Counter
from datetime import timedelta
from urllib.parse import parse_qs, urlsplit

import pytest
from falcon.testing import TestClient

from domain.accounts.users import User
from domain.payments import postbacks, webhooks
from domain.payments.subscriptions import Subscription
from entrypoints.config import Config
from entrypoints.http.app import create_app
from tests.support.concurrency import at_once
from tests.support.deps import TEST_SECRET, Actors, deps_for
from tests.support.payments import (  # noqa: F401
    add_catalogue,
    checkout_body,
    configure_junglepay,
    junglepay,
    start,
)

DELIVERIES = 10


@pytest.fixture
def pg_deps(pg_backend, junglepay, clock):
    config = Config(secret_key=TEST_SECRET, gateway="junglepay", junglepay_url=junglepay.url)
    return deps_for(pg_backend, config, clock)


def test_concurrent_duplicates_activate_once(pg_deps, junglepay, clock):
    deps = pg_deps
    client = TestClient(create_app(deps))
    configure_junglepay(client, Actors(deps).admin())
    plan, _ = add_catalogue(deps)
    running_until = clock.now() + timedelta(days=10)
    with deps.uow() as uow:  # the buyer already has access for 10 more days
        user = uow.users.add(
            User(
                id=None,
                email="ana@example.com",
                password="h",
                subscription_status=1,
                created_at=clock.now(),
                email_verified_at=clock.now(),
            )
        )
        uow.subscriptions.add(
            Subscription(
                id=None,
                user_id=user.id,
                plan_id=plan.id,
                status="active",
                start_date=clock.now(),
                end_date=running_until,
                created_at=clock.now(),
            )
        )
        uow.commit()
    created = start(client, checkout_body(plan.id))
    with deps.uow() as uow:
        tx = uow.checkouts.get(created["id"]).external_id
    junglepay.set_status(tx, "paid")
    url = junglepay.transactions[tx]["postbackUrl"]
    query = parse_qs(urlsplit(url).query)
    assert query["checkout"] == [str(created["id"])]
    token = query["token"][0]
    body = junglepay.postback_body(tx)

    def deliver(_: int) -> tuple:
        result = client.simulate_post("/api/webhooks/junglepay", params={"token": token}, json=body)
        return result.status_code, result.json

    results = at_once(DELIVERIES, deliver, timeout=30)
    assert [code for code, _ in results] == [200] * DELIVERIES
    assert [body["status"] for _, body in results] == ["queued"] * DELIVERIES
    # Three workers (app server processes) settle them at once, each claiming a few.
    settled = at_once(
        3,
        lambda _: postbacks.settle_due(deps.payments_service, webhooks.settle_postback, limit=4),
        timeout=30,
    )
    outcomes = [o.status for report in settled for o in report.outcomes]
    assert Counter(outcomes) == {"processed": 1, "duplicate": DELIVERIES - 1}
    with deps.uow() as uow:
        checkout = uow.checkouts.get(created["id"])
        subs = uow.subscriptions.find({"user_id": user.id}, order_by=["id"]).items
        notes = uow.webhook_events.find().items
        buyer = uow.users.get(user.id)
    assert checkout.status == "paid" and checkout.user_id == user.id
    assert len(subs) == 2 and len(notes) == 1
    assert (subs[1].start_date, subs[1].end_date) == (
        running_until,
        running_until + timedelta(days=30),
    )
    assert buyer.subscription_status == 1

"""Helpers and fixtures of the automatic renewal tests (issue 25): the local JunglePay
with reusable card ids, a shop whose plan renews automatically, a card purchase with
the buyer's consent, and what the engine left behind. Test modules import the fixtures
they need by name."""

from __future__ import annotations

import attrs
import pytest

from domain.catalog.entities import AUTOMATIC
from domain.payments.subscriptions import Subscription
from entrypoints.jobs import PERIODIC_JOBS
from tests.support.payments import (
    add_catalogue,
    checkout_body,
    configure_junglepay,
    customer,
    start,
    subscriptions_of,
)

EMAIL = "ana@example.com"


@pytest.fixture
def renewal_config(junglepay_config, tmp_path):
    # The databases' deps deliver mail to .eml files: in the test's folder.
    return attrs.evolve(
        junglepay_config, mail_url=f"file://{tmp_path / 'outbox'}", webhook_allow_private=True
    )  # an operator's endpoint on loopback


@pytest.fixture
def shop(live_client, deps, actors, junglepay):
    admin = actors.admin()
    configure_junglepay(live_client, admin, public_key=junglepay.public_key)
    plan, _ = add_catalogue(deps, renewal=AUTOMATIC)
    return live_client, plan


def purchase(
    client, deps, plan, junglepay, actors, *, consent: bool = True, buyer: dict | None = None
) -> Subscription:
    buyer = buyer or actors.user(EMAIL)
    created = start(
        client,
        checkout_body(
            plan.id,
            "credit_card",
            card_hash=junglepay.card_hash(),
            renewal_consent=consent,
            customer=customer(email=EMAIL),
        ),
        buyer,
    )
    assert created["status"] == "paid"
    [sub] = subscriptions_of(deps, EMAIL)
    return sub


def current(deps) -> Subscription:
    [sub] = subscriptions_of(deps, EMAIL)
    return sub


def run_jobs(deps) -> None:
    for _, job, _ in PERIODIC_JOBS:
        job(deps)


def mails(deps, kind: str) -> list:
    with deps.uow() as uow:
        return [m for m in uow.outbox.find({"kind": kind}).items if m.recipient == EMAIL]


def renewal_rows(deps) -> list:
    with deps.uow() as uow:
        return list(uow.renewals.find(order_by=["id"]).items)


def mine(client, headers) -> list:
    result = client.simulate_get("/api/me/subscriptions", headers=headers)
    assert result.status_code == 200, result.json
    return result.json["data"]

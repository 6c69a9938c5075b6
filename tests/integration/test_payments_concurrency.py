"""Payments at the same moment, against PostgreSQL, through the HTTP API: several
payments (or manual grants) for one user chain their grants instead of overlapping,
and concurrent gateway activations queue up: never a 500, never two active gateways."""

from __future__ import annotations

import itertools
from collections import Counter
from datetime import timedelta

import pytest
from falcon.testing import TestClient

from entrypoints.http.app import create_app
from tests.support.concurrency import at_once
from tests.support.deps import Actors, deps_for
from tests.support.payments import add_catalogue, checkout_body, start, subscriptions_of

N = 4
DAYS = 30


@pytest.fixture
def shop(pg_backend, config, clock):
    """(deps, client, admin headers, buyer headers, plan) on PostgreSQL, sandbox gateway."""
    deps = deps_for(pg_backend, config, clock)
    client = TestClient(create_app(deps))
    actors = Actors(deps)
    plan, _ = add_catalogue(deps, duration=DAYS)
    return deps, client, actors.admin(), actors.user("ana@example.com"), plan


def assert_chained(grants, now, count: int) -> None:
    """Back to back from now, no overlap, no gap: `count` whole periods of access."""
    spans = sorted((g.start_date, g.end_date) for g in grants)
    assert len(spans) == count
    assert spans[0][0] == now
    for (_, end), (begin, _) in zip(spans, spans[1:]):
        assert begin == end
    assert spans[-1][1] == now + timedelta(days=DAYS * count)


def user_id_of(deps, email: str) -> int:
    with deps.uow() as uow:
        return uow.users.get_by_email(email).id


def test_payments_of_one_user_paid_at_once_chain_their_grants(shop, clock):
    deps, client, admin, buyer, plan = shop
    created = [start(client, checkout_body(plan.id), headers=buyer) for _ in range(N)]

    def pay(i: int):
        result = client.simulate_post(
            f"/api/admin/sandbox/checkouts/{created[i]['id']}/pay", headers=admin
        )
        return result.status_code, result.json["status"]

    assert at_once(N, pay) == [(200, "processed")] * N
    grants = subscriptions_of(deps, "ana@example.com")
    assert {g.status for g in grants} == {"active"}
    assert_chained(grants, clock.now(), N)


def test_manual_grants_made_at_once_chain(shop, clock):
    deps, client, admin, _, plan = shop
    user_id = user_id_of(deps, "ana@example.com")

    def grant(_: int) -> int:
        return client.simulate_post(
            f"/api/admin/users/{user_id}/subscriptions", headers=admin, json={"plan_id": plan.id}
        ).status_code

    assert at_once(N, grant) == [201] * N
    assert_chained(subscriptions_of(deps, "ana@example.com"), clock.now(), N)


@pytest.mark.parametrize("existing", [False, True], ids=["first-settings", "existing-rows"])
def test_gateway_activations_at_once_leave_exactly_one_active(shop, existing):
    deps, client, admin, _, _ = shop
    gateways = "/api/admin/payment-gateways"
    bodies = {
        "junglepay": {"secret_key": "sk_test", "is_active": True},
        "dias": {"is_active": True},
    }
    if existing:
        for name in bodies:
            assert (
                client.simulate_put(
                    f"{gateways}/{name}", headers=admin, json={"public_key": "pk"}
                ).status_code
                == 200
            )
    names = list(itertools.islice(itertools.cycle(bodies), 10))

    def activate(i: int) -> int:
        return client.simulate_put(
            f"{gateways}/{names[i]}", headers=admin, json=bodies[names[i]]
        ).status_code

    # The activations queue up on the locked rows (the first ones too): none refused.
    assert Counter(at_once(len(names), activate)) == {200: len(names)}
    listed = client.simulate_get(gateways, headers=admin).json
    active = [g["name"] for g in listed["data"] if g["is_active"]]
    assert len(active) == 1 and listed["charging_gateway"] == active[0]

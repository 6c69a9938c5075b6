"""`creatorflix expire-subscriptions`: ended subscriptions are marked expired and their
users' subscription_status follows; a grant chained after one keeps the user active."""

from __future__ import annotations

from datetime import timedelta

from adapters.clock import utcnow
from adapters.pony.unit_of_work import PonyUnitOfWorkFactory
from domain.accounts.users import User
from domain.catalog.entities import Plan
from domain.catalog.paywall import can_see_premium
from domain.payments.checkout import Checkout
from domain.payments.commands import GrantPlan
from domain.payments.subscription_admin import abandon_checkouts, grant_manually
from domain.payments.subscriptions import Subscription
from entrypoints import cli
from entrypoints.jobs import expire_subscriptions
from tests.support.cli_database import database_file  # noqa: F401  (fixture)
from tests.support.payments import add_catalogue, checkout_body, poll, start, subscriptions_of


def setup_users(deps):
    with deps.uow() as uow:
        plan = uow.plans.add(Plan(id=None, name="Semanal", price=990, duration=7))
        # Timestamps given: SQLite's CURRENT_TIMESTAMP default has no fractions, which
        # Pony's optimistic check on a later update would not match.
        one = uow.users.add(
            User(id=None, email="one@example.com", password="h", created_at=deps.clock.now())
        )
        two = uow.users.add(
            User(id=None, email="two@example.com", password="h", created_at=deps.clock.now())
        )
        uow.commit()
    for user, grants in ((one, 1), (two, 2)):
        for _ in range(grants):
            grant_manually(deps.uow, deps.clock, GrantPlan(user_id=user.id, plan_id=plan.id))
    return one, two


def statuses(deps):
    with deps.uow() as uow:
        users = {u.email: u.subscription_status for u in uow.users.find().items}
        subs = [s.status for s in uow.subscriptions.find(order_by=["id"]).items]
    return users, subs


def test_the_job_expires_ended_grants_and_refreshes_users(deps, clock):
    setup_users(deps)
    assert statuses(deps) == (
        {"one@example.com": 1, "two@example.com": 1},
        ["active", "active", "active"],
    )
    assert expire_subscriptions(deps) == 0
    clock.advance(days=7, seconds=1)
    assert expire_subscriptions(deps) == 2
    assert statuses(deps) == (
        {"one@example.com": 0, "two@example.com": 1},
        ["expired", "expired", "active"],
    )
    assert expire_subscriptions(deps) == 0  # nothing left to do
    clock.advance(days=7)
    assert expire_subscriptions(deps) == 1
    assert statuses(deps)[0] == {"one@example.com": 0, "two@example.com": 0}


def test_the_paywall_closes_at_the_end_even_before_the_job_runs(deps, clock):
    one, _ = setup_users(deps)
    with deps.uow() as uow:
        assert can_see_premium(uow, one, clock.now())
        clock.advance(days=7)
        assert not can_see_premium(uow, one, clock.now())


def test_the_command(database_file, capsys):  # noqa: F811
    now = utcnow()
    with PonyUnitOfWorkFactory(database_file)() as uow:
        user = uow.users.add(
            User(
                id=None, email="c@example.com", password="h", subscription_status=1, created_at=now
            )
        )
        uow.subscriptions.add(
            Subscription(
                id=None,
                user_id=user.id,
                status="active",
                start_date=now - timedelta(days=30),
                end_date=now - timedelta(hours=1),
                created_at=now,
            )
        )
        uow.commit()
    assert cli.main(["expire-subscriptions"]) == 0
    out = capsys.readouterr().out
    assert "marked 1 subscription(s) expired" in out
    assert "marked 0 checkout(s) abandoned" in out
    with PonyUnitOfWorkFactory(database_file)() as uow:
        assert uow.users.get(user.id).subscription_status == 0
        assert uow.subscriptions.first().status == "expired"


def add_pending(deps, plan_id: int, payment_data: dict | None, **fields) -> int:
    with deps.uow() as uow:
        checkout = uow.checkouts.add(
            Checkout(
                id=None,
                plan_id=plan_id,
                total_amount=990,
                customer_email="p@example.com",
                payment_data=payment_data,
                created_at=deps.clock.now(),
                updated_at=deps.clock.now(),
                **fields,
            )
        )
        uow.commit()
    return checkout.id


def checkout_statuses(deps) -> list[str]:
    with deps.uow() as uow:
        return [c.status for c in uow.checkouts.find(order_by=["id"]).items]


def test_the_job_abandons_pending_checkouts_past_their_pix_expiry_or_a_day(deps, clock):
    with deps.uow() as uow:
        plan = uow.plans.add(Plan(id=None, name="Semanal", price=990, duration=7))
        uow.commit()
    in_six_hours = (clock.now() + timedelta(hours=6)).isoformat() + "Z"
    add_pending(deps, plan.id, {"provider": "sandbox", "expires_at": in_six_hours})
    add_pending(deps, plan.id, {"provider": "junglepay"})  # expiry unknown: a day
    add_pending(deps, plan.id, {"provider": "junglepay", "expires_at": "2026-01-03"})
    add_pending(deps, plan.id, None, status="paid")  # settled: left alone
    clock.advance(hours=6)
    assert abandon_checkouts(deps.uow, clock) == 0  # not past it yet
    clock.advance(seconds=1)
    assert abandon_checkouts(deps.uow, clock) == 1
    assert checkout_statuses(deps) == ["abandoned", "pending", "pending", "paid"]
    clock.advance(hours=18)
    assert abandon_checkouts(deps.uow, clock) == 1
    # A date without a time expires at the end of that day.
    clock.advance(days=1, hours=11, minutes=59)  # 2026-01-03 23:59:01
    assert abandon_checkouts(deps.uow, clock) == 0
    clock.advance(minutes=1)
    assert abandon_checkouts(deps.uow, clock) == 1
    assert checkout_statuses(deps) == ["abandoned", "abandoned", "abandoned", "paid"]
    assert abandon_checkouts(deps.uow, clock) == 0


def test_an_abandoned_checkout_paid_late_still_activates(client, deps, actors, clock):
    plan, _ = add_catalogue(deps)
    created = start(client, checkout_body(plan.id))
    clock.advance(days=1, seconds=1)
    assert abandon_checkouts(deps.uow, clock) == 1
    assert poll(client, created).json["status"] == "abandoned"
    paid = client.simulate_post(
        f"/api/admin/sandbox/checkouts/{created['id']}/pay", headers=actors.admin()
    )
    assert paid.json["status"] == "processed"
    assert poll(client, created).json["status"] == "paid"
    [sub] = subscriptions_of(deps, "ana@example.com")
    assert (sub.status, sub.start_date) == ("active", clock.now())

"""`creatorflix expire-subscriptions`: ended subscriptions are marked expired and their
users' subscription_status follows; a grant chained after one keeps the user active."""
from __future__ import annotations

from datetime import timedelta

from adapters.clock import utcnow
from adapters.pony.unit_of_work import PonyUnitOfWorkFactory
from domain.accounts import User
from domain.catalog import Plan
from domain.paywall import can_see_premium
from domain.subscription_admin import grant_manually
from domain.subscriptions import Subscription
from entrypoints import cli
from entrypoints.jobs import expire_subscriptions
from tests.e2e.test_accounts import database_file  # noqa: F401  (fixture)


def setup_users(deps):
    with deps.uow() as uow:
        plan = uow.plans.add(Plan(id=None, name="Semanal", price=990, duration=7))
        # Timestamps given: SQLite's CURRENT_TIMESTAMP default has no fractions, which
        # Pony's optimistic check on a later update would not match.
        one = uow.users.add(User(id=None, email="one@example.com", password="h",
                                 created_at=deps.clock.now()))
        two = uow.users.add(User(id=None, email="two@example.com", password="h",
                                 created_at=deps.clock.now()))
        uow.commit()
    for user, grants in ((one, 1), (two, 2)):
        for _ in range(grants):
            grant_manually(deps.uow, deps.clock, user.id, {"plan_id": plan.id})
    return one, two


def statuses(deps):
    with deps.uow() as uow:
        users = {u.email: u.subscription_status for u in uow.users.find().items}
        subs = [s.status for s in uow.subscriptions.find(order_by=["id"]).items]
    return users, subs


def test_the_job_expires_ended_grants_and_refreshes_users(deps, clock):
    setup_users(deps)
    assert statuses(deps) == ({"one@example.com": 1, "two@example.com": 1},
                              ["active", "active", "active"])
    assert expire_subscriptions(deps) == 0
    clock.advance(days=7, seconds=1)
    assert expire_subscriptions(deps) == 2
    assert statuses(deps) == ({"one@example.com": 0, "two@example.com": 1},
                              ["expired", "expired", "active"])
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
        user = uow.users.add(User(id=None, email="c@example.com", password="h",
                                  subscription_status=1, created_at=now))
        uow.subscriptions.add(Subscription(id=None, user_id=user.id, status="active",
                                           start_date=now - timedelta(days=30),
                                           end_date=now - timedelta(hours=1), created_at=now))
        uow.commit()
    assert cli.main(["expire-subscriptions"]) == 0
    assert "marked 1 subscription(s) expired" in capsys.readouterr().out
    with PonyUnitOfWorkFactory(database_file)() as uow:
        assert uow.users.get(user.id).subscription_status == 0
        assert uow.subscriptions.first().status == "expired"

"""The dashboard's subscription figures (issue 25): MRR with coupons, automatic vs
manual members, renewals paid and refused, churn, past due."""

from __future__ import annotations

from datetime import timedelta

import pytest

from domain.accounts.users import User
from domain.catalog.entities import AUTOMATIC
from domain.payments.subscriptions import Subscription
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
def test_the_dashboard_shows_mrr_members_renewals_churn_and_past_due(
    shop, deps, clock, junglepay, actors
):
    client, plan = shop
    admin = actors.admin("boss@example.com")
    client.simulate_post(
        "/api/admin/coupons",
        headers=admin,
        json={"code": "SEMPRE", "percent_off": 10, "duration": "forever"},
    )
    ana = actors.user(EMAIL)
    start(
        client,
        checkout_body(
            plan.id,
            "credit_card",
            coupon="sempre",
            card_hash=junglepay.card_hash(),
            renewal_consent=True,
            customer=customer(email=EMAIL),
        ),
        ana,
    )
    quarterly, _ = add_catalogue(deps, price=8990, duration=90, renewal=AUTOMATIC)
    bia = actors.user("bia@example.com")
    start(
        client,
        checkout_body(
            quarterly.id,
            "credit_card",
            card_hash=junglepay.card_hash(),
            renewal_consent=True,
            customer=customer(email="bia@example.com"),
        ),
        bia,
    )
    monthly_manual, _ = add_catalogue(deps, price=1990, duration=30)
    with deps.uow() as uow:  # a manual member, and one whose access ended 10 days ago
        for email, start_at, end_at in (
            ("caio@example.com", clock.now(), clock.now() + timedelta(days=30)),
            (
                "dani@example.com",
                clock.now() - timedelta(days=40),
                clock.now() - timedelta(days=10),
            ),
        ):
            user = uow.users.add(User(id=None, email=email, password="x"))
            uow.subscriptions.add(
                Subscription(
                    id=None,
                    user_id=user.id,
                    plan_id=monthly_manual.id,
                    external_id=email,
                    status="expired" if end_at < clock.now() else "active",
                    start_date=start_at,
                    end_date=end_at,
                )
            )
        uow.commit()
    board = client.simulate_get("/api/admin/dashboard", headers=admin).json["renewals"]
    # 2990 - 10% = 2691 a month; 8990 per 90 days = 2996.67 a month: 5687.67 -> 5688.
    assert board == {
        "mrr": 5688,
        "automatic_members": 2,
        "manual_members": 1,
        "renewals_paid": 0,
        "renewals_refused": 0,
        "churn": 1.0,
        "churned": 1,
        "active_30_days_ago": 1,
        "past_due": 0,
    }
    junglepay.refuse_card(current(deps).card_ref)
    clock.current = current(deps).end_date - timedelta(hours=1)
    run_jobs(deps)
    admin = login(client, "boss@example.com", "admin-password")
    board = client.simulate_get("/api/admin/dashboard", headers=admin).json["renewals"]
    assert (board["renewals_refused"], board["past_due"], board["renewals_paid"]) == (1, 1, 0)
    assert board["mrr"] == 2997  # ana's renewal is past due: only bia's counts


# -- events --------------------------------------------------------------------------

"""Subscriptions that renew themselves (issue 25), end to end against the local
JunglePay with reusable card ids: a card purchase of an automatic plan keeps the card
(reference, brand, last 4 digits), `creatorflix jobs` charges it once per period and
extends the subscription, a refusal makes it past due (grace, mail with a one-click
link) and is retried on schedule, a final refusal ends it, and a gateway without
saved-card charges keeps the manual reminder."""

from __future__ import annotations

import threading
from datetime import timedelta

import attrs
import pytest

from adapters.clock import utcnow
from domain.catalog.entities import AUTOMATIC
from domain.mail import messages as t
from domain.payments import renewals, renewing
from domain.payments.subscriptions import Subscription
from entrypoints import cli
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


def test_an_automatic_plan_paid_by_card_needs_the_buyers_consent(shop, junglepay):
    client, plan = shop
    refused = client.simulate_post(
        "/api/checkouts",
        json=checkout_body(plan.id, "credit_card", card_hash=junglepay.card_hash()),
    )
    assert_error(refused, 400, "invalid", "renewal_consent")
    assert junglepay.received == []
    # PIX needs none: it renews by the reminder's one-click PIX.
    assert client.simulate_post("/api/checkouts", json=checkout_body(plan.id)).status_code == 201


def test_the_plan_says_how_it_renews(client, deps, actors):
    admin = actors.admin()
    plan, _ = add_catalogue(deps)
    assert client.simulate_get("/api/plans").json["data"][0]["renewal"] == "manual"
    changed = client.simulate_patch(
        f"/api/admin/plans/{plan.id}", headers=admin, json={"renewal": "automatic"}
    )
    assert changed.status_code == 200 and changed.json["renewal"] == "automatic"
    bad = client.simulate_patch(
        f"/api/admin/plans/{plan.id}", headers=admin, json={"renewal": "monthly"}
    )
    assert_error(bad, 400, "invalid", "renewal")


@pytest.mark.smoke
def test_the_saved_card_is_charged_once_and_the_period_extended(
    shop, deps, clock, junglepay, actors
):
    client, plan = shop
    sub = purchase(client, deps, plan, junglepay, actors)
    tx = junglepay.transactions[str(sub.external_id)]
    assert (sub.auto_renew, sub.renewal_state) == (True, renewals.RENEWING)
    assert (sub.card_ref, sub.card_brand, sub.card_last4) == (tx["card"]["id"], "visa", "1111")
    old_end = sub.end_date
    run_jobs(deps)  # a month ahead: nothing due
    assert junglepay.saved_card_charges == []
    clock.current = old_end - timedelta(hours=23)
    run_jobs(deps)
    [charge] = junglepay.saved_card_charges
    assert charge["card"] == {"id": sub.card_ref} and charge["amount"] == plan.price
    assert charge["installments"] == 1 and "renovacao=rn_" in charge["postbackUrl"]
    renewed = current(deps)
    assert renewed.end_date == old_end + timedelta(days=plan.duration)
    assert renewed.start_date == sub.start_date and renewed.status == "active"
    [receipt] = mails(deps, t.RENEWAL_PAID)
    assert "foi renovada" in receipt.text_body and "VISA final 1111" in receipt.text_body
    run_jobs(deps)  # again: nothing more
    assert len(junglepay.saved_card_charges) == 1
    [row] = renewal_rows(deps)
    assert (row.status, row.period_start, row.transaction_id) == (
        renewals.PAID,
        old_end,
        str(junglepay.wait_for_transactions(2)[-1]),
    )
    # No "renew by hand" reminder for a subscription its card renews.
    assert mails(deps, t.RENEWAL_REMINDER) == []


@pytest.mark.smoke
def test_a_refused_renewal_is_past_due_mailed_and_a_retry_succeeds(
    shop, deps, clock, junglepay, actors
):
    client, plan = shop
    sub = purchase(client, deps, plan, junglepay, actors)
    junglepay.refuse_card(sub.card_ref)
    old_end = sub.end_date
    clock.current = old_end - timedelta(hours=23)
    run_jobs(deps)
    late = current(deps)
    assert late.renewal_state == renewals.PAST_DUE and late.status == "active"
    assert late.end_date == old_end + timedelta(days=3)  # the grace
    [mail] = mails(deps, t.RENEWAL_PAST_DUE)
    assert "Não conseguimos cobrar R$\xa029,90" in mail.text_body
    assert f"/checkout?plano={plan.id}&renovacao=" in mail.text_body
    run_jobs(deps)  # not yet time to retry
    assert len(junglepay.saved_card_charges) == 1
    junglepay.accept_card(sub.card_ref)
    clock.advance(hours=24)
    run_jobs(deps)
    assert len(junglepay.saved_card_charges) == 2
    back = current(deps)
    assert back.renewal_state == renewals.RENEWING
    assert back.end_date == old_end + timedelta(days=plan.duration)
    assert len(mails(deps, t.RENEWAL_PAID)) == 1 and len(mails(deps, t.RENEWAL_PAST_DUE)) == 1
    [row] = renewal_rows(deps)
    assert (row.status, row.attempts) == (renewals.PAID, 2)


def test_retries_follow_the_schedule_then_the_subscription_ends(
    shop, deps, clock, junglepay, actors
):
    client, plan = shop
    sub = purchase(client, deps, plan, junglepay, actors)
    junglepay.refuse_card(sub.card_ref)
    first = sub.end_date - timedelta(hours=23)
    clock.current = first
    run_jobs(deps)
    for hours in (24, 72, 120):
        clock.current = first + timedelta(hours=hours) - timedelta(minutes=1)
        run_jobs(deps)  # a minute early: no charge
        clock.current = first + timedelta(hours=hours)
        run_jobs(deps)
    assert len(junglepay.saved_card_charges) == 4
    ended = current(deps)
    assert (ended.renewal_state, ended.auto_renew) == (renewals.ENDED, False)
    assert ended.status == "expired"  # its grace ran out before the last retry
    clock.advance(days=40)
    run_jobs(deps)
    assert len(junglepay.saved_card_charges) == 4
    assert len(mails(deps, t.RENEWAL_PAST_DUE)) == 1


def test_a_final_refusal_skips_the_retries(shop, deps, clock, junglepay, actors):
    client, plan = shop
    sub = purchase(client, deps, plan, junglepay, actors)
    junglepay.refuse_card(sub.card_ref, final=True)
    clock.current = sub.end_date - timedelta(hours=1)
    run_jobs(deps)
    ended = current(deps)
    assert (ended.renewal_state, ended.auto_renew) == (renewals.ENDED, False)
    assert ended.end_date == sub.end_date + timedelta(days=3) and ended.status == "active"
    [mail] = mails(deps, t.RENEWAL_PAST_DUE)
    assert "Não vamos tentar cobrar de novo." in mail.text_body
    clock.advance(days=6)
    run_jobs(deps)
    assert len(junglepay.saved_card_charges) == 1
    assert renewal_rows(deps)[0].status == renewals.FAILED


def test_a_charge_whose_runner_stopped_is_never_charged_again(shop, deps, clock, junglepay, actors):
    client, plan = shop
    sub = purchase(client, deps, plan, junglepay, actors)
    clock.current = sub.end_date - timedelta(hours=1)
    with deps.uow() as uow:  # what a runner left behind: claimed, committed, then gone
        uow.renewals.open(
            renewals.Renewal(
                id=None,
                subscription_id=sub.id,
                period_start=sub.end_date,
                period_end=sub.end_date + timedelta(days=30),
                plan_id=plan.id,
                amount=plan.price,
                reference="rn_crashed",
                gateway="junglepay",
                attempts=1,
                claim_token="gone",
                claimed_until=clock.now() + renewing.LEASE,
                created_at=clock.now(),
            )
        )
        uow.commit()
    run_jobs(deps)
    assert junglepay.saved_card_charges == []
    clock.advance(minutes=11)
    run_jobs(deps)
    assert junglepay.saved_card_charges == []
    [row] = renewal_rows(deps)
    assert row.status == renewals.UNCONFIRMED


def test_a_card_purchase_without_consent_on_a_manual_plan_saves_no_card(
    live_client, deps, actors, junglepay, clock
):
    admin = actors.admin()
    configure_junglepay(live_client, admin, public_key=junglepay.public_key)
    plan, _ = add_catalogue(deps)  # manual
    sub = purchase(live_client, deps, plan, junglepay, actors, consent=False)
    assert (sub.auto_renew, sub.card_ref, sub.card_brand, sub.card_last4) == (
        False,
        None,
        None,
        None,
    )
    clock.current = sub.end_date - timedelta(hours=1)
    run_jobs(deps)
    assert junglepay.saved_card_charges == []
    assert len(mails(deps, t.RENEWAL_REMINDER)) == 1


def test_a_gateway_without_saved_card_charges_falls_back_to_the_reminder(
    client, deps, clock, actors
):
    actors.user(EMAIL)
    plan, _ = add_catalogue(deps, renewal=AUTOMATIC)
    with deps.uow() as uow:  # the sandbox is the gateway (the tests' default)
        user = uow.users.get_by_email(EMAIL)
        uow.subscriptions.add(
            Subscription(
                id=None,
                user_id=user.id,
                plan_id=plan.id,
                external_id="tx-1",
                status="active",
                start_date=clock.now(),
                end_date=clock.now() + timedelta(hours=20),
                auto_renew=True,
                renewal_state=renewals.RENEWING,
                card_ref="card_1",
                card_brand="visa",
                card_last4="1111",
            )
        )
        uow.commit()
    run_jobs(deps)
    assert renewal_rows(deps) == []
    assert len(mails(deps, t.RENEWAL_REMINDER)) == 1


@pytest.mark.smoke
def test_creatorflix_jobs_charges_the_saved_card(
    shop, deps, backend, junglepay, actors, monkeypatch, tmp_path
):
    if not backend.is_pony:
        pytest.skip("the command runs on a database")
    client, plan = shop
    sub = purchase(client, deps, plan, junglepay, actors)
    end = utcnow().replace(microsecond=0) + timedelta(hours=2)
    with deps.uow() as uow:
        uow.subscriptions.update(attrs.evolve(current(deps), end_date=end))
        uow.commit()
    for name, value in (
        ("CREATORFLIX_DATABASE_URL", backend.url),
        ("CREATORFLIX_SECRET_KEY", deps.config.secret_key),
        ("CREATORFLIX_GATEWAY", "junglepay"),
        ("CREATORFLIX_JUNGLEPAY_URL", junglepay.url),
        ("CREATORFLIX_MAIL_URL", f"file://{tmp_path / 'outbox'}"),
        ("CREATORFLIX_PUBLIC_URL", deps.config.public_url),
    ):
        monkeypatch.setenv(name, value)
    assert cli.main(["jobs"]) == 0
    assert cli.main(["jobs"]) == 0
    assert len(junglepay.saved_card_charges) == 1
    assert current(deps).end_date == end + timedelta(days=plan.duration)
    assert sorted((tmp_path / "outbox").glob(f"*-{t.RENEWAL_PAID}.eml"))
    assert sub.card_ref == junglepay.saved_card_charges[0]["card"]["id"]


@pytest.mark.parametrize("backend", ["postgres"], indirect=True)
def test_job_runners_at_once_never_charge_twice(shop, deps, clock, junglepay, actors):
    client, plan = shop
    sub = purchase(client, deps, plan, junglepay, actors)
    clock.current = sub.end_date - timedelta(hours=2)
    barrier = threading.Barrier(4)
    problems: list[BaseException] = []

    def runner() -> None:
        try:
            barrier.wait(10)
            renewing.run_due(deps.renewals)
        except BaseException as exc:  # reported below
            problems.append(exc)

    threads = [threading.Thread(target=runner) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert problems == []
    assert len(junglepay.saved_card_charges) == 1
    assert current(deps).end_date == sub.end_date + timedelta(days=plan.duration)
    assert len(renewal_rows(deps)) == 1


def test_the_app_servers_background_worker_charges_the_renewals_due(
    shop, deps, clock, junglepay, actors
):
    from entrypoints.mail_worker import MailWorker

    client, plan = shop
    sub = purchase(client, deps, plan, junglepay, actors)
    clock.current = sub.end_date - timedelta(hours=3)
    worker = MailWorker(deps, interval=0.05).start()
    try:
        for _ in range(400):  # bounded wait for its first round
            if current(deps).end_date != sub.end_date:
                break
            threading.Event().wait(0.05)
    finally:
        worker.stop()
    assert len(junglepay.saved_card_charges) == 1
    assert current(deps).end_date == sub.end_date + timedelta(days=plan.duration)


def test_the_postback_of_a_renewal_charge_is_no_unmatched_payment(
    shop, deps, clock, junglepay, actors, caplog
):
    from tests.support.payments import settle_postbacks

    client, plan = shop
    sub = purchase(client, deps, plan, junglepay, actors)
    clock.current = sub.end_date - timedelta(hours=1)
    run_jobs(deps)
    [row] = renewal_rows(deps)
    assert junglepay.postback(row.transaction_id) == 200
    assert settle_postbacks(deps) == ["ignored"]
    assert "matches no checkout" not in caplog.text
    assert current(deps).end_date == sub.end_date + timedelta(days=plan.duration)

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
from domain.accounts.users import User
from domain.catalog.entities import AUTOMATIC
from domain.mail import messages as t
from domain.payments import renewals, renewing
from domain.payments.subscriptions import Subscription
from entrypoints import cli
from entrypoints.jobs import PERIODIC_JOBS
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

EMAIL = "ana@example.com"


@pytest.fixture
def config(junglepay_config, tmp_path):
    # The databases' deps deliver mail to .eml files: in the test's folder.
    return attrs.evolve(junglepay_config, mail_url=f"file://{tmp_path / 'outbox'}",
                        webhook_allow_private=True)   # an operator's endpoint on loopback


@pytest.fixture
def shop(live_client, deps, actors, junglepay):
    admin = actors.admin()
    configure_junglepay(live_client, admin, public_key=junglepay.public_key)
    plan, _ = add_catalogue(deps, renewal=AUTOMATIC)
    return live_client, plan


def purchase(client, deps, plan, junglepay, actors, *, consent: bool = True,
             buyer: dict | None = None) -> Subscription:
    buyer = buyer or actors.user(EMAIL)
    created = start(client, checkout_body(plan.id, "credit_card",
                                          card_hash=junglepay.card_hash(),
                                          renewal_consent=consent,
                                          customer=customer(email=EMAIL)), buyer)
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


def test_an_automatic_plan_paid_by_card_needs_the_buyers_consent(shop, junglepay):
    client, plan = shop
    refused = client.simulate_post("/api/checkouts", json=checkout_body(
        plan.id, "credit_card", card_hash=junglepay.card_hash()))
    assert_error(refused, 400, "invalid", "renewal_consent")
    assert junglepay.received == []
    # PIX needs none: it renews by the reminder's one-click PIX.
    assert client.simulate_post("/api/checkouts", json=checkout_body(plan.id)).status_code == 201


def test_the_plan_says_how_it_renews(client, deps, actors):
    admin = actors.admin()
    plan, _ = add_catalogue(deps)
    assert client.simulate_get("/api/plans").json["data"][0]["renewal"] == "manual"
    changed = client.simulate_patch(f"/api/admin/plans/{plan.id}", headers=admin,
                                    json={"renewal": "automatic"})
    assert changed.status_code == 200 and changed.json["renewal"] == "automatic"
    bad = client.simulate_patch(f"/api/admin/plans/{plan.id}", headers=admin,
                                json={"renewal": "monthly"})
    assert_error(bad, 400, "invalid", "renewal")


@pytest.mark.smoke
def test_the_saved_card_is_charged_once_and_the_period_extended(shop, deps, clock, junglepay,
                                                                actors):
    client, plan = shop
    sub = purchase(client, deps, plan, junglepay, actors)
    tx = junglepay.transactions[str(sub.external_id)]
    assert (sub.auto_renew, sub.renewal_state) == (True, renewals.RENEWING)
    assert (sub.card_ref, sub.card_brand, sub.card_last4) == (tx["card"]["id"], "visa", "1111")
    old_end = sub.end_date
    run_jobs(deps)                       # a month ahead: nothing due
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
    run_jobs(deps)                       # again: nothing more
    assert len(junglepay.saved_card_charges) == 1
    [row] = renewal_rows(deps)
    assert (row.status, row.period_start, row.transaction_id) == (
        renewals.PAID, old_end, str(junglepay.wait_for_transactions(2)[-1]))
    # No "renew by hand" reminder for a subscription its card renews.
    assert mails(deps, t.RENEWAL_REMINDER) == []


@pytest.mark.smoke
def test_a_refused_renewal_is_past_due_mailed_and_a_retry_succeeds(shop, deps, clock, junglepay,
                                                                   actors):
    client, plan = shop
    sub = purchase(client, deps, plan, junglepay, actors)
    junglepay.refuse_card(sub.card_ref)
    old_end = sub.end_date
    clock.current = old_end - timedelta(hours=23)
    run_jobs(deps)
    late = current(deps)
    assert late.renewal_state == renewals.PAST_DUE and late.status == "active"
    assert late.end_date == old_end + timedelta(days=3)       # the grace
    [mail] = mails(deps, t.RENEWAL_PAST_DUE)
    assert "Não conseguimos cobrar R$\xa029,90" in mail.text_body
    assert f"/checkout?plano={plan.id}&renovacao=" in mail.text_body
    run_jobs(deps)                                            # not yet time to retry
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


def test_retries_follow_the_schedule_then_the_subscription_ends(shop, deps, clock, junglepay,
                                                                actors):
    client, plan = shop
    sub = purchase(client, deps, plan, junglepay, actors)
    junglepay.refuse_card(sub.card_ref)
    first = sub.end_date - timedelta(hours=23)
    clock.current = first
    run_jobs(deps)
    for hours in (24, 72, 120):
        clock.current = first + timedelta(hours=hours) - timedelta(minutes=1)
        run_jobs(deps)                    # a minute early: no charge
        clock.current = first + timedelta(hours=hours)
        run_jobs(deps)
    assert len(junglepay.saved_card_charges) == 4
    ended = current(deps)
    assert (ended.renewal_state, ended.auto_renew) == (renewals.ENDED, False)
    assert ended.status == "expired"      # its grace ran out before the last retry
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
    assert "Este cartão não será cobrado de novo." in mail.text_body
    clock.advance(days=6)
    run_jobs(deps)
    assert len(junglepay.saved_card_charges) == 1
    assert renewal_rows(deps)[0].status == renewals.FAILED


def test_a_charge_whose_runner_stopped_is_never_charged_again(shop, deps, clock, junglepay,
                                                              actors):
    client, plan = shop
    sub = purchase(client, deps, plan, junglepay, actors)
    clock.current = sub.end_date - timedelta(hours=1)
    with deps.uow() as uow:   # what a runner left behind: claimed, committed, then gone
        uow.renewals.open(renewals.Renewal(
            id=None, subscription_id=sub.id, period_start=sub.end_date,
            period_end=sub.end_date + timedelta(days=30), plan_id=plan.id, amount=plan.price,
            reference="rn_crashed", gateway="junglepay", attempts=1, claim_token="gone",
            claimed_until=clock.now() + renewing.LEASE, created_at=clock.now()))
        uow.commit()
    run_jobs(deps)
    assert junglepay.saved_card_charges == []
    clock.advance(minutes=11)
    run_jobs(deps)
    assert junglepay.saved_card_charges == []
    [row] = renewal_rows(deps)
    assert row.status == renewals.UNCONFIRMED


def test_a_card_purchase_without_consent_on_a_manual_plan_saves_no_card(
        live_client, deps, actors, junglepay, clock):
    admin = actors.admin()
    configure_junglepay(live_client, admin, public_key=junglepay.public_key)
    plan, _ = add_catalogue(deps)   # manual
    sub = purchase(live_client, deps, plan, junglepay, actors, consent=False)
    assert (sub.auto_renew, sub.card_ref, sub.card_brand, sub.card_last4) == (
        False, None, None, None)
    clock.current = sub.end_date - timedelta(hours=1)
    run_jobs(deps)
    assert junglepay.saved_card_charges == []
    assert len(mails(deps, t.RENEWAL_REMINDER)) == 1


def test_a_gateway_without_saved_card_charges_falls_back_to_the_reminder(client, deps, clock,
                                                                        actors):
    actors.user(EMAIL)
    plan, _ = add_catalogue(deps, renewal=AUTOMATIC)
    with deps.uow() as uow:   # the sandbox is the gateway (the tests' default)
        user = uow.users.get_by_email(EMAIL)
        uow.subscriptions.add(Subscription(
            id=None, user_id=user.id, plan_id=plan.id, external_id="tx-1", status="active",
            start_date=clock.now(), end_date=clock.now() + timedelta(hours=20),
            auto_renew=True, renewal_state=renewals.RENEWING, card_ref="card_1",
            card_brand="visa", card_last4="1111"))
        uow.commit()
    run_jobs(deps)
    assert renewal_rows(deps) == []
    assert len(mails(deps, t.RENEWAL_REMINDER)) == 1


@pytest.mark.smoke
def test_creatorflix_jobs_charges_the_saved_card(shop, deps, backend, junglepay, actors,
                                                 monkeypatch, tmp_path):
    if not backend.is_pony:
        pytest.skip("the command runs on a database")
    client, plan = shop
    sub = purchase(client, deps, plan, junglepay, actors)
    end = utcnow().replace(microsecond=0) + timedelta(hours=2)
    with deps.uow() as uow:
        uow.subscriptions.update(attrs.evolve(current(deps), end_date=end))
        uow.commit()
    for name, value in (("CREATORFLIX_DATABASE_URL", backend.url),
                        ("CREATORFLIX_SECRET_KEY", deps.config.secret_key),
                        ("CREATORFLIX_GATEWAY", "junglepay"),
                        ("CREATORFLIX_JUNGLEPAY_URL", junglepay.url),
                        ("CREATORFLIX_MAIL_URL", f"file://{tmp_path / 'outbox'}"),
                        ("CREATORFLIX_PUBLIC_URL", deps.config.public_url)):
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
        except BaseException as exc:   # reported below
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


# -- members: cancel, resume, change plan --------------------------------------------
def mine(client, headers) -> list:
    result = client.simulate_get("/api/me/subscriptions", headers=headers)
    assert result.status_code == 200, result.json
    return result.json["data"]


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
    assert "o cartão não será mais cobrado" in mail.text_body
    again = client.simulate_post(f"/api/me/subscriptions/{sub.id}/cancel", headers=ana)
    assert again.status_code == 200 and len(mails(deps, t.RENEWAL_CANCELLED)) == 1
    clock.current = sub.end_date - timedelta(hours=2)
    run_jobs(deps)
    assert junglepay.saved_card_charges == []

    ana = login(client, EMAIL, "user-password")   # a month later: a new session
    resumed = client.simulate_post(f"/api/me/subscriptions/{sub.id}/resume", headers=ana)
    assert resumed.status_code == 200 and resumed.json["auto_renew"] is True
    run_jobs(deps)
    assert len(junglepay.saved_card_charges) == 1
    assert current(deps).end_date == sub.end_date + timedelta(days=plan.duration)


def test_no_resume_after_the_end_and_no_one_elses_subscription(shop, deps, clock, junglepay,
                                                               actors):
    client, plan = shop
    ana = actors.user(EMAIL)
    sub = purchase(client, deps, plan, junglepay, actors, buyer=ana)
    other = actors.user("bia@example.com")
    for action in ("cancel", "resume"):
        stranger = client.simulate_post(f"/api/me/subscriptions/{sub.id}/{action}",
                                        headers=other)
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
    refused = client.simulate_post(f"/api/me/subscriptions/{sub.id}/change-plan", headers=ana,
                                   json={"plan_id": manual.id})
    assert_error(refused, 400, "invalid", "plan_id")
    changed = client.simulate_post(f"/api/me/subscriptions/{sub.id}/change-plan", headers=ana,
                                   json={"plan_id": quarterly.id})
    assert changed.status_code == 200, changed.json
    assert (changed.json["plan_id"], changed.json["next_plan_id"],
            changed.json["next_charge_amount"]) == (plan.id, quarterly.id, 7990)
    clock.current = sub.end_date - timedelta(hours=1)
    run_jobs(deps)
    [charge] = junglepay.saved_card_charges
    assert charge["amount"] == 7990 and charge["items"][0]["title"] == "Mensal"
    renewed = current(deps)
    assert (renewed.plan_id, renewed.next_plan_id) == (quarterly.id, None)
    assert renewed.end_date == sub.end_date + timedelta(days=90)


def test_the_app_servers_background_worker_charges_the_renewals_due(shop, deps, clock,
                                                                     junglepay, actors):
    from entrypoints.mail_worker import MailWorker
    client, plan = shop
    sub = purchase(client, deps, plan, junglepay, actors)
    clock.current = sub.end_date - timedelta(hours=3)
    worker = MailWorker(deps, interval=0.05).start()
    try:
        for _ in range(400):   # bounded wait for its first round
            if current(deps).end_date != sub.end_date:
                break
            threading.Event().wait(0.05)
    finally:
        worker.stop()
    assert len(junglepay.saved_card_charges) == 1
    assert current(deps).end_date == sub.end_date + timedelta(days=plan.duration)


# -- coupons -------------------------------------------------------------------------
def test_admins_manage_coupons_and_codes_are_case_insensitive(client, deps, actors):
    admin = actors.admin()
    plan, _ = add_catalogue(deps)
    made = client.simulate_post("/api/admin/coupons", headers=admin, json={
        "code": " bemvindo10 ", "percent_off": 10, "duration": "once",
        "max_redemptions": 5, "plan_ids": [plan.id]})
    assert made.status_code == 201, made.json
    assert (made.json["code"], made.json["times_redeemed"]) == ("BEMVINDO10", 0)
    clash = client.simulate_post("/api/admin/coupons", headers=admin,
                                 json={"code": "BemVindo10", "amount_off": 500})
    assert_error(clash, 409, "conflict", "code")
    for body, field in (({"code": "X", "percent_off": 0}, "percent_off"),
                        ({"code": "X", "percent_off": 101}, "percent_off"),
                        ({"code": "X", "percent_off": 10, "amount_off": 100}, "percent_off"),
                        ({"code": "X"}, "percent_off"),
                        ({"code": "X", "amount_off": 100, "duration": "repeating"}, "cycles"),
                        ({"code": "X", "amount_off": 100, "cycles": 2}, "cycles"),
                        ({"code": "a b", "amount_off": 100}, "code"),
                        ({"code": "X", "amount_off": 100, "plan_ids": [999]}, "plan_ids")):
        assert_error(client.simulate_post("/api/admin/coupons", headers=admin, json=body),
                     400, "invalid", field)
    coupon_id = made.json["id"]
    changed = client.simulate_patch(f"/api/admin/coupons/{coupon_id}", headers=admin,
                                    json={"duration": "repeating", "cycles": 3})
    assert changed.status_code == 200 and changed.json["cycles"] == 3
    listed = client.simulate_get("/api/admin/coupons", headers=admin).json
    assert [c["code"] for c in listed["data"]] == ["BEMVINDO10"]
    assert client.simulate_get("/api/admin/coupons", headers=actors.user()).status_code == 403
    assert client.simulate_delete(f"/api/admin/coupons/{coupon_id}",
                                  headers=admin).status_code == 204


def test_the_server_applies_a_coupon_to_the_plan_only(shop, deps, actors, clock):
    client, plan = shop
    admin = actors.admin("boss@example.com")
    other, bumps = add_catalogue(deps, price=990)
    for body in ({"code": "METADE", "percent_off": 50, "plan_ids": [plan.id]},
                 {"code": "VENCIDO", "amount_off": 100,
                  "expires_at": (clock.now() - timedelta(minutes=1)).isoformat()},
                 {"code": "UMAVEZ", "amount_off": 100, "max_redemptions": 1}):
        assert client.simulate_post("/api/admin/coupons", headers=admin,
                                    json=body).status_code == 201
    created = start(client, checkout_body(plan.id, bumps=[bumps[0].id], coupon="metade"))
    # 2990 / 2 = 1495 off the plan; the bump (990) is not discounted.
    assert created["total_amount"] == 1495 + 990
    assert start(client, checkout_body(plan.id, coupon="umavez"))["total_amount"] == 2890
    for code, why in (("NADA", "does not exist"), ("VENCIDO", "expired"),
                      ("UMAVEZ", "used up")):
        refused = client.simulate_post("/api/checkouts",
                                       json=checkout_body(plan.id, coupon=code))
        assert_error(refused, 400, "invalid", "coupon")
        assert why in refused.json["error"]["message"]
    wrong = client.simulate_post("/api/checkouts", json=checkout_body(other.id, coupon="METADE"))
    assert_error(wrong, 400, "invalid", "coupon")
    with deps.uow() as uow:
        assert uow.coupons.first({"code": "METADE"}).times_redeemed == 1


@pytest.mark.smoke
def test_a_coupon_is_never_redeemed_beyond_its_limit_by_concurrent_checkouts(shop, deps,
                                                                            actors):
    from tests.support.concurrency import at_once
    client, plan = shop
    admin = actors.admin("boss@example.com")
    client.simulate_post("/api/admin/coupons", headers=admin,
                         json={"code": "TRES", "percent_off": 20, "max_redemptions": 3})

    def buy(i: int) -> int:
        return client.simulate_post("/api/checkouts", json=checkout_body(
            plan.id, coupon="tres", customer=customer(email=f"c{i}@example.com"))).status_code

    answers = at_once(8, buy)
    assert sorted(answers) == [201] * 3 + [400] * 5
    with deps.uow() as uow:
        assert uow.coupons.first({"code": "TRES"}).times_redeemed == 3
        assert uow.checkouts.count() == 3


def test_renewals_apply_a_repeating_coupon_its_cycles_then_the_full_price(
        shop, deps, clock, junglepay, actors):
    client, plan = shop
    admin = actors.admin("boss@example.com")
    client.simulate_post("/api/admin/coupons", headers=admin, json={
        "code": "TRIO", "amount_off": 1000, "duration": "repeating", "cycles": 3})
    buyer = actors.user(EMAIL)
    created = start(client, checkout_body(plan.id, "credit_card", coupon="trio",
                                          card_hash=junglepay.card_hash(),
                                          renewal_consent=True,
                                          customer=customer(email=EMAIL)), buyer)
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
    client.simulate_post("/api/admin/coupons", headers=admin,
                         json={"code": "DEZ", "percent_off": 10, "duration": "forever"})
    seen = client.simulate_post("/api/coupons/check", json={"code": " dez ", "plan_id": plan.id})
    assert seen.status_code == 200, seen.json
    assert seen.json == {"code": "DEZ", "plan_id": plan.id, "discount": 299,
                         "plan_price": 2691, "duration": "forever", "cycles": None}
    unknown = client.simulate_post("/api/coupons/check", json={"code": "X", "plan_id": plan.id})
    assert_error(unknown, 400, "invalid", "coupon")
    with deps.uow() as uow:   # a preview redeems nothing
        assert uow.coupons.first({"code": "DEZ"}).times_redeemed == 0


# -- dashboard -----------------------------------------------------------------------
@pytest.mark.smoke
def test_the_dashboard_shows_mrr_members_renewals_churn_and_past_due(shop, deps, clock,
                                                                     junglepay, actors):
    client, plan = shop
    admin = actors.admin("boss@example.com")
    client.simulate_post("/api/admin/coupons", headers=admin, json={
        "code": "SEMPRE", "percent_off": 10, "duration": "forever"})
    ana = actors.user(EMAIL)
    start(client, checkout_body(plan.id, "credit_card", coupon="sempre",
                                card_hash=junglepay.card_hash(), renewal_consent=True,
                                customer=customer(email=EMAIL)), ana)
    quarterly, _ = add_catalogue(deps, price=8990, duration=90, renewal=AUTOMATIC)
    bia = actors.user("bia@example.com")
    start(client, checkout_body(quarterly.id, "credit_card", card_hash=junglepay.card_hash(),
                                renewal_consent=True,
                                customer=customer(email="bia@example.com")), bia)
    monthly_manual, _ = add_catalogue(deps, price=1990, duration=30)
    with deps.uow() as uow:   # a manual member, and one whose access ended 10 days ago
        for email, start_at, end_at in (
                ("caio@example.com", clock.now(), clock.now() + timedelta(days=30)),
                ("dani@example.com", clock.now() - timedelta(days=40),
                 clock.now() - timedelta(days=10))):
            user = uow.users.add(User(id=None, email=email, password="x"))
            uow.subscriptions.add(Subscription(
                id=None, user_id=user.id, plan_id=monthly_manual.id, external_id=email,
                status="expired" if end_at < clock.now() else "active",
                start_date=start_at, end_date=end_at))
        uow.commit()
    board = client.simulate_get("/api/admin/dashboard", headers=admin).json["renewals"]
    # 2990 - 10% = 2691 a month; 8990 per 90 days = 2996.67 a month: 5687.67 -> 5688.
    assert board == {"mrr": 5688, "automatic_members": 2, "manual_members": 1,
                     "renewals_paid": 0, "renewals_refused": 0, "churn": 1.0, "churned": 1,
                     "active_30_days_ago": 1, "past_due": 0}
    junglepay.refuse_card(current(deps).card_ref)
    clock.current = current(deps).end_date - timedelta(hours=1)
    run_jobs(deps)
    admin = login(client, "boss@example.com", "admin-password")
    board = client.simulate_get("/api/admin/dashboard", headers=admin).json["renewals"]
    assert (board["renewals_refused"], board["past_due"], board["renewals_paid"]) == (1, 1, 0)
    assert board["mrr"] == 2997      # ana's renewal is past due: only bia's counts


# -- events --------------------------------------------------------------------------
def test_renewed_past_due_and_cancelled_are_events_an_operator_is_told_of(
        shop, deps, clock, junglepay, actors):
    import json

    from domain.notifications import entities as n
    client, plan = shop
    admin = actors.admin("boss@example.com")
    made = client.simulate_post("/api/admin/webhook-endpoints", headers=admin, json={
        "url": "http://127.0.0.1:9/creatorflix", "events": [
            "subscription.renewed", "subscription.past_due", "subscription.cancelled"]})
    assert made.status_code == 201, made.json
    ana = actors.user(EMAIL)
    sub = purchase(client, deps, plan, junglepay, actors, buyer=ana)
    # The engine alone: no delivery round (the endpoint is nowhere, and would be
    # disabled after the month the clock jumps).
    clock.current = sub.end_date - timedelta(hours=1)
    renewing.run_due(deps.renewals)                   # renewed
    junglepay.refuse_card(sub.card_ref)
    clock.current = current(deps).end_date - timedelta(hours=1)
    renewing.run_due(deps.renewals)                   # past due
    ana = login(client, EMAIL, "user-password")
    assert client.simulate_post(f"/api/me/subscriptions/{sub.id}/cancel",
                                headers=ana).status_code == 200
    with deps.uow() as uow:
        sent = [(d.event, json.loads(d.body)["data"])
                for d in uow.webhook_deliveries.find(order_by=["id"]).items]
    assert [e for e, _ in sent] == ["subscription.renewed", "subscription.past_due",
                                    "subscription.cancelled"]
    renewed = sent[0][1]
    assert renewed["subscription_id"] == sub.id and renewed["amount"] == plan.price
    assert all(sub.card_ref not in json.dumps(data) for _, data in sent)
    assert set(e for e, _ in sent) <= set(n.EVENTS)

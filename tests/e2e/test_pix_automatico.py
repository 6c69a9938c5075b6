"""Pix Automático end to end (issue 26), over real loopback both ways with the local
PSP behind mutual TLS: a buyer pays a weekly plan with the composite QR (journey 3:
the first period's cob and the recurrence it authorises), the approval and the payment
make the subscription renew by Pix; `creatorflix jobs` sends each cycle's cobr in its
window exactly once, a refused settlement is retried the next day, a settled one
extends the period; the payer's cancel in their bank, or the member's in Minha conta,
ends it. Notices are authenticated by the URL's token and only read back, never
trusted."""

from __future__ import annotations

import csv
import io
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import attrs
import pytest

from adapters.clock import utcnow
from domain.catalog.entities import AUTOMATIC
from domain.payments import renewals, webhooks
from domain.payments.gateways import PIX_GATEWAY
from domain.payments.pix_automatico import local_date
from entrypoints import cli
from tests.support.api import assert_error
from tests.support.payments import (  # noqa: F401
    add_catalogue,
    app_server,
    checkout_body,
    customer,
    live_client,
    poll,
    settle_postbacks,
    start,
    subscriptions_of,
)
from tests.support.pix import pix_api, pix_config, pki  # noqa: F401
from tests.support.renewals import mails, mine, renewal_rows, run_jobs

SP = ZoneInfo("America/Sao_Paulo")
EMAIL = "ana@example.com"
ACCOUNT = "0001/123456-7"


@pytest.fixture
def config(pix_config, tmp_path):
    return attrs.evolve(
        pix_config,
        pix=attrs.evolve(pix_config.pix, account=ACCOUNT),
        mail_url=f"file://{tmp_path / 'outbox'}",
    )


@pytest.fixture
def shop(live_client, deps, pix_api, clock):
    """The PSP's calendar is our clock's day in São Paulo; our notice URLs registered
    (as the worker does at start-up); a weekly plan that renews automatically."""
    pix_api.today = lambda: local_date(clock.now(), SP)
    assert webhooks.register_pix_notices(deps.payments_service)
    plan, _ = add_catalogue(deps, price=990, duration=7, renewal=AUTOMATIC)
    return live_client, plan


def buy(client, deps, plan, pix_api, buyer: dict | None = None) -> tuple[dict, dict]:
    """A pix_automatico checkout: (its answer, the rec the PSP holds for it)."""
    body = checkout_body(plan.id, "pix_automatico", customer=customer(email=EMAIL))
    created = start(client, body, buyer)
    with deps.uow() as uow:
        txid = uow.checkouts.get(created["id"]).external_id
    rec = pix_api.rec_of_txid(txid)
    assert rec is not None, "journey 3: the checkout asked for a recurrence"
    return created, rec


def approve_and_pay(deps, pix_api, rec: dict) -> None:
    """The payer scans the composite QR (the rec approved, the cob paid); the PSP posts
    both notices; the worker reads both back."""
    pix_api.scan(rec["idRec"])
    assert pix_api.notify_rec(rec["idRec"]) == 200
    assert pix_api.notify(rec["ativacao"]["dadosJornada"]["txid"]) == 200
    assert sorted(settle_postbacks(deps)) == ["processed", "processed"]


def local_midnight_after(day: date) -> datetime:
    """The naive UTC instant a period ending with local day `day` ends."""
    midnight = datetime.combine(day + timedelta(days=1), datetime.min.time(), SP)
    return midnight.astimezone(ZoneInfo("UTC")).replace(tzinfo=None)


def cobrs_of(pix_api, id_rec: str) -> list[dict]:
    return sorted(
        (c for c in pix_api.cobrs.values() if c["idRec"] == id_rec),
        key=lambda c: c["calendario"]["dataDeVencimento"],
    )


@pytest.mark.smoke
def test_a_weekly_plan_renews_itself_by_pix_automatico(shop, deps, pix_api, clock, app_server):
    client, plan = shop
    created, rec = buy(client, deps, plan, pix_api)
    today = local_date(clock.now(), SP)
    first_due = today + timedelta(days=7)
    # The recurrence asked for: tied to the first payment's cob, the buyer as debtor,
    # weekly from the day the first period ends, at most the plan's price, 3 retries.
    txid = rec["ativacao"]["dadosJornada"]["txid"]
    assert rec["status"] == "CRIADA" and rec["vinculo"]["contrato"] == txid
    assert rec["vinculo"]["devedor"] == {"cpf": "52998224725", "nome": "Ana Souza"}
    assert rec["vinculo"]["objeto"] == "Mensal"
    assert rec["calendario"] == {"dataInicial": first_due.isoformat(), "periodicidade": "SEMANAL"}
    assert rec["valor"] == {"valorRec": "9.90"}
    assert rec["politicaRetentativa"] == "PERMITE_3R_7D"
    # One QR pays the first week and authorises the rest (the rec's location in it).
    assert created["payment"]["provider"] == PIX_GATEWAY
    assert pix_api.cobs[txid]["valor"] == {"original": "9.90"}
    qr = created["payment"]["qr_code"]
    assert rec["loc"]["location"] in qr and txid in qr
    assert pix_api.recurring_webhooks["rec"]["webhookUrl"].startswith(app_server.url)

    approve_and_pay(deps, pix_api, rec)
    assert poll(client, created).json["status"] == "paid"
    [sub] = subscriptions_of(deps, EMAIL)
    assert (sub.auto_renew, sub.renewal_state, sub.pix_rec_id) == (
        True,
        renewals.RENEWING,
        rec["idRec"],
    )
    assert sub.renewal_anchor == first_due
    assert sub.end_date == local_midnight_after(first_due)

    # The first cycle's window (10 to 2 days before its due date) is open: one cobr,
    # however often the jobs run.
    run_jobs(deps)
    run_jobs(deps)
    [cobr] = cobrs_of(pix_api, rec["idRec"])
    assert cobr["calendario"]["dataDeVencimento"] == first_due.isoformat()
    assert cobr["valor"] == {"original": "9.90"} and cobr["status"] == "ATIVA"
    assert cobr["recebedor"]["conta"] == "123456-7"
    [row] = renewal_rows(deps)
    assert (row.status, row.gateway, row.reference) == (
        renewals.SCHEDULED,
        PIX_GATEWAY,
        cobr["txid"],
    )

    # Settled on its due date: the period grows by one week, one receipt.
    clock.current = local_midnight_after(first_due) - timedelta(hours=12)
    pix_api.settle_cobr(cobr["txid"])
    assert pix_api.notify_cobr(cobr["txid"]) == 200
    assert settle_postbacks(deps) == ["processed"]
    second_due = first_due + timedelta(days=7)
    [sub] = subscriptions_of(deps, EMAIL)
    assert sub.end_date == local_midnight_after(second_due)
    [receipt] = mails(deps, "renewal_paid")
    assert "pelo PIX Automático" in receipt.text_body
    assert pix_api.notify_cobr(cobr["txid"]) == 200  # repeated: read back, nothing more
    assert settle_postbacks(deps) == ["duplicate"]
    assert len(mails(deps, "renewal_paid")) == 1

    # The next cycle: refused on its due date, retried the next day, then settled.
    clock.current = local_midnight_after(second_due - timedelta(days=9))  # window open
    run_jobs(deps)
    second = cobrs_of(pix_api, rec["idRec"])[1]
    assert second["calendario"]["dataDeVencimento"] == second_due.isoformat()
    clock.current = local_midnight_after(second_due) - timedelta(hours=12)
    pix_api.refuse_cobr(second["txid"])  # AM02: no funds; the cobr stays ATIVA
    assert pix_api.notify_cobr(second["txid"]) == 200
    assert settle_postbacks(deps) == ["processed"]
    assert renewal_rows(deps)[-1].status == renewals.REFUSED
    [past_due] = mails(deps, "renewal_past_due")
    assert "pelo PIX Automático" in past_due.text_body
    run_jobs(deps)  # the retry asked for the next day
    attempts = pix_api.cobrs[second["txid"]]["tentativas"]
    assert [a["dataLiquidacao"] for a in attempts] == [
        second_due.isoformat(),
        (second_due + timedelta(days=1)).isoformat(),
    ]
    run_jobs(deps)  # no second retry for the same refusal
    assert len(pix_api.cobrs[second["txid"]]["tentativas"]) == 2
    clock.advance(days=1)
    pix_api.settle_cobr(second["txid"])
    assert pix_api.notify_cobr(second["txid"]) == 200
    assert settle_postbacks(deps) == ["processed"]
    [sub] = subscriptions_of(deps, EMAIL)
    assert sub.end_date == local_midnight_after(second_due + timedelta(days=7))
    assert [r.status for r in renewal_rows(deps)] == [renewals.PAID, renewals.PAID]

    # The payer cancels in their bank: no more cobrs, access until the end paid.
    pix_api.cancel_rec_by_payer(rec["idRec"])
    assert pix_api.notify_rec(rec["idRec"]) == 200
    assert settle_postbacks(deps) == ["processed"]
    [sub] = subscriptions_of(deps, EMAIL)
    assert (sub.auto_renew, sub.renewal_state, sub.status) == (False, renewals.ENDED, "active")
    [cancelled] = mails(deps, "renewal_cancelled")
    assert "no seu banco" in cancelled.text_body
    assert "nada mais será cobrado pelo PIX Automático" in cancelled.text_body
    clock.advance(days=5)
    run_jobs(deps)
    assert len(cobrs_of(pix_api, rec["idRec"])) == 2


def member_renewing(shop, deps, pix_api, actors) -> tuple:
    """A logged-in buyer whose subscription renews by Pix Automático: (client, their
    headers, the rec, the subscription as Minha conta shows it)."""
    client, plan = shop
    buyer = actors.user(EMAIL)
    _, rec = buy(client, deps, plan, pix_api, buyer)
    approve_and_pay(deps, pix_api, rec)
    [shown] = mine(client, buyer)
    return client, buyer, rec, shown


@pytest.mark.smoke
def test_a_member_cancels_in_minha_conta_and_the_psp_hears_first(shop, deps, pix_api, actors):
    client, buyer, rec, shown = member_renewing(shop, deps, pix_api, actors)
    assert (shown["pix_rec_id"], shown["renewal_state"]) == (rec["idRec"], renewals.RENEWING)
    # The next charge: the first due date (the day the payer's bank pays the cobr).
    due = datetime.fromisoformat(shown["next_charge_at"]).astimezone(SP)
    assert (due.date(), due.hour) == (date.fromisoformat(rec["calendario"]["dataInicial"]), 0)
    assert shown["next_charge_amount"] == 990

    result = client.simulate_post(f"/api/me/subscriptions/{shown['id']}/cancel", headers=buyer)
    assert result.status_code == 200, result.json
    assert pix_api.recs[rec["idRec"]]["status"] == "CANCELADA"
    cancelamento = pix_api.recs[rec["idRec"]]["encerramento"]["cancelamento"]
    assert cancelamento["solicitante"] == "USUARIO_RECEBEDOR"
    [sub] = subscriptions_of(deps, EMAIL)
    assert (sub.auto_renew, sub.renewal_state) == (False, renewals.ENDED)
    [mail] = mails(deps, "renewal_cancelled")
    assert "no seu banco" not in mail.text_body and "pelo PIX Automático" in mail.text_body
    # The PSP's notice of our own cancel changes nothing more.
    assert pix_api.notify_rec(rec["idRec"]) == 200
    settle_postbacks(deps)
    assert len(mails(deps, "renewal_cancelled")) == 1
    run_jobs(deps)
    assert cobrs_of(pix_api, rec["idRec"]) == []


def test_the_psp_down_keeps_a_members_cancel_from_half_happening(shop, deps, pix_api, actors):
    client, buyer, _, shown = member_renewing(shop, deps, pix_api, actors)
    pix_api.down = True
    result = client.simulate_post(f"/api/me/subscriptions/{shown['id']}/cancel", headers=buyer)
    assert result.status_code == 503, result.json
    [sub] = subscriptions_of(deps, EMAIL)
    assert (sub.auto_renew, sub.renewal_state) == (True, renewals.RENEWING)
    assert mails(deps, "renewal_cancelled") == []


@pytest.mark.smoke
def test_creatorflix_jobs_twice_sends_one_cobr(
    shop, deps, backend, pix_api, clock, monkeypatch, tmp_path
):
    """The command itself, on the database, with CREATORFLIX_PIX_* and the real clock."""
    if not backend.is_pony:
        pytest.skip("the command runs on a database")
    clock.current = utcnow().replace(microsecond=0)
    client, plan = shop
    _, rec = buy(client, deps, plan, pix_api)
    approve_and_pay(deps, pix_api, rec)
    pix = deps.config.pix
    for name, value in (
        ("CREATORFLIX_DATABASE_URL", backend.url),
        ("CREATORFLIX_SECRET_KEY", deps.config.secret_key),
        ("CREATORFLIX_PUBLIC_URL", deps.config.public_url),
        ("CREATORFLIX_MAIL_URL", f"file://{tmp_path / 'outbox'}"),
        ("CREATORFLIX_GATEWAY", "pix"),
        ("CREATORFLIX_PIX_API_URL", pix.api_url),
        ("CREATORFLIX_PIX_TOKEN_URL", pix.token_url),
        ("CREATORFLIX_PIX_CLIENT_ID", pix.client_id),
        ("CREATORFLIX_PIX_CLIENT_SECRET", pix.client_secret),
        ("CREATORFLIX_PIX_CERT_FILE", pix.cert_file),
        ("CREATORFLIX_PIX_CA_FILE", pix.ca_file),
        ("CREATORFLIX_PIX_KEY", pix.key),
        ("CREATORFLIX_PIX_ACCOUNT", ACCOUNT),
    ):
        monkeypatch.setenv(name, value)
    assert cli.main(["jobs"]) == 0
    assert cli.main(["jobs"]) == 0
    [cobr] = cobrs_of(pix_api, rec["idRec"])
    assert cobr["calendario"]["dataDeVencimento"] == rec["calendario"]["dataInicial"]
    assert cobr["valor"] == {"original": "9.90"}
    assert [r.status for r in renewal_rows(deps)] == [renewals.SCHEDULED]


def test_a_refused_recurrence_leaves_a_paid_subscription_that_does_not_renew(shop, deps, pix_api):
    client, plan = shop
    created, rec = buy(client, deps, plan, pix_api)
    txid = rec["ativacao"]["dadosJornada"]["txid"]
    pix_api.pay(txid)  # paid the first week, but refused the recurrence
    assert pix_api.notify(txid) == 200
    assert settle_postbacks(deps) == ["processed"]
    [sub] = subscriptions_of(deps, EMAIL)
    assert (sub.pix_rec_id, sub.renewal_state, sub.auto_renew) == (rec["idRec"], None, False)
    pix_api.reject_rec(rec["idRec"])  # no notice: the jobs read it back
    run_jobs(deps)
    [sub] = subscriptions_of(deps, EMAIL)
    assert (sub.status, sub.renewal_state, sub.auto_renew) == ("active", renewals.ENDED, False)
    assert cobrs_of(pix_api, rec["idRec"]) == []
    assert poll(client, created).json["status"] == "paid"


def test_notices_without_our_token_or_about_strangers_change_nothing(
    shop, deps, pix_api, app_server
):
    client, plan = shop
    _, rec = buy(client, deps, plan, pix_api)
    pix_api.approve_rec(rec["idRec"])
    base = f"{app_server.url}/api/webhook/pix"
    notice = {"recs": [{"idRec": rec["idRec"], "status": "APROVADA"}]}
    assert pix_api.post_notice(f"{base}/wrong-token/rec", notice) == 403
    assert pix_api.post_notice(f"{base}/wrong-token/cobr", {"cobsr": [{"txid": "x"}]}) == 403
    assert settle_postbacks(deps) == []
    ours = deps.payments_service.webhooks.url(PIX_GATEWAY)
    stranger = {"recs": [{"idRec": "RR1234567820260101abcdefghijk", "status": "APROVADA"}]}
    assert pix_api.post_notice(f"{ours}/rec", stranger) == 200
    unknown = {"cobsr": [{"idRec": rec["idRec"], "txid": "cr" + "0" * 30, "status": "CONCLUIDA"}]}
    assert pix_api.post_notice(f"{ours}/cobr", unknown) == 200
    assert settle_postbacks(deps) == ["ignored", "ignored"]
    # An id that cannot be a RecId is dropped before anything is queued.
    assert pix_api.post_notice(f"{ours}/rec", {"recs": [{"idRec": "../x"}]}) == 200
    assert settle_postbacks(deps) == []


@pytest.mark.parametrize(
    ("fields", "why"),
    [
        ({}, "renew automatically"),  # a plan renewed by hand
        ({"duration": 45, "renewal": AUTOMATIC}, "45"),  # no cycle of the standard
    ],
)
def test_pix_automatico_only_for_plans_it_can_renew(shop, deps, fields, why):
    client, _ = shop
    plan, _ = add_catalogue(deps, **fields)
    result = client.simulate_post("/api/checkouts", json=checkout_body(plan.id, "pix_automatico"))
    assert_error(result, 400, "invalid", "payment_method")
    assert why in result.json["error"]["message"]
    assert subscriptions_of(deps, "ana@example.com") == []


def test_the_checkout_page_is_told_which_plans_pix_automatico_renews(shop):
    client, _ = shop
    options = client.simulate_get("/api/checkout-options").json
    assert options == {"card": None, "pix_automatico": [7, 30, 90, 180, 365]}


def test_the_panels_sales_say_pix_automatico(shop, deps, pix_api, actors):
    client, plan = shop
    admin = actors.admin()
    buy(client, deps, plan, pix_api)
    start(client, checkout_body(plan.id, customer=customer(email="bia@example.com")))
    sales = client.simulate_get("/api/admin/checkouts", headers=admin).json["data"]
    assert sorted(s["payment_method"] for s in sales) == ["pix", "pix_automatico"]
    # The stored method is pix: filtering by pix finds both.
    found = client.simulate_get(
        "/api/admin/checkouts", headers=admin, params={"payment_method": "pix"}
    )
    assert found.json["total"] == 2
    exported = client.simulate_get("/api/admin/checkouts.csv", headers=admin)
    rows = list(csv.reader(io.StringIO(exported.content.decode("utf-8-sig")), delimiter=";"))
    assert sorted(dict(zip(rows[0], row))["Método"] for row in rows[1:]) == [
        "PIX",
        "PIX Automático",
    ]

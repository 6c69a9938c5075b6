"""Browser: Pix Automático (issue 26) as people see it. A member whose subscription
renews by Pix reads so in "Minha conta" (and that her bank has not approved it yet,
while it has not); the admin's subscriptions list says what renews each one; the
sandbox's checkout does not offer it; and with the PIX gateway charging (the local
PSP), a buyer picks it, pays and authorises with one QR, and cancels it from her
account — at the bank too."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from playwright.sync_api import expect

from adapters.clock import utcnow
from domain.catalog.entities import AUTOMATIC, Plan
from domain.payments import renewals
from domain.payments.subscriptions import Subscription
from tests.support.payments import VALID_CPF, checkout_body, settle_postbacks
from tests.support.pix import pki, settings_for  # noqa: F401
from tests.support.pix_api_server import PixApiServer

LOCAL = ZoneInfo("America/Sao_Paulo")
REC = "RR1234567820240115abcdefghijk"  # an idRec as the PSP makes them (29 characters)
PIX_AUTOMATICO = "PIX Automático (paga agora e renova sozinho)"
NOTE = (
    "Você autoriza uma vez no app do seu banco; as próximas cobranças chegam sozinhas, no "
    "máximo o valor do plano, e você pode cancelar quando quiser no banco ou em Minha conta."
)
AWAITING = "Aguardando a autorização do PIX Automático no seu banco."


def member(live, email: str, name: str) -> dict:
    return live.api(
        "POST",
        "/api/auth/register",
        expect=201,
        json={"email": email, "password": "member-password-1", "name": name},
    )


def automatic_plan(live, name: str) -> Plan:
    """A 30-day plan that renews automatically (a cycle Pix Automático has: MENSAL)."""
    with live.deps.uow() as uow:
        plan = uow.plans.add(Plan(id=None, name=name, price=3990, duration=30, renewal=AUTOMATIC))
        uow.commit()
    return plan


def ends_after(due: date) -> datetime:
    """The end of a period whose cycle is due on `due`: the local midnight after it, in
    naive UTC as stored."""
    local = datetime.combine(due + timedelta(days=1), time(0), tzinfo=LOCAL)
    return local.astimezone(ZoneInfo("UTC")).replace(tzinfo=None)


def subscribed(live, user_id: int, plan: Plan, end: datetime, **renewal) -> None:
    """An active subscription of `plan` ending at `end`, renewing as `renewal` says."""
    with live.deps.uow() as uow:
        uow.subscriptions.add(
            Subscription(
                id=None,
                user_id=user_id,
                plan_id=plan.id,
                external_id=f"tx-{user_id}",
                status="active",
                start_date=end - timedelta(days=plan.duration),
                end_date=end,
                **renewal,
            )
        )
        uow.commit()


def subscribed_by_pix(live, user_id: int, plan: Plan, due: date, state: str | None) -> None:
    """A subscription its recurrence REC renews (`state` renewals.RENEWING once the bank
    approved it, None while awaiting that), its current cycle due on `due`; no card."""
    subscribed(
        live,
        user_id,
        plan,
        ends_after(due),
        auto_renew=state is not None,
        renewal_state=state,
        pix_rec_id=REC,
        renewal_anchor=due,
    )


def charge_day(due: date) -> str:
    """The day shown as the next charge: the due date, when the payer's bank pays."""
    return due.strftime("%d/%m/%Y")


def test_a_member_renewing_by_pix_automatico_reads_it_in_her_account(tab):
    live = tab.live
    session = member(live, "pix-renova@example.com", "Paula")
    plan = automatic_plan(live, "Mensal Pix")
    due = (utcnow() + timedelta(days=20)).date()
    subscribed_by_pix(live, session["user"]["id"], plan, due, renewals.RENEWING)
    tab.log_in_as(session["token"], session["user"])
    tab.goto("/minha-conta")
    box = tab.page.locator(".renewal")
    expect(box.locator("p")).to_have_text(
        "Renovação automática por PIX Automático: próxima cobrança de R$\u00a039,90 em "
        f"{charge_day(due)}."
    )
    # The sandbox has no API Pix to cancel REC at: the cancel is exercised in the
    # journey with the PIX gateway charging (below).
    expect(box.get_by_role("button", name="Cancelar renovação")).to_be_visible()
    tab.shot("renewal-pix-automatico")


def test_a_member_whose_bank_has_not_approved_yet_reads_that_it_is_awaited(tab):
    live = tab.live
    session = member(live, "pix-aguarda@example.com", "Aline")
    plan = automatic_plan(live, "Mensal Pix aguardando")
    subscribed_by_pix(
        live, session["user"]["id"], plan, (utcnow() + timedelta(days=29)).date(), None
    )
    tab.log_in_as(session["token"], session["user"])
    tab.goto("/minha-conta")
    expect(tab.page.locator(".renewal")).to_have_text(AWAITING)
    expect(tab.page.get_by_role("button", name="Cancelar renovação")).to_have_count(0)
    tab.shot("renewal-pix-awaiting")


def test_the_admin_list_says_what_renews_each_subscription(admin_tab):
    page, live = admin_tab.page, admin_tab.live
    by_pix = member(live, "pix-admin@example.com", "Pietra")["user"]["id"]
    by_card = member(live, "cartao-admin@example.com", "Carla")["user"]["id"]
    awaiting = member(live, "pix-admin-aguarda@example.com", "Alice")["user"]["id"]
    plan = automatic_plan(live, "Mensal do meio")
    subscribed_by_pix(live, by_pix, plan, (utcnow() + timedelta(days=10)).date(), renewals.RENEWING)
    subscribed_by_pix(live, awaiting, plan, (utcnow() + timedelta(days=30)).date(), None)
    subscribed(
        live,
        by_card,
        plan,
        utcnow() + timedelta(days=30),
        auto_renew=True,
        renewal_state=renewals.RENEWING,
        card_ref="card_carla",
        card_brand="visa",
        card_last4="4242",
    )
    admin_tab.goto("/admin/assinaturas")

    def row_of(user_id: int):
        link = page.locator(f'a[href="/admin/clientes/conta/{user_id}"]')
        return page.locator("tbody tr", has=link)

    expect(row_of(by_pix)).to_contain_text("PIX Automático")
    expect(row_of(by_card)).to_contain_text("VISA final 4242")
    expect(row_of(awaiting)).to_contain_text("Aguardando autorização no banco")
    expect(row_of(by_pix)).not_to_contain_text("Aguardando")
    admin_tab.shot("admin-subscriptions-means")


def test_the_sandbox_checkout_does_not_offer_pix_automatico(tab):
    page, live = tab.page, tab.live
    plan = automatic_plan(live, "Mensal automático no sandbox")
    # The API says so (no PSP's API Pix charges) and refuses the method...
    assert live.api("GET", "/api/checkout-options")["pix_automatico"] == []
    refused = live.api(
        "POST",
        "/api/checkouts",
        expect=400,
        json=checkout_body(plan.id, "pix_automatico"),
    )
    assert refused["error"]["field"] == "payment_method"
    # ...and the page offers the one-off PIX only.
    tab.goto(f"/checkout?plano={plan.id}")
    expect(page.locator(".plan-name")).to_have_text(plan.name)
    expect(page.locator('input[type=hidden][name="payment_method"]')).to_have_value("pix")
    expect(page.get_by_text("PIX Automático")).to_have_count(0)


@pytest.fixture
def pix_charging(live, pki):
    """The live server charging through the local PSP's API Pix (the admin activates
    the PIX gateway); the gateways' rows as they were afterwards (sandbox again)."""
    with live.deps.uow() as uow:
        before = {row.id: row for row in uow.payment_gateways.find().items}
    psp = PixApiServer(pki).start()
    try:
        live.admin(
            "PUT",
            "/api/admin/payment-gateways/pix",
            json={**settings_for(pki, psp), "is_active": True},
        )
        yield psp
    finally:
        with live.deps.uow() as uow:
            for row in uow.payment_gateways.find().items:
                if row.id not in before:
                    uow.payment_gateways.delete(row.id)
                elif row != before[row.id]:
                    uow.payment_gateways.update(before[row.id])
            uow.commit()
        psp.stop()


def test_a_buyer_pays_and_authorises_pix_automatico_and_cancels_it_in_her_account(
    tab, pix_charging
):
    page, live, psp = tab.page, tab.live, pix_charging
    session = member(live, "pix-jornada@example.com", "Júlia")
    plan = automatic_plan(live, "Mensal Pix Automático")
    tab.log_in_as(session["token"], session["user"])
    tab.goto(f"/checkout?plano={plan.id}")
    methods = page.locator(".methods label.method")
    expect(methods).to_have_text([PIX_AUTOMATICO, "PIX (aprovação na hora)"])
    expect(methods.first.locator("input")).to_be_checked()
    note = page.locator(".pix-automatico-note")
    expect(note).to_have_text(NOTE)
    methods.nth(1).locator("input").check()
    expect(note).to_be_hidden()
    methods.first.locator("input").check()
    expect(note).to_be_visible()
    page.fill('[name="customer.document"]', VALID_CPF)
    page.fill('[name="customer.phone"]', "11987654321")
    tab.shot("checkout-pix-automatico")
    page.get_by_role("button", name="Gerar PIX").click()

    expect(page.get_by_role("heading", name="Pague e autorize no app do seu banco")).to_be_visible()
    expect(page.locator("img.qr-image")).to_be_visible()
    expect(page.locator(".charged-total")).to_have_text("R$\u00a039,90")
    [rec] = psp.recs.values()
    # One QR: the first period's cob and the recurrence's location (journey 3).
    assert rec["loc"]["location"] in page.locator(".pix-code").input_value()
    tab.shot("checkout-pix-automatico-qr")

    # The payer's bank pays the first period; the approval is not known yet.
    txid = rec["ativacao"]["dadosJornada"]["txid"]
    psp.pay(txid)
    assert psp.notify(txid) == 200
    assert settle_postbacks(live.deps) == ["processed"]
    expect(page.get_by_role("heading", name="Tudo pronto!")).to_be_visible(timeout=15_000)
    tab.goto("/minha-conta")
    expect(page.locator(".renewal")).to_have_text(AWAITING)

    psp.approve_rec(rec["idRec"])
    assert psp.notify_rec(rec["idRec"]) == 200
    assert settle_postbacks(live.deps) == ["processed"]
    tab.goto("/minha-conta")
    box = page.locator(".renewal")
    due = date.fromisoformat(rec["calendario"]["dataInicial"])
    expect(box.locator("p")).to_have_text(
        "Renovação automática por PIX Automático: próxima cobrança de R$\u00a039,90 em "
        f"{charge_day(due)}."
    )
    box.get_by_role("button", name="Cancelar renovação").click()
    # The period ends at the midnight after the due date: access through the due date.
    expect(box.locator(".renewal-off")).to_have_text(
        f"Renovação automática cancelada. Você tem acesso até {due:%d/%m/%Y}."
    )
    expect(box.get_by_role("button", name="Reativar renovação")).to_have_count(0)
    assert psp.recs[rec["idRec"]]["status"] == "CANCELADA"  # at the bank too
    tab.shot("renewal-pix-automatico-cancelled")

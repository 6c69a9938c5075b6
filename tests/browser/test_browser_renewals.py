"""Browser: a member with an automatic subscription cancels its renewal in one click
from "Minha conta" and sees until when she keeps access (issue 25)."""

from __future__ import annotations

from datetime import datetime, timedelta

from adapters.clock import utcnow
from domain.catalog.entities import AUTOMATIC, Plan
from domain.payments import renewals
from domain.payments.subscriptions import Subscription


def test_a_member_cancels_her_renewal_from_her_account_and_sees_her_access_end(tab):
    live = tab.live
    session = live.api(
        "POST",
        "/api/auth/register",
        expect=201,
        json={"email": "renova@example.com", "password": "member-password-1", "name": "Rita"},
    )
    end = datetime.combine((utcnow() + timedelta(days=20)).date(), datetime.min.time()) + timedelta(
        hours=15
    )  # mid-day: the same date in São Paulo
    with live.deps.uow() as uow:
        plan = uow.plans.add(
            Plan(id=None, name="Mensal automático", price=3990, duration=30, renewal=AUTOMATIC)
        )
        uow.subscriptions.add(
            Subscription(
                id=None,
                user_id=session["user"]["id"],
                plan_id=plan.id,
                external_id="tx-rita",
                status="active",
                start_date=end - timedelta(days=30),
                end_date=end,
                auto_renew=True,
                renewal_state=renewals.RENEWING,
                card_ref="card_rita",
                card_brand="mastercard",
                card_last4="4444",
            )
        )
        uow.commit()
    tab.log_in_as(session["token"], session["user"])
    tab.goto("/minha-conta")
    box = tab.page.locator(".renewal")
    charge_day = (end - timedelta(hours=24)).strftime("%d/%m/%Y")
    assert box.inner_text().startswith(
        f"Renovação automática no MASTERCARD final 4444: próxima cobrança de R$\u00a039,90 "
        f"em {charge_day}."
    )
    tab.shot("renewal-on")
    box.get_by_role("button", name="Cancelar renovação").click()
    tab.page.locator(".renewal-off").wait_for()
    assert box.inner_text().strip().splitlines()[0] == (
        f"Renovação automática cancelada. Você tem acesso até {end.strftime('%d/%m/%Y')}."
    )
    tab.shot("renewal-cancelled")
    with live.deps.uow() as uow:
        [sub] = uow.subscriptions.find({"user_id": session["user"]["id"]}).items
    assert (sub.auto_renew, sub.end_date) == (False, end)
    # The purchases page says the same, and the renewal can be turned back on there.
    tab.goto("/minha-conta/compras")
    assert "Você tem acesso até" in tab.page.locator(".renewal").inner_text()
    tab.page.get_by_role("button", name="Reativar renovação").click()
    tab.page.get_by_text("próxima cobrança").wait_for()


def test_the_checkout_page_applies_a_coupon_and_shows_the_new_total(tab):
    from playwright.sync_api import expect

    live = tab.live
    live.admin(
        "POST", "/api/admin/coupons", expect=201, json={"code": "NAVEGADOR", "percent_off": 50}
    )
    tab.console.allow(400)  # the unknown code below, as the page expects
    tab.goto("/checkout?plano=2")  # seed-demo: "Mensal", R$ 29,90
    expect(tab.page.locator(".total-value")).to_have_text("R$\u00a029,90")
    tab.page.locator("#coupon-code").fill("inexistente")
    tab.page.get_by_role("button", name="Aplicar").click()
    expect(tab.page.locator(".coupon-note")).to_have_text("Cupom inválido, expirado ou esgotado.")
    tab.page.locator("#coupon-code").fill("navegador")
    tab.page.get_by_role("button", name="Aplicar").click()
    expect(tab.page.locator(".coupon-note")).to_have_text(
        "Cupom NAVEGADOR aplicado: − R$\u00a014,95 no plano."
    )
    expect(tab.page.locator(".total-value")).to_have_text("R$\u00a014,95")
    tab.shot("checkout-coupon")

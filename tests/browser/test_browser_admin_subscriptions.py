"""Browser: the admin's subscriptions page (issue 25) narrows its table by automatic or
manual renewal and by the renewal's state."""

from __future__ import annotations

from datetime import timedelta

from playwright.sync_api import expect

from adapters.clock import utcnow
from domain.accounts.users import User
from domain.catalog.entities import Plan
from domain.payments import renewals
from domain.payments.subscriptions import Subscription


def test_the_subscriptions_page_filters_by_renewal_and_its_state(admin_tab):
    page, live = admin_tab.page, admin_tab.live
    now = utcnow()
    with live.deps.uow() as uow:
        plan = uow.plans.add(Plan(id=None, name="Mensal do filtro", price=3990, duration=30))
        automatic_user = uow.users.add(User(id=None, email="auto-atraso@example.com", password="x"))
        manual_user = uow.users.add(User(id=None, email="manual-filtro@example.com", password="x"))
        common = {"status": "active", "start_date": now, "end_date": now + timedelta(days=30)}
        automatic = uow.subscriptions.add(
            Subscription(
                id=None,
                user_id=automatic_user.id,
                plan_id=plan.id,
                auto_renew=True,
                renewal_state=renewals.PAST_DUE,
                **common,
            )
        )
        manual = uow.subscriptions.add(
            Subscription(id=None, user_id=manual_user.id, plan_id=plan.id, **common)
        )
        uow.commit()
    admin_tab.goto("/admin/assinaturas")

    def row_of(user_id: int):
        link = page.locator(f'a[href="/admin/clientes/conta/{user_id}"]')
        return page.locator("tbody tr", has=link)

    automatic_row, manual_row = row_of(automatic_user.id), row_of(manual_user.id)
    # The id column (the newest first) shows each subscription's number.
    expect(automatic_row.locator("td").first).to_have_text(str(automatic.id))
    expect(manual_row.locator("td").first).to_have_text(str(manual.id))
    expect(automatic_row).to_contain_text("Automática")
    expect(automatic_row).to_contain_text("Pagamento pendente")
    expect(manual_row).to_contain_text("Manual")
    expect(manual_row).to_contain_text("Mensal do filtro")
    page.get_by_label("Renovação", exact=True).select_option("false")
    expect(automatic_row).to_have_count(0)
    expect(manual_row).to_have_count(1)
    page.get_by_label("Renovação", exact=True).select_option("true")
    page.get_by_label("Estado", exact=True).select_option("past_due")
    expect(manual_row).to_have_count(0)
    expect(automatic_row).to_have_count(1)
    expect(page.locator("tbody tr").filter(has_not_text="Pagamento pendente")).to_have_count(0)
    admin_tab.shot("admin-subscriptions-filtered")
    page.get_by_label("Estado", exact=True).select_option("ended")
    expect(automatic_row).to_have_count(0)

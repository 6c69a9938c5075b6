"""Issue 13 in the admin pages: a checkout paid for another amount waits in
/admin/pagamentos-em-analise until an administrator settles it; the write shows in
/admin/auditoria."""

from __future__ import annotations

from uuid import uuid4

from playwright.sync_api import expect

from domain.payments.checkout import REVIEW, Checkout


def test_a_checkout_in_review_is_settled_from_its_page_and_audited(admin_tab):
    page, live = admin_tab.page, admin_tab.live
    email = f"review-{uuid4().hex[:8]}@example.com"
    with live.deps.uow() as uow:  # as a Dias postback of 1 cent leaves it
        plan = uow.plans.first({"name": "Mensal"})
        checkout = uow.checkouts.add(
            Checkout(
                id=None,
                plan_id=plan.id,
                total_amount=plan.price,
                status=REVIEW,
                external_id=f"cf_{uuid4().hex[:10]}",
                payment_method="credit_card",
                customer_email=email,
                customer_name="Rita",
                payment_data={"provider": "dias", "status": "paid"},
            )
        )
        uow.commit()
    admin_tab.goto("/admin/pagamentos-em-analise")
    row = page.get_by_role("row").filter(has_text=email)
    expect(row).to_contain_text("R$")
    page.once("dialog", lambda dialog: dialog.accept())
    row.get_by_role("button", name="Marcar como pago").click()
    expect(page.locator(".alert-success")).to_contain_text(f"Checkout {checkout.id}")
    expect(page.get_by_role("row").filter(has_text=email)).to_have_count(0)
    assert live.admin("GET", f"/api/admin/checkouts/{checkout.id}")["status"] == "paid"
    admin_tab.shot("admin-review-settled-desktop")

    admin_tab.goto("/admin/auditoria")
    expect(
        page.get_by_role("row").filter(has_text="/api/admin/checkouts/{id}/settle").first
    ).to_contain_text(str(checkout.id))

"""Running the business from the panel (issue 23): a buyer found by CPF and granted a
plan; a sandbox PIX paid from /admin/vendas; the CSV as Excel pt-BR reads it; a member
still signed in in a new tab and after the browser is reopened; an admin seeing the
white-label media with the age gate on (no 403)."""

from __future__ import annotations

import csv
import io
import re

import attrs
import pytest
from playwright.sync_api import expect

from entrypoints.http.app import create_app
from tests.support import browser as harness
from tests.support.browser_server import ADMIN_EMAIL, ADMIN_PASSWORD

BUYER_CPF = "390.533.447-05"


def _buy(live, email: str, name: str, document: str = BUYER_CPF) -> dict:
    plan = live.api("GET", "/api/plans")["data"][0]
    return live.api(
        "POST",
        "/api/checkouts",
        expect=201,
        json={
            "plan_id": plan["id"],
            "payment_method": "pix",
            "order_bump_ids": [],
            "customer": {
                "name": name,
                "email": email,
                "document": document,
                "phone": "(11) 91234-5678",
            },
        },
    )


def _new_context(contexts, live, **extra):
    context = contexts["desktop"].browser.new_context(
        viewport=harness.DESKTOP, locale="pt-BR", timezone_id="America/Sao_Paulo", **extra
    )
    context.set_default_timeout(10_000)
    harness.keep_on_loopback(context, live.url)
    return context


def _sign_in(page, live, email: str, password: str) -> None:
    page.goto(live.url + "/entrar")
    page.fill('[name="email"]', email)
    page.fill('[name="password"]', password)
    page.get_by_role("button", name="Entrar").click()


def test_a_buyer_found_by_cpf_is_granted_a_plan(admin_tab):
    page, live = admin_tab.page, admin_tab.live
    paid = _buy(live, "cpf.buyer@example.com", "Joana Cpf")
    live.admin("POST", f"/api/admin/sandbox/checkouts/{paid['id']}/pay")
    admin_tab.goto("/admin/clientes")
    page.get_by_label("Buscar por nome, e-mail, CPF ou telefone").fill("39053344705")
    page.get_by_role("button", name="Buscar").click()
    link = page.get_by_role("link", name="Joana Cpf")
    expect(link).to_be_visible()
    expect(page.get_by_role("cell", name=BUYER_CPF)).to_be_visible()
    link.click()
    admin_tab.settle()
    expect(page.get_by_role("heading", name="Joana Cpf")).to_be_visible()
    page.get_by_role("button", name="Conceder plano").click()
    expect(page.locator(".alert-success")).to_contain_text("Plano concedido a Joana Cpf")
    expect(page.get_by_role("cell", name="Concedida no painel")).to_be_visible()
    admin_tab.shot("admin-customer-granted-desktop")


def test_a_sandbox_pix_is_paid_from_the_sales_page(admin_tab):
    page, live = admin_tab.page, admin_tab.live
    pending = _buy(live, "pix.buyer@example.com", "Paula Pix")
    admin_tab.goto("/admin/vendas")
    page.get_by_label("Buscar (nome, e-mail, CPF, telefone)").fill("pix.buyer@")
    page.get_by_role("button", name="Filtrar").click()
    admin_tab.settle()
    row = page.get_by_role("row").filter(has_text="Paula Pix")
    expect(row).to_contain_text("Pendente")
    page.once("dialog", lambda dialog: dialog.accept())
    row.get_by_role("button", name="Pagar PIX (sandbox)").click()
    expect(page.locator(".alert-success")).to_contain_text("Paula Pix")
    expect(page.get_by_role("row").filter(has_text="Paula Pix")).to_contain_text("Pago")
    assert live.admin("GET", f"/api/admin/checkouts/{pending['id']}")["status"] == "paid"
    admin_tab.shot("admin-sales-paid-desktop")


def test_the_csv_downloads_for_excel_pt_br(admin_tab):
    page, live = admin_tab.page, admin_tab.live
    _buy(live, "csv.buyer@example.com", "Clara Csv")
    admin_tab.goto("/admin/vendas")
    page.get_by_label("Buscar (nome, e-mail, CPF, telefone)").fill("Clara Csv")
    page.get_by_role("button", name="Filtrar").click()
    admin_tab.settle()
    with page.expect_download() as download:
        page.get_by_role("link", name="Exportar CSV").click()
    data = open(download.value.path(), "rb").read()
    assert data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig")), delimiter=";"))
    row = dict(zip(rows[0], rows[1]))
    assert len(rows) == 2 and row["Nome"] == "Clara Csv"
    assert re.fullmatch(r"\d+,\d\d", row["Valor (R$)"])
    checkout = live.admin("GET", f"/api/admin/checkouts/{row['ID']}")
    # Stored UTC, shown in São Paulo's time (UTC-3, no daylight saving since 2019).
    from datetime import datetime, timedelta

    local = datetime.fromisoformat(checkout["created_at"].rstrip("Z")) - timedelta(hours=3)
    assert row["Criado em"] == local.strftime("%d/%m/%Y %H:%M:%S")


def test_a_member_stays_signed_in_in_a_new_tab_and_after_reopening(contexts, live, tmp_path):
    email, password = "lasting@example.com", "lasting-password-1"
    live.api(
        "POST",
        "/api/auth/register",
        expect=201,
        json={"email": email, "password": password, "name": "Lia"},
    )
    context = _new_context(contexts, live)
    try:
        page = context.new_page()
        _sign_in(page, live, email, password)
        page.wait_for_url(live.url + "/minha-conta")
        other = context.new_page()  # a new tab
        other.goto(live.url + "/minha-conta")
        harness.settled(other)
        expect(other.locator("#main")).to_contain_text(email)
        state = context.storage_state(path=str(tmp_path / "state.json"))
        assert not any(c["name"] == "cf_session" and not c["httpOnly"] for c in state["cookies"])
    finally:
        context.close()
    reopened = _new_context(contexts, live, storage_state=str(tmp_path / "state.json"))
    try:
        page = reopened.new_page()
        page.goto(live.url + "/minha-conta")
        harness.settled(page)
        assert page.url == live.url + "/minha-conta"
        expect(page.locator("#main")).to_contain_text(email)
        # "Sair" ends it: the account page sends to the login again.
        page.get_by_role("button", name="Sair").first.click()
        page.wait_for_url(live.url + "/")
        harness.settled(page)
        assert not any(c["name"].startswith("cf_session") for c in reopened.cookies())
        page.goto(live.url + "/minha-conta")
        page.wait_for_url(re.compile(r".*/entrar\?next=.*"))
    finally:
        reopened.close()


@pytest.fixture
def gated(live):
    """The live server with the age gate on for this test."""
    before = live.server.app
    live.server.app = create_app(
        attrs.evolve(live.deps, config=attrs.evolve(live.deps.config, age_gate=True))
    )
    yield live
    live.server.app = before


def test_an_admin_sees_white_label_media_with_the_gate_on(gated, contexts):
    context = _new_context(contexts, gated)
    refused: list[str] = []
    try:
        page = context.new_page()
        page.on(
            "response",
            lambda r: refused.append(r.url) if "/media/" in r.url and r.status == 403 else None,
        )
        _sign_in(page, gated, ADMIN_EMAIL, ADMIN_PASSWORD)
        page.wait_for_url(gated.url + "/admin")
        other = context.new_page()  # another tab: the session goes with it
        other.on(
            "response",
            lambda r: refused.append(r.url) if "/media/" in r.url and r.status == 403 else None,
        )
        other.goto(gated.url + "/")
        harness.settled(other)
        assert "/verificacao-idade" not in other.url
        image = other.locator("img[src*='/media/']").first
        expect(image).to_be_visible()
        # Visible is not loaded yet: wait for the image itself (it came through the gate).
        other.wait_for_function(
            "img => img.complete && img.naturalWidth > 0", arg=image.element_handle()
        )
        assert refused == []
    finally:
        context.close()


def test_the_checkout_shows_every_field_error_at_once_and_clears_fixed_ones(tab):
    page = tab.page
    plan = tab.live.api("GET", "/api/plans")["data"][0]
    tab.goto(f"/checkout?plano={plan['id']}")
    page.fill('[name="customer.email"]', "not-an-email")
    page.fill('[name="customer.document"]', "11144477700")
    page.fill('[name="customer.phone"]', "1199")
    page.locator('form.checkout-form [type="submit"]').click()
    errors = page.locator("form.checkout-form .field-error")
    expect(errors).to_have_count(4)
    for name, text in (
        ("customer.name", "Informe seu nome."),
        ("customer.email", "Informe um e-mail válido."),
        ("customer.document", "Informe um CPF válido."),
        ("customer.phone", "Informe um celular com DDD"),
    ):
        expect(page.locator(f'[name="{name}"] ~ .field-error')).to_contain_text(text)
    page.fill('[name="customer.name"]', "Nina")
    page.fill('[name="customer.document"]', "52998224725")
    expect(errors).to_have_count(2)
    expect(page.locator('[name="customer.document"]')).not_to_have_attribute("aria-invalid", "true")
    expect(page.locator('[name="customer.email"] ~ .field-error')).to_be_visible()


def test_deleting_a_plan_with_sales_says_why_and_offers_to_deactivate_it(admin_tab):
    page, live = admin_tab.page, admin_tab.live
    plan = live.admin(
        "POST",
        "/api/admin/plans",
        expect=201,
        json={"name": "Vendido", "price": 1990, "duration": 30},
    )
    live.api(
        "POST",
        "/api/checkouts",
        expect=201,
        json={
            "plan_id": plan["id"],
            "payment_method": "pix",
            "order_bump_ids": [],
            "customer": {
                "name": "Sara",
                "email": "sara@example.com",
                "document": BUYER_CPF,
                "phone": "(11) 91234-5678",
            },
        },
    )
    admin_tab.goto("/admin/planos")
    admin_tab.console.allow(409)
    row = page.get_by_role("row").filter(has_text="Vendido")
    page.once("dialog", lambda dialog: dialog.accept())
    row.get_by_role("button", name="Excluir").click()
    alert = page.locator(".alert-error")
    expect(alert).to_contain_text("O plano Vendido tem 1 venda(s)")
    expect(page.get_by_role("row").filter(has_text="Vendido")).to_be_visible()  # the table stays
    alert.get_by_role("button", name="Desativar plano (tirar da loja)").click()
    expect(page.locator(".alert-success")).to_contain_text("Vendido desativado")
    assert live.admin("GET", f"/api/admin/plans/{plan['id']}")["is_active"] is False


def test_the_audit_log_reads_as_sentences(admin_tab):
    page, live = admin_tab.page, admin_tab.live
    plan = live.admin(
        "POST",
        "/api/admin/plans",
        expect=201,
        json={"name": "Auditado", "price": 2990, "duration": 30},
    )
    live.admin("PATCH", f"/api/admin/plans/{plan['id']}", json={"price": 3490})
    admin_tab.goto("/admin/auditoria")
    expect(page.locator(".audit-sentence").first).to_have_text(
        "admin@creatorflix.test alterou o plano Auditado: preço 29,90 → 34,90"
    )
    expect(page.locator(".audit-sentence").nth(1)).to_contain_text(
        "admin@creatorflix.test criou o plano"
    )

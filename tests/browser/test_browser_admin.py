"""The admin pages do what they show: gateway secrets are write-only, prices typed in
reais are stored in cents, a sync can be run (simulated) from its page."""

from __future__ import annotations

from playwright.sync_api import expect

from tests.support.pix import pki  # noqa: F401


def test_a_gateway_secret_is_written_and_never_shown(admin_tab):
    page, live = admin_tab.page, admin_tab.live
    secret = "sk_live_do_not_show_4242"
    admin_tab.goto("/admin/gateways")
    form = page.locator('form[data-gateway="junglepay"]')
    form.locator('[name="public_key"]').fill("pk_live_visible")
    form.locator('[name="secret_key"]').fill(secret)
    form.get_by_role("button", name="Salvar").click()
    expect(page.locator(".alert-success")).to_contain_text("salvo")
    admin_tab.settle()
    form = page.locator('form[data-gateway="junglepay"]')
    expect(form.locator('[name="secret_key"]')).to_have_value("")
    expect(form.locator('[name="secret_key"]')).to_have_attribute(
        "placeholder", "•••••••• (definida)"
    )
    expect(form.locator('[name="public_key"]')).to_have_value("pk_live_visible")
    assert secret not in page.content()
    [junglepay] = [
        g
        for g in live.admin("GET", "/api/admin/payment-gateways")["data"]
        if g["name"] == "junglepay"
    ]
    assert junglepay["has_secret_key"] and not junglepay["is_active"]
    # The circuit breaker of the gateway's API (issue 21): nothing failed, it answers.
    assert junglepay["circuit"]["state"] == "closed"
    expect(
        page.locator('section:has(form[data-gateway="junglepay"]) [data-circuit]')
    ).to_contain_text("Respondendo")
    admin_tab.shot("admin-gateways-saved-desktop")


def test_a_plan_priced_in_reais_is_stored_in_cents(admin_tab):
    page, live = admin_tab.page, admin_tab.live
    admin_tab.goto("/admin/planos")
    page.get_by_role("button", name="Novo plano").click()
    page.fill('[name="name"]', "Trimestral")
    page.fill('[name="price"]', "not money")
    page.fill('[name="duration"]', "90")
    page.fill('[name="benefits_json"]', "Tudo liberado\nSuporte prioritário")
    page.get_by_role("button", name="Criar").click()
    expect(page.locator('[name="price"] ~ .field-error')).to_have_text(
        "Informe um valor como 29,90."
    )
    page.fill('[name="price"]', "79,90")
    page.get_by_role("button", name="Criar").click()
    expect(page.get_by_role("cell", name="Trimestral")).to_be_visible()
    [plan] = [p for p in live.api("GET", "/api/plans")["data"] if p["name"] == "Trimestral"]
    assert (plan["price"], plan["duration"], plan["benefits_json"]) == (
        7990,
        90,
        ["Tudo liberado", "Suporte prioritário"],
    )
    live.admin("DELETE", f"/api/admin/plans/{plan['id']}", expect=204)


def test_a_simulated_sync_reports_without_writing(admin_tab):
    page = admin_tab.page
    admin_tab.goto("/admin/sync")
    page.get_by_label("Simulação (não grava nada)").check()
    page.get_by_role("button", name="Sincronizar agora").click()
    report = page.locator(".report")
    expect(report).to_contain_text("simulação")
    expect(report).to_contain_text("Concluída")
    expect(report.locator('td[data-label="No catálogo"]').first).to_have_text("3")
    admin_tab.shot("admin-sync-dry-run-desktop")


def test_the_pix_gateway_is_configured_with_an_uploaded_certificate(admin_tab, pki):
    page, live = admin_tab.page, admin_tab.live
    admin_tab.goto("/admin/gateways")
    form = page.locator('form[data-gateway="pix"]')
    expect(form.locator("[data-missing]")).to_contain_text("Certificado")
    form.locator('[name="api_url"]').fill("https://pix.psp.example/v2")
    form.locator('[name="token_url"]').fill("https://pix.psp.example/oauth/token")
    form.locator('[name="pix_key"]').fill("pix@creatorflix.example")
    form.locator('[name="public_key"]').fill("client-id")
    form.locator('[name="secret_key"]').fill("client-secret-do-not-show")
    form.locator('[name="certificate"]').set_input_files(str(pki.client_cert_file))
    form.locator('[name="ca_certificate"]').fill(pki.ca_file.read_text())
    # Pix Automático's receiving account: refused in Portuguese next to the field...
    admin_tab.console.allow(400)  # the API's verdict on the account, shown next to it
    form.locator('[name="pix_account"]').fill("0001-123456")
    expect(form.locator('[name="pix_account_type"]')).to_have_value("CORRENTE")
    form.locator('[name="pix_account_type"]').select_option(label="Poupança")
    form.get_by_role("button", name="Salvar").click()
    expect(form.locator(".field-error")).to_contain_text("agência/conta")
    expect(form.locator('[name="pix_account"]')).to_have_attribute("aria-invalid", "true")
    # ...then stored and shown back.
    form.locator('[name="pix_account"]').fill("0001/123456-7")
    form.get_by_role("button", name="Salvar").click()
    expect(page.locator(".alert-success")).to_contain_text("salvo")
    admin_tab.settle()
    form = page.locator('form[data-gateway="pix"]')
    expect(form.locator("[data-missing]")).to_have_count(0)
    expect(form.locator('[name="api_url"]')).to_have_value("https://pix.psp.example/v2")
    expect(form.locator('[name="pix_account"]')).to_have_value("0001/123456-7")
    expect(form.locator('[name="pix_account_type"]')).to_have_value("POUPANCA")
    content = page.content()
    assert "client-secret-do-not-show" not in content and "PRIVATE KEY" not in content
    [pix] = [
        g for g in live.admin("GET", "/api/admin/payment-gateways")["data"] if g["name"] == "pix"
    ]
    assert pix["has_secret_key"] and pix["pix"]["has_certificate"]
    assert pix["pix"]["missing"] == [] and not pix["is_active"]
    assert (pix["pix"]["pix_account"], pix["pix"]["pix_account_type"]) == (
        "0001/123456-7",
        "POUPANCA",
    )

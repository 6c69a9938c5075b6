"""The notifications page: a webhook endpoint's secret is shown once, then never again;
a test event lands in its delivery log; Telegram's bot token is write-only."""

from __future__ import annotations

from playwright.sync_api import expect


def test_an_endpoint_shows_its_secret_once_and_logs_a_test_event(admin_tab):
    page, live = admin_tab.page, admin_tab.live
    admin_tab.console.allow(400)  # the API's verdict on the URL, shown next to the field
    admin_tab.goto("/admin/notificacoes")
    form = page.locator('form[data-form="new-endpoint"]')
    form.locator('[name="url"]').fill("https://127.0.0.1/hooks")
    form.get_by_role("button", name="Adicionar endpoint").click()
    expect(form.locator(".field-error")).to_contain_text("https público")
    form.locator('[name="url"]').fill("https://93.184.216.34/hooks")
    form.locator('[name="description"]').fill("ERP da loja")
    form.get_by_role("button", name="Adicionar endpoint").click()
    secret = page.locator("[data-secret]")
    expect(secret).to_contain_text("whsec_")
    shown = secret.inner_text()
    row = page.get_by_role("cell", name="https://93.184.216.34/hooks — ERP da loja")
    expect(row).to_be_visible()
    admin_tab.shot("admin-notifications-secret-desktop")
    page.get_by_role("button", name="Enviar evento de teste").click()
    expect(page.locator('[data-list="deliveries"]')).to_contain_text("Evento de teste")
    admin_tab.goto("/admin/notificacoes")
    expect(page.get_by_role("cell", name="Venda aprovada")).to_be_visible()
    assert shown not in page.content()
    [endpoint] = live.admin("GET", "/api/admin/webhook-endpoints")["data"]
    live.admin("DELETE", f"/api/admin/webhook-endpoints/{endpoint['id']}", expect=204)


def test_the_telegram_token_is_written_and_never_shown(admin_tab):
    page, live = admin_tab.page, admin_tab.live
    token = "123456:do-not-show-this-token"
    admin_tab.goto("/admin/notificacoes")
    form = page.locator('form[data-form="telegram"]')
    form.locator('[name="bot_token"]').fill(token)
    form.locator('[name="chat_id"]').fill("-1001234")
    form.get_by_label("Venda aprovada").check()
    form.get_by_label("Ativo").check()
    form.get_by_role("button", name="Salvar").click()
    expect(page.locator(".alert-success")).to_contain_text("Telegram: salvo")
    form = page.locator('form[data-form="telegram"]')
    expect(form.locator('[name="bot_token"]')).to_have_attribute(
        "placeholder", "•••••••• (definido)"
    )
    assert token not in page.content()
    settings = live.admin("GET", "/api/admin/notifications/telegram")
    assert settings["has_bot_token"] and settings["events"] == ["checkout.paid"]
    live.admin(
        "PUT", "/api/admin/notifications/telegram", json={"bot_token": None, "is_active": False}
    )

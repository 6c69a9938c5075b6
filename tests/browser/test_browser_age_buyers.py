"""Age assurance every paying adult can pass (issue 22), in chromium against the live
server with the gate on:
- a PIX buyer on the demo is told before paying that an age check follows; once paid
  she is led to the methods she can still use (never "pay again"), sends a document,
  sees it "em análise", an admin approves it, and she sees the content;
- a card buyer on a JunglePay test server (its card-encryption script served by the
  fake) pays in the page and sees the content at once."""

from __future__ import annotations

from urllib.parse import urlsplit
from uuid import uuid4

import attrs
import pytest
from playwright.sync_api import expect

from adapters.age_assurance.methods import enabled_checks
from adapters.payments.provider import GatewayProvider
from entrypoints.http.app import create_app
from tests.support import browser as harness
from tests.support.browser_server import png
from tests.support.junglepay_server import JunglePayServer
from tests.support.payments import JUNGLEPAY_SECRET, VALID_CPF

MENSAL = 2  # seed-demo: plan "Mensal" (R$ 29,90)
METHODS = ("card", "document", "sandbox")


def gated_app(live, **changes):
    config = attrs.evolve(live.deps.config, age_gate=True, age_methods=METHODS, **changes)
    return create_app(
        attrs.evolve(
            live.deps,
            config=config,
            age_checks=enabled_checks(config),
            payments=GatewayProvider(config.junglepay_url, live.deps.clock),
        )
    )


@pytest.fixture
def gated(live):
    before = live.server.app
    live.server.app = gated_app(live)
    yield live
    live.server.app = before


@pytest.fixture
def new_page(contexts, live):
    """new_page(session, allow=()) -> a page of a fresh context (no cookie of other
    tests), logged in; extra routes for hosts other than the live server may be added."""
    browser = contexts["desktop"].browser
    made = []

    def make(session: dict, allow: tuple[int, ...] = ()):
        context = browser.new_context(
            viewport=harness.DESKTOP, locale="pt-BR", timezone_id="America/Sao_Paulo"
        )
        context.set_default_timeout(10_000)
        harness.keep_on_loopback(context, live.url)
        context.add_cookies(
            harness.session_cookies(live.url, session["token"], live.deps.config.secret_key)
        )
        page = context.new_page()
        page.add_init_script(harness.session_script(session["token"], session["user"]))
        watch = harness.ConsoleWatch(page)
        watch.allow(*allow)
        made.append((context, watch))
        return page

    yield make
    for context, _ in made:
        context.close()
    for _, console in made:
        console.assert_clean()


def buyer(live, name: str) -> dict:
    return live.api(
        "POST",
        "/api/auth/register",
        json={
            "email": f"{name.lower()}-{uuid4().hex[:8]}@example.com",
            "password": "member-password",
            "name": name,
        },
        expect=201,
    )


def go(page, url: str) -> None:
    page.goto(url)
    harness.settled(page)


def fill_buyer(page, who: dict) -> None:
    page.fill('[name="customer.name"]', who["user"]["name"] + " Compradora")
    page.fill('[name="customer.email"]', who["user"]["email"])
    page.fill('[name="customer.document"]', VALID_CPF.replace(".", "").replace("-", ""))
    page.fill('[name="customer.phone"]', "11987654321")


def test_a_pix_buyer_is_led_to_the_document_method_and_sees_the_content_once_approved(
    gated, new_page
):
    bia = buyer(gated, "Bia")
    page = new_page(bia)
    go(page, f"{gated.url}/checkout?plano={MENSAL}")
    notice = page.locator(".age-notice")
    expect(notice).to_contain_text("é preciso verificar a sua idade")
    expect(notice).to_contain_text("documento oficial")
    fill_buyer(page, bia)
    page.get_by_role("button", name="Gerar PIX").click()
    expect(page.locator("img.qr-image")).to_be_visible()
    checkout_id = page.evaluate("JSON.parse(sessionStorage.getItem('cf.checkout')).checkout.id")
    gated.admin("POST", f"/api/admin/sandbox/checkouts/{checkout_id}/pay")

    step = page.locator(".age-next")
    expect(step).to_be_visible(timeout=15_000)
    expect(step).to_contain_text("não é preciso pagar de novo")
    page.screenshot(path="artifacts/screenshots/age-pix-paid-next-step-desktop.png")
    step.get_by_role("link", name="Verificar minha idade").click()
    page.wait_for_url("**/verificacao-idade**")
    harness.settled(page)
    expect(page.get_by_role("heading", name="Falta só verificar a sua idade")).to_be_visible()
    expect(page.locator('.age-method[data-method="card"]')).to_have_count(0)  # she paid
    box = page.locator('.age-method[data-method="document"]')
    box.locator('input[name="document"]').set_input_files(
        files=[{"name": "rg.png", "mimeType": "image/png", "buffer": png(60, 40, (200, 180, 150))}]
    )
    box.get_by_role("button", name="Enviar documento").click()
    expect(box.locator('[data-document-status="pending"]')).to_contain_text("Em análise")
    go(page, gated.url + "/verificacao-idade")
    expect(page.locator(".age-in-review")).to_contain_text("Documento em análise")

    # "Ver conteúdo" leads to the age check while it waits, never to paying again.
    go(page, gated.url + "/minha-conta")
    page.get_by_role("link", name="Ver conteúdo").click()
    page.wait_for_url("**/verificacao-idade**")

    # The admin sees the count on the dashboard (with the warning that PIX buyers wait
    # for a human) and, in the queue, how long each document has waited.
    sent = gated.api("GET", "/api/age-assurance/documents", token=bia["token"])["data"][0]
    admin = new_page(
        gated.api(
            "POST",
            "/api/auth/login",
            json={"email": "admin@creatorflix.test", "password": "admin-password-1"},
        )
    )
    go(admin, gated.url + "/admin")
    expect(admin.locator('[data-stat="age-documents"] .stat-value')).not_to_have_text("0")
    expect(admin.locator(".age-method-warning").first).to_contain_text("análise manual")
    go(admin, gated.url + "/admin/verificacao-idade")
    item = admin.locator(f'[data-document="{sent["id"]}"]')
    expect(item.locator(".age-waiting")).to_contain_text("aguardando há")
    admin.screenshot(path="artifacts/screenshots/admin-age-queue-waiting-desktop.png")
    admin.once("dialog", lambda dialog: dialog.accept())
    item.get_by_role("button", name="Aprovar").click()
    expect(item).to_have_count(0)
    go(page, gated.url + "/")
    assert urlsplit(page.url).path == "/"
    expect(page.locator("img[src*='/media/']").first).to_be_visible()
    page.screenshot(path="artifacts/screenshots/age-pix-buyer-assured-desktop.png")


@pytest.fixture
def jungle(live):
    """The live server charging through a JunglePay test server (its script served by
    the fake), JunglePay active with its public key; put back as it was afterwards."""
    server = JunglePayServer(JUNGLEPAY_SECRET).start()
    before = live.server.app
    live.server.app = gated_app(live, gateway="junglepay", junglepay_url=server.url)
    live.admin(
        "PUT",
        "/api/admin/payment-gateways/junglepay",
        json={"secret_key": JUNGLEPAY_SECRET, "public_key": server.public_key, "is_active": True},
    )
    yield server
    live.admin("PUT", "/api/admin/payment-gateways/junglepay", json={"is_active": False})
    live.server.app = before
    server.stop()


def test_a_card_buyer_pays_in_the_page_and_sees_the_content_at_once(live, jungle, new_page):
    caio = buyer(live, "Caio")
    page = new_page(caio)
    # The fake's script is on another loopback port: let the browser fetch it.
    page.context.route(jungle.script_url, lambda route: route.continue_())
    go(page, f"{live.url}/checkout?plano={MENSAL}")
    expect(page.locator(".age-notice")).to_contain_text("cartão de crédito aqui")
    fill_buyer(page, caio)
    page.get_by_label("Cartão de crédito — até 12x").check()
    page.fill('[data-card="number"]', "4111 1111 1111 1111")
    page.fill('[data-card="holder"]', "CAIO COMPRADOR")
    page.fill('[data-card="expiry"]', "12/30")
    page.fill('[data-card="cvv"]', "123")
    page.select_option('[data-card="installments"]', "3")
    expect(page.locator('[data-card="installments"] option[value="3"]')).to_have_text(
        "3x de R$ 9,97"
    )
    page.screenshot(path="artifacts/screenshots/checkout-card-form-desktop.png")
    page.get_by_role("button", name="Pagar com cartão").click()
    expect(page.get_by_role("heading", name="Tudo pronto!")).to_be_visible(timeout=15_000)
    sent = jungle.received[-1]
    assert sent["paymentMethod"] == "credit_card" and sent["installments"] == 3
    assert set(sent["card"]) == {"hash"} and "4111" not in str(sent)
    page.get_by_role("link", name="Ver conteúdo").click()
    page.wait_for_url(live.url + "/")
    harness.settled(page)
    expect(page.locator("img[src*='/media/']").first).to_be_visible()


def test_a_refused_card_is_explained_in_portuguese(live, jungle, new_page):
    dani = buyer(live, "Dani")
    page = new_page(dani, allow=(402,))  # the refusal is the answer under test
    page.context.route(jungle.script_url, lambda route: route.continue_())
    go(page, f"{live.url}/checkout?plano={MENSAL}")
    fill_buyer(page, dani)
    page.get_by_label("Cartão de crédito — até 12x").check()
    page.fill('[data-card="number"]', "4000 0000 0000 0002")
    page.fill('[data-card="holder"]', "DANI")
    page.fill('[data-card="expiry"]', "12/30")
    page.fill('[data-card="cvv"]', "123")
    page.get_by_role("button", name="Pagar com cartão").click()
    expect(page.locator(".form-alert")).to_contain_text("recusado pelo emissor do cartão")

"""Every page of the web client in chromium, at phone and desktop widths: it renders
without a console error, fits the phone's width, and is saved as a screenshot under
artifacts/screenshots/; and it keeps working when the API answers 4xx (it says what
went wrong, throws nothing, and its navigation is there)."""

from __future__ import annotations

import json
import re
from urllib.parse import urlsplit
from uuid import uuid4

import pytest
from playwright.sync_api import expect

from entrypoints.http.web import PAGES
from tests.support import browser as harness

# (path, who is logged in): one concrete URL per page of entrypoints.http.web.PAGES.
VISITS = [
    ("/", None),
    ("/planos", None),
    ("/modelos/1", None),
    ("/colecoes/1", None),
    ("/checkout?plano=2", None),
    ("/entrar", None),
    ("/cadastro", None),
    ("/set-password?token=one-time-token", None),
    ("/minha-conta", "member"),
    ("/esqueci-senha", None),
    ("/redefinir-senha?token=one-time-token", None),
    ("/verificar-email?token=one-time-token", None),
    ("/confirmar-email?token=one-time-token", None),
    ("/minha-conta/dados", "member"),
    ("/minha-conta/compras", "member"),
    ("/verificacao-idade", None),
    ("/admin", "admin"),
    ("/admin/anuncios", "admin"),
    ("/admin/anuncios/novo", "admin"),
    ("/admin/anuncios/1", "admin"),
    ("/admin/sync", "admin"),
    ("/admin/gateways", "admin"),
    ("/admin/planos", "admin"),
    ("/admin/order-bumps", "admin"),
    ("/admin/cupons", "admin"),
    ("/admin/assinaturas", "admin"),
    ("/admin/contatos", "admin"),
    ("/admin/configuracoes", "admin"),
    ("/admin/auditoria", "admin"),
    ("/admin/pagamentos-em-analise", "admin"),
    ("/admin/reembolsos", "admin"),
    ("/admin/verificacao-idade", "admin"),
    ("/admin/criadoras", "admin"),
    ("/admin/criadoras/1/posts", "admin"),
    ("/admin/marca", "admin"),
    ("/admin/vendas", "admin"),
    ("/admin/clientes", "admin"),
    ("/admin/clientes/conta/1", "admin"),
    ("/admin/clientes/compra/1", "admin"),
    ("/admin/notificacoes", "admin"),
]
SCREENS = ("phone", "desktop")
# A status per page (all of them used), and 401 where a session is needed: the page
# then sends the visitor to the login form.
STATUSES = [400, 403, 404, 409, 429, 401]


def shot_name(path: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", path.split("?")[0].lower()).strip("-") or "home"


@pytest.fixture(scope="module")
def sessions(live) -> dict:
    """Logged-in users: the admin, and a member with an active subscription."""
    email = f"member-{uuid4().hex[:8]}@example.com"
    member = live.api(
        "POST",
        "/api/auth/register",
        json={"email": email, "password": "member-password", "name": "Carla"},
        expect=201,
    )
    live.admin(
        "POST",
        f"/api/admin/users/{member['user']['id']}/subscriptions",
        json={"plan_id": 2},
        expect=201,
    )
    admin = live.api(
        "POST",
        "/api/auth/login",
        json={"email": "admin@creatorflix.test", "password": "admin-password-1"},
    )
    # A guest buyer's checkout, so that /admin/clientes/compra/1 names one.
    live.api(
        "POST",
        "/api/checkouts",
        expect=201,
        json={
            "plan_id": 2,
            "payment_method": "pix",
            "order_bump_ids": [],
            "customer": {
                "name": "Gina Guest",
                "email": f"guest-{uuid4().hex[:6]}@example.com",
                "document": "529.982.247-25",
                "phone": "(11) 98765-4321",
            },
        },
    )
    return {"member": member, "admin": admin}


def test_every_page_is_visited():
    modules = {module for _, module, _ in PAGES}
    visited = set()
    for path, _ in VISITS:
        template = path.split("?")[0]
        for pattern, module, _ in PAGES:
            if re.fullmatch(re.sub(r"\\\{[^}]*\\\}", r"\\d+", re.escape(pattern)), template):
                visited.add(module)
    assert visited == modules


@pytest.mark.parametrize("screen", SCREENS)
@pytest.mark.parametrize("path,who", VISITS)
def test_the_page_renders_cleanly(open_tab, sessions, path, who, screen):
    tab = open_tab(screen)
    if who:
        tab.log_in_as(sessions[who]["token"], sessions[who]["user"])
    tab.goto(path)
    page = tab.page
    assert urlsplit(page.url).path == urlsplit(path).path  # not sent elsewhere
    expect(page.locator("#site-header .brand")).to_be_visible()
    expect(page.locator("main h1").first).to_be_visible()
    assert page.locator("main .alert-error").count() == 0, page.locator("main").inner_text()
    assert "CreatorFlix" in page.title()
    # Mobile first: nothing wider than the screen.
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    tab.shot(f"{shot_name(path)}-{screen}")


def test_the_set_password_link_leaves_no_token_in_the_address_bar(tab):
    tab.goto("/set-password?token=one-time-token")
    assert tab.page.url == f"{tab.live.url}/set-password"
    expect(tab.page.get_by_role("button", name="Salvar senha e entrar")).to_be_visible()


@pytest.mark.parametrize(
    "path,who,status",
    [
        (path, who, 401 if who else STATUSES[i % (len(STATUSES) - 1)])
        for i, (path, who) in enumerate(VISITS)
    ],
)
def test_the_page_keeps_working_when_the_api_answers_4xx(open_tab, sessions, path, who, status):
    tab = open_tab()
    page = tab.page
    if who:
        tab.log_in_as(sessions[who]["token"], sessions[who]["user"])
    body = json.dumps({"error": {"code": "refused", "message": "refused by the test"}})
    page.route(
        f"{tab.live.url}/api/**",
        lambda route: route.fulfill(status=status, content_type="application/json", body=body),
    )
    tab.console.allow(status)
    page.goto(tab.live.url + path)
    if status == 401 and who:
        page.wait_for_url("**/entrar?next=*")  # the session ended: log in again
    harness.settled(page)
    expect(page.locator("#site-header .brand")).to_be_visible()
    shown = page.locator("main").locator('[role="alert"], .empty, form')
    expect(shown.first).to_be_visible()
    # Still a working site: its navigation is there to go on.
    expect(page.locator("#site-header").get_by_role("link", name="Planos")).to_be_visible()

"""The document age check in chromium (issue 16): a member sends a photo of an ID from
the gate page (a large photo is reduced to a JPEG in the browser first), sees it pending;
an admin opens the photo in the queue page and approves it; the photo is gone from the
storage and the member is assured. A rejected document is shown as such."""

from __future__ import annotations

import os
from pathlib import Path
from urllib.parse import urlsplit
from uuid import uuid4

import attrs
import pytest
from playwright.sync_api import expect

from adapters.age_assurance.methods import enabled_checks
from entrypoints.http.app import create_app
from tests.support import browser as harness
from tests.support.browser_server import png

METHODS = ("card", "document", "sandbox")


@pytest.fixture
def gated(live):
    """The live server with the gate on and the document method enabled, for this test."""
    before = live.server.app
    deps = live.deps
    config = attrs.evolve(deps.config, age_gate=True, age_methods=METHODS)
    live.server.app = create_app(
        attrs.evolve(deps, config=config, age_checks=enabled_checks(config))
    )
    yield live
    live.server.app = before


@pytest.fixture
def browser_page(contexts, chromium, live):
    """new_page(session) -> a page of a fresh context (no age token or cookie of other
    tests), logged in, its console watched; all checked and closed at the end."""
    browser = contexts["desktop"].browser
    made = []

    def new_page(session: dict):
        context = browser.new_context(
            viewport=harness.DESKTOP, locale="pt-BR", timezone_id="America/Sao_Paulo"
        )
        context.set_default_timeout(10_000)
        context.add_cookies(
            harness.session_cookies(live.url, session["token"], live.deps.config.secret_key)
        )
        page = context.new_page()
        page.add_init_script(harness.session_script(session["token"], session["user"]))
        made.append((context, harness.ConsoleWatch(page)))
        return page

    yield new_page
    for context, _ in made:
        context.close()
    for _, console in made:
        console.assert_clean()


def member(live) -> dict:
    return live.api(
        "POST",
        "/api/auth/register",
        json={
            "email": f"doc-{uuid4().hex[:8]}@example.com",
            "password": "member-password",
            "name": "Dora",
        },
        expect=201,
    )


def noise_png(side: int) -> bytes:
    """A real PNG that does not compress: larger than one request body allows."""
    import struct
    import zlib

    rows = b"".join(b"\x00" + os.urandom(side * 3) for _ in range(side))

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data))
            + kind
            + data
            + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
        )

    header = struct.pack(">IIBBBBB", side, side, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(rows))
        + chunk(b"IEND", b"")
    )


def documents_in_storage(live) -> list[Path]:
    root = Path(urlsplit(live.deps.config.storage_url).path) / ".private"
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


def go(page, url: str) -> None:
    page.goto(url)
    harness.settled(page)


def test_a_member_sends_a_document_an_admin_approves_it_and_the_member_is_assured(
    gated, browser_page
):
    alice = member(gated)
    photo = noise_png(700)  # ~1.5 MB: reduced to a JPEG before it is sent
    assert len(photo) > 1024 * 1024
    page = browser_page(alice)
    go(page, gated.url + "/verificacao-idade")
    box = page.locator('.age-method[data-method="document"]')
    expect(box.locator(".age-document-kept")).to_contain_text("apagada assim que")
    box.locator('input[name="document"]').set_input_files(
        files=[{"name": "rg.png", "mimeType": "image/png", "buffer": photo}]
    )
    box.get_by_role("button", name="Enviar documento").click()
    expect(box.locator('[data-document-status="pending"]')).to_be_visible()
    expect(box.locator("form")).to_have_count(0)  # one document waits at a time
    assert len(documents_in_storage(gated)) == 1
    page.screenshot(path="artifacts/screenshots/age-document-pending-desktop.png")

    admin = gated.api(
        "POST",
        "/api/auth/login",
        json={"email": "admin@creatorflix.test", "password": "admin-password-1"},
    )
    queue = browser_page(admin)
    go(queue, gated.url + "/admin/verificacao-idade")
    expect(
        queue.locator(".admin-menu").get_by_role("link", name="Verificação de idade")
    ).to_have_attribute("aria-current", "page")
    sent = gated.api("GET", "/api/age-assurance/documents", token=alice["token"])["data"][0]
    item = queue.locator(f'[data-document="{sent["id"]}"]')
    item.get_by_role("button", name="Ver foto").click()
    shown = item.locator("img")
    expect(shown).to_be_visible()
    assert shown.get_attribute("src").startswith("blob:")
    queue.wait_for_function(  # visible is not decoded yet: wait for the image itself
        "img => img.complete && img.naturalWidth > 0", arg=shown.element_handle()
    )
    # The browser re-encoded it: the admin gets a JPEG, within one request body.
    kept = documents_in_storage(gated)[0].read_bytes()
    assert kept[:3] == b"\xff\xd8\xff" and len(kept) < 1024 * 1024
    queue.screenshot(path="artifacts/screenshots/admin-age-queue-desktop.png")
    queue.once("dialog", lambda dialog: dialog.accept())
    item.get_by_role("button", name="Aprovar").click()
    expect(queue.get_by_text("Nenhum documento aguardando análise.")).to_be_visible()
    assert documents_in_storage(gated) == []
    records = queue.locator(".age-records")
    expect(records.get_by_role("button", name="Revogar").first).to_be_visible()

    go(page, gated.url + "/verificacao-idade")
    expect(page.get_by_role("heading", name="Idade verificada")).to_be_visible()
    go(page, gated.url + "/")
    assert urlsplit(page.url).path == "/"  # no longer sent to the gate
    expect(page.locator("img[src*='/media/']").first).to_be_visible()


def test_a_rejected_document_is_shown_and_a_new_one_can_be_sent(gated, browser_page):
    bob = member(gated)
    page = browser_page(bob)
    go(page, gated.url + "/verificacao-idade")
    box = page.locator('.age-method[data-method="document"]')
    box.locator('input[name="document"]').set_input_files(
        files=[{"name": "rg.png", "mimeType": "image/png", "buffer": png(60, 40, (200, 180, 150))}]
    )
    box.get_by_role("button", name="Enviar documento").click()
    expect(box.locator('[data-document-status="pending"]')).to_be_visible()
    sent = gated.api("GET", "/api/age-assurance/documents", token=bob["token"])["data"][0]
    gated.admin("POST", f"/api/admin/age-assurance/documents/{sent['id']}/reject")
    assert documents_in_storage(gated) == []
    go(page, gated.url + "/verificacao-idade")
    expect(box.locator('[data-document-status="rejected"]')).to_be_visible()
    expect(box.get_by_role("button", name="Enviar documento")).to_be_visible()


def test_the_admin_page_warns_while_the_sandbox_is_the_only_method(live, browser_page):
    before = live.server.app
    config = attrs.evolve(live.deps.config, age_gate=True, age_methods=("sandbox",))
    live.server.app = create_app(
        attrs.evolve(live.deps, config=config, age_checks=enabled_checks(config))
    )
    try:
        admin = live.api(
            "POST",
            "/api/auth/login",
            json={"email": "admin@creatorflix.test", "password": "admin-password-1"},
        )
        page = browser_page(admin)
        go(page, live.url + "/admin/verificacao-idade")
        expect(page.locator(".age-sandbox-warning")).to_contain_text("único método ativo")
        figures = page.locator(".age-figures")
        expect(figures).to_contain_text("Métodos ativos: Sandbox (teste).")
        expect(figures.get_by_role("columnheader", name="Abandonados")).to_be_visible()
    finally:
        live.server.app = before

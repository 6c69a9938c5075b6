"""The age gate in chromium (issue 16): with the gate on, a visitor opening the
storefront lands on the gate page listing the methods; the sandbox button assures the
browser and the storefront shows the creators' images again."""

from __future__ import annotations

import re

import attrs
import pytest
from playwright.sync_api import expect

from entrypoints.http.app import create_app


@pytest.fixture
def gated(live):
    """The live server with the gate on for this test (the shared one runs with it off)."""
    before = live.server.app
    deps = live.deps
    live.server.app = create_app(
        attrs.evolve(deps, config=attrs.evolve(deps.config, age_gate=True))
    )
    yield live
    live.server.app = before


def test_the_gate_then_the_storefront_after_the_sandbox_assurance(gated, contexts, chromium):
    browser = contexts["desktop"].browser
    context = browser.new_context(viewport={"width": 1366, "height": 900}, locale="pt-BR")
    context.set_default_timeout(10_000)
    page = context.new_page()
    try:
        page.goto(gated.url + "/")
        page.wait_for_url(re.compile(r".*/verificacao-idade\?voltar=.*"))
        expect(page.get_by_role("heading", name="Conteúdo para maiores de 18 anos")).to_be_visible()
        expect(page.locator('.age-method[data-method="card"]')).to_be_visible()
        expect(page.locator('.age-method[data-method="sandbox"]')).to_be_visible()
        assert page.locator("img[src*='/media/']").count() == 0
        page.screenshot(path="artifacts/screenshots/age-gate-desktop.png")

        page.locator('button[data-method="sandbox"]').click()
        page.wait_for_url(gated.url + "/")
        expect(page.locator(".carousel .ad-hero").first).to_be_visible()
        collection = page.locator("img[src*='/media/']").first
        expect(collection).to_be_visible()
        # Visible is not loaded yet: wait for the image itself (it came through the gate).
        page.wait_for_function(
            "img => img.complete && img.naturalWidth > 0", arg=collection.element_handle()
        )
        page.screenshot(path="artifacts/screenshots/age-gate-storefront-desktop.png")
    finally:
        context.close()

"""The original platform's links, followed by a browser: /models/{slug} shows that
creator's page, /models/{folder} that collection's, /plans our plans."""

from __future__ import annotations

from urllib.parse import urlsplit

from playwright.sync_api import expect


def test_an_original_creator_link_shows_the_creator(tab, live):
    [luna] = live.api("GET", "/api/models?slug=luna-vega")["data"]
    tab.goto("/models/luna-vega")
    assert urlsplit(tab.page.url).path == f"/modelos/{luna['id']}"
    expect(tab.page.locator("main h1")).to_have_text("Luna Vega")


def test_an_original_collection_link_and_the_plans_link(tab, live):
    [collection] = live.api("GET", "/api/whitelabel/models")["data"][:1]
    tab.goto(f"/models/{collection['folder_name']}")
    assert urlsplit(tab.page.url).path == f"/colecoes/{collection['id']}"
    expect(tab.page.locator("main h1")).to_have_text(collection["folder_name"])
    tab.goto("/plans")
    assert urlsplit(tab.page.url).path == "/planos"
    expect(tab.page.locator("[data-plan-id]").first).to_be_visible()

"""Fixtures of the browser tests: one live server, one chromium and one browser
context per screen size for the session (cheap to share); a fresh page (tab: its own
session cookies, cleared when it closes, so its own login) per test, its console
watched."""

from __future__ import annotations

import pytest

from tests.support import browser as harness
from tests.support.browser_server import BrowserServer, start_browser_server
from tests.support.deps import IN_CI


@pytest.fixture(scope="session")
def chromium() -> str:
    problem = harness.ensure_chromium()
    if problem:
        if IN_CI:
            pytest.fail(f"chromium is mandatory in CI: {problem}")
        pytest.skip(f"browser tests skipped: {problem}")
    return harness.CHROMIUM


@pytest.fixture(scope="session")
def live(tmp_path_factory) -> BrowserServer:
    server = start_browser_server(tmp_path_factory.mktemp("live"))
    yield server
    server.stop()


@pytest.fixture(scope="session")
def contexts(chromium, live):
    """{"phone": context, "desktop": context} of one chromium for the whole session."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        # The user agent of chromium as people run it (harness.person_user_agent).
        agent = f"--user-agent={harness.person_user_agent(chromium)}"
        browser = playwright.chromium.launch(executable_path=chromium, args=[*harness.FLAGS, agent])
        made = {}
        for name, viewport in (("phone", harness.PHONE), ("desktop", harness.DESKTOP)):
            context = browser.new_context(
                viewport=viewport, locale="pt-BR", timezone_id="America/Sao_Paulo"
            )
            context.set_default_timeout(10_000)
            harness.keep_on_loopback(context, live.url)
            made[name] = context
        yield made
        browser.close()


class Tab:
    """A new page of a shared context, on the live server, with its console watch."""

    def __init__(self, context, live: BrowserServer):
        self.live = live
        self.context = context
        self.page = context.new_page()
        self.console = harness.ConsoleWatch(self.page)

    def goto(self, path: str) -> None:
        self.page.goto(self.live.url + path)
        harness.settled(self.page)

    def settle(self) -> None:
        harness.settled(self.page)

    def log_in_as(self, token: str, user: dict) -> None:
        """Every page this tab loads starts logged in (as after the login form): the
        session cookies of the context, and the profile the login form keeps."""
        self.context.add_cookies(
            harness.session_cookies(self.live.url, token, self.live.deps.config.secret_key)
        )
        self.page.add_init_script(harness.session_script(token, user))

    def shot(self, name: str) -> None:
        harness.screenshot(self.page, name)

    def close(self) -> None:
        self.page.close()
        # The context is shared by the session's tests: the next one starts signed out.
        for name in ("cf_session", "cf_csrf"):
            self.context.clear_cookies(name=name)


@pytest.fixture
def open_tab(contexts, live):
    """open_tab("phone" | "desktop") -> a Tab; each is closed and its console checked
    at the end of the test."""
    opened: list[Tab] = []

    def open_one(screen: str = "phone") -> Tab:
        opened.append(Tab(contexts[screen], live))
        return opened[-1]

    yield open_one
    for one in opened:
        one.close()
    for one in opened:
        one.console.assert_clean()


@pytest.fixture
def tab(open_tab) -> Tab:
    return open_tab("phone")


@pytest.fixture
def desktop_tab(open_tab) -> Tab:
    return open_tab("desktop")


@pytest.fixture
def admin_tab(desktop_tab):
    """A desktop tab logged in as the live server's administrator."""
    live = desktop_tab.live
    session = live.api(
        "POST",
        "/api/auth/login",
        json={"email": "admin@creatorflix.test", "password": "admin-password-1"},
    )
    desktop_tab.log_in_as(session["token"], session["user"])
    return desktop_tab

"""Issue 13, finding 3: after logging in, `/entrar?next=…` goes only to a page of our
own origin. The browser's URL parser strips tab, CR and LF and reads `\\` as `/`, so a
string check let `/%09/evil.test/phish` through to evil.test; the page now resolves
`next` with `new URL(next, location.origin)` and keeps it only when the origin is ours
(and the scheme http(s)). Both the function, in chromium, and a real login are checked."""

from __future__ import annotations

import re
from urllib.parse import quote
from uuid import uuid4

import pytest

TRICKS = [
    "/\t/evil.test/phish",
    "/\r/evil.test",
    "/\n/evil.test",
    "\t//evil.test",
    "//evil.test",
    "///evil.test",
    "/\\evil.test",
    "\\\\evil.test",
    "/\\/evil.test",
    "\\/evil.test",
    "https://evil.test/",
    "https:/evil.test",
    "javascript:alert(1)",
    "java\tscript:alert(1)",
    "data:text/html,hi",
    " //evil.test",
    "//evil.test@127.0.0.1/",
]
KEPT = {
    "/planos": "/planos",
    "/modelos/1?x=1#top": "/modelos/1?x=1#top",
    "/%2F%2Fevil.test": "/%2F%2Fevil.test",
    "planos": "/planos",
    "http:evil.test": "/evil.test",  # same scheme: a relative path of ours
    "/\u0000/evil.test": "/%00/evil.test",
}


def safe_next(page, values: list[str]) -> list[str]:
    return page.evaluate(
        """async (values) => {
        const { safeNext } = await import('/static/js/dom.js');
        return values.map((value) => safeNext(value, '/fallback'));
    }""",
        values,
    )


def test_safe_next_keeps_our_pages_and_refuses_every_trick(tab):
    tab.goto("/entrar")
    assert safe_next(tab.page, TRICKS) == ["/fallback"] * len(TRICKS)
    assert safe_next(tab.page, list(KEPT)) == list(KEPT.values())
    assert safe_next(tab.page, ["", None]) == ["/fallback", "/fallback"]  # type: ignore[list-item]


@pytest.mark.parametrize(
    "next_value, lands",
    [
        ("/%09/evil.test/phish", "/minha-conta"),  # the reproduction
        (quote("/\\evil.test", safe=""), "/minha-conta"),
        (quote("//evil.test", safe=""), "/minha-conta"),
        ("/planos", "/planos"),
    ],
)
def test_logging_in_never_leaves_our_origin(tab, next_value, lands):
    live, page = tab.live, tab.page
    email = f"next-{uuid4().hex[:8]}@example.com"
    live.api(
        "POST", "/api/auth/register", json={"email": email, "password": "a password 1"}, expect=201
    )
    tab.goto(f"/entrar?next={next_value}")
    page.fill('[name="email"]', email)
    page.fill('[name="password"]', "a password 1")
    page.get_by_role("button", name="Entrar").click()
    page.wait_for_url(live.url + lands + "*")
    assert page.url.startswith(live.url + lands)


def test_the_checkout_page_keeps_its_access_token_out_of_urls(tab):
    """Issue 13, finding 1: the PIX step fetches its QR code and polls with the
    X-Checkout-Token header; no request of the page carries the token in its URL."""
    from tests.support.payments import VALID_CPF

    page = tab.page
    seen: list = []
    page.on(
        "request",
        lambda request: seen.append((request.url, request.headers.get("x-checkout-token"))),
    )
    tab.goto("/checkout?plano=2")
    page.fill('[name="customer.name"]', "Bruna Compradora")
    page.fill('[name="customer.email"]', f"buyer-{uuid4().hex[:8]}@example.com")
    page.fill('[name="customer.document"]', VALID_CPF.replace(".", "").replace("-", ""))
    page.fill('[name="customer.phone"]', "11987654321")
    page.get_by_role("button", name="Gerar PIX").click()
    page.locator("img.qr-image").wait_for()
    with page.expect_request(lambda r: re.search(r"/api/checkouts/\d+$", r.url) is not None):
        pass  # the first poll
    assert not [url for url, _ in seen if "access_token" in url]
    with_header = [url for url, token in seen if token]
    assert any(url.endswith("/qr.svg") for url in with_header)
    assert any(re.search(r"/api/checkouts/\d+$", url) for url in with_header)


# Issue 20, finding 2: the page resolved `next` against our origin and then went to the
# bare path, which the browser reads again: `/.//host` and `/..//host` resolve to the
# path `//host`, a protocol-relative address of another host. These are the values of
# the parameter once decoded; the pages receive them percent-encoded in the query.
DOT_TRICKS = [
    "/.//127.0.0.5:8999/phish",
    "/..//127.0.0.5:8999/phish",
    "/./..//evil.test",
    "/%2e//evil.test",
    "/%2E%2E//evil.test",
    "/.%2e//evil.test",
    "/.\\/evil.test",
    "/./\\evil.test",
    "/..\\\\evil.test",
    "/.\\\\evil.test",
    "/a/..//evil.test",
    "/.//\\evil.test",
]
# What the page must never be sent to: another host than the live server's.
PAGE_TRICKS = [
    "/.//127.0.0.5:8999/phish",
    "/..//127.0.0.5:8999/phish",
    "/%2e%2e//127.0.0.5:8999/phish",
    "/.\\/127.0.0.5:8999/phish",
]


def test_safe_next_refuses_paths_that_normalise_to_another_host(tab):
    tab.goto("/entrar")
    assert safe_next(tab.page, DOT_TRICKS) == ["/fallback"] * len(DOT_TRICKS)
    # Dots that stay on our origin are resolved, not refused.
    assert safe_next(tab.page, ["/./planos", "/a/../planos?x=1"]) == ["/planos", "/planos?x=1"]


def register_and_fill(tab, page_path: str, value: str, *, new_account: bool) -> None:
    live, page = tab.live, tab.page
    email = f"dots-{uuid4().hex[:8]}@example.com"
    if not new_account:
        live.api(
            "POST",
            "/api/auth/register",
            json={"email": email, "password": "a password 1"},
            expect=201,
        )
    tab.goto(f"{page_path}?next={quote(value, safe='')}")
    page.fill('[name="email"]', email)
    page.fill('[name="password"]', "a password 1")


@pytest.mark.parametrize("value", PAGE_TRICKS)
def test_logging_in_with_a_dotted_next_stays_on_our_origin(tab, value):
    register_and_fill(tab, "/entrar", value, new_account=False)
    tab.page.get_by_role("button", name="Entrar").click()
    tab.page.wait_for_url(tab.live.url + "/minha-conta*")


@pytest.mark.parametrize("value", PAGE_TRICKS)
def test_registering_with_a_dotted_next_stays_on_our_origin(tab, value):
    register_and_fill(tab, "/cadastro", value, new_account=True)
    tab.page.get_by_role("button", name="Criar conta").click()
    tab.page.wait_for_url(tab.live.url + "/minha-conta*")


@pytest.fixture
def gated(live):
    """The live server with the age gate on for this test."""
    import attrs

    from entrypoints.http.app import create_app

    before = live.server.app
    deps = live.deps
    live.server.app = create_app(
        attrs.evolve(deps, config=attrs.evolve(deps.config, age_gate=True))
    )
    yield live
    live.server.app = before


@pytest.mark.parametrize("value", PAGE_TRICKS)
def test_the_age_gate_with_a_dotted_voltar_stays_on_our_origin(gated, contexts, value):
    """No login needed: the gate's sandbox button goes to `voltar`, then the assured
    gate's "Ver o conteúdo" link does too."""
    context = contexts["desktop"].browser.new_context(locale="pt-BR")
    context.set_default_timeout(10_000)
    from tests.support import browser as harness

    harness.keep_on_loopback(context, gated.url)
    page = context.new_page()
    try:
        page.goto(f"{gated.url}/verificacao-idade?voltar={quote(value, safe='')}")
        page.locator('button[data-method="sandbox"]').click()
        page.wait_for_url(gated.url + "/")
        page.goto(f"{gated.url}/verificacao-idade?voltar={quote(value, safe='')}")
        link = page.get_by_role("link", name="Ver o conteúdo")
        assert link.get_attribute("href") == "/"
    finally:
        context.close()

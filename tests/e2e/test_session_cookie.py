"""Sessions that last (issue 23): signing in sets an HttpOnly session cookie; cookie
writes need this site's Origin and the CSRF token; bearer tokens keep working; logout
and logout-all end the cookie; /media accepts it."""

from __future__ import annotations

from entrypoints.http.sessions import COOKIE, CSRF_COOKIE, CSRF_HEADER
from tests.support.api import assert_error

ORIGIN = "http://127.0.0.1:8000"  # the test configuration's public URL


def _sign_in(client, actors, email: str = "member@example.com") -> tuple[dict, dict]:
    """(cookies, the login answer) of a member signing in through the form."""
    actors.user(email)
    result = client.simulate_post(
        "/api/auth/login", json={"email": email, "password": "user-password"}
    )
    assert result.status_code == 200
    session = result.cookies[COOKIE]
    assert session.http_only and session.same_site == "Lax" and session.path == "/"
    assert not result.cookies[CSRF_COOKIE].http_only  # the web client reads it
    return {COOKIE: session.value, CSRF_COOKIE: result.cookies[CSRF_COOKIE].value}, result.json


def _headers(cookies: dict, **extra) -> dict:
    return {"Cookie": "; ".join(f"{k}={v}" for k, v in cookies.items()), **extra}


def test_the_cookie_signs_the_browser_in_and_writes_need_origin_and_token(client, actors):
    cookies, login = _sign_in(client, actors)
    me = client.simulate_get("/api/me", headers=_headers(cookies))
    assert me.status_code == 200 and me.json["user"]["email"] == "member@example.com"
    body = {"email": "new@example.com", "password": "user-password"}
    forged = [
        _headers(cookies),  # no token
        _headers(cookies, **{CSRF_HEADER: cookies[CSRF_COOKIE]}),  # no Origin
        _headers(cookies, Origin="https://evil.example", **{CSRF_HEADER: cookies[CSRF_COOKIE]}),
        _headers(cookies, Origin=ORIGIN, **{CSRF_HEADER: "forged"}),
    ]
    for headers in forged:
        assert_error(
            client.simulate_post("/api/me/email", json=body, headers=headers), 403, "csrf_failed"
        )
    same_site = _headers(cookies, Origin=ORIGIN, **{CSRF_HEADER: cookies[CSRF_COOKIE]})
    assert client.simulate_post("/api/me/email", json=body, headers=same_site).status_code == 202
    # API clients: the bearer token, no cookie, no CSRF token.
    bearer = {"Authorization": f"Bearer {login['token']}"}
    assert client.simulate_post("/api/me/email", json=body, headers=bearer).status_code == 202


def test_logout_ends_the_cookie_session(client, actors):
    cookies, _ = _sign_in(client, actors)
    same_site = _headers(cookies, Origin=ORIGIN, **{CSRF_HEADER: cookies[CSRF_COOKIE]})
    out = client.simulate_post("/api/auth/logout", headers=same_site)
    assert out.status_code == 204
    assert out.cookies[COOKIE].value == "" and out.cookies[CSRF_COOKIE].value == ""
    again = client.simulate_get("/api/me", headers=_headers(cookies))
    assert_error(again, 401, "unauthenticated")
    assert again.cookies[COOKIE].value == ""  # the dead cookie is removed


def test_logout_all_ends_every_cookie_session(client, actors):
    first, _ = _sign_in(client, actors)
    second = client.simulate_post(
        "/api/auth/login", json={"email": "member@example.com", "password": "user-password"}
    ).cookies
    same_site = _headers(first, Origin=ORIGIN, **{CSRF_HEADER: first[CSRF_COOKIE]})
    assert client.simulate_post("/api/me/logout-all", headers=same_site).status_code == 204
    other = _headers({COOKIE: second[COOKIE].value})
    assert_error(client.simulate_get("/api/me", headers=other), 401, "unauthenticated")


def test_a_public_route_reads_on_as_anonymous_with_a_dead_cookie(client):
    result = client.simulate_get("/api/plans", headers=_headers({COOKIE: "garbage"}))
    assert result.status_code == 200 and result.cookies[COOKIE].value == ""


def test_a_browser_gets_a_portuguese_page_for_an_unknown_url_and_the_api_json(client):
    html = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
    page = client.simulate_get("/pagina-que-nao-existe", headers={"Accept": html})
    assert page.status_code == 404 and page.headers["content-type"].startswith("text/html")
    assert "Página não encontrada" in page.text and 'lang="pt-BR"' in page.text
    assert_error(client.simulate_get("/pagina-que-nao-existe"), 404, "not_found")
    assert_error(client.simulate_get("/api/nada", headers={"Accept": html}), 404, "not_found")
    moved = client.simulate_get("/models/ninguem", headers={"Accept": html})
    assert moved.status_code == 404 and "Página não encontrada" in moved.text

"""Browser sessions that last (issue 23): signing in also sets an HttpOnly cookie holding
the same signed, expiring, revocable access token an API client gets as a bearer token,
so a member stays signed in in every tab and after the browser is reopened, and the
images and videos the browser loads by itself (/media) carry it.

Cookie-authenticated writes are protected against cross-site requests twice: the
request's Origin (or Referer) must be this site, and the `X-CSRF-Token` header must carry
the token derived from the session (an HMAC of it under the secret key, so it cannot be
forged or tossed in by another site). The token is also kept in the readable cookie
`cf_csrf`, which the web client copies into the header (double submit) and reads to know
whether it is signed in. Bearer requests need neither: a browser never adds that header
by itself."""

from __future__ import annotations

import base64
import hashlib
import hmac
from urllib.parse import urlsplit

import falcon

from domain.accounts.auth import Session
from entrypoints.config import Config

COOKIE = "cf_session"
CSRF_COOKIE = "cf_csrf"
CSRF_HEADER = "X-CSRF-Token"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def csrf_token(secret_key: str, session_token: str) -> str:
    mac = hmac.new(secret_key.encode(), b"csrf:" + session_token.encode(), hashlib.sha256)
    return base64.urlsafe_b64encode(mac.digest()).rstrip(b"=").decode()


def _secure(req: falcon.Request, config: Config) -> bool:
    return req.scheme == "https" or config.public_url.startswith("https:")


def start(req: falcon.Request, resp: falcon.Response, config: Config, session: Session) -> None:
    """Set the session cookies for `session` (after login, registration, a new password)."""
    secure, ttl = _secure(req, config), session.expires_in
    resp.set_cookie(
        COOKIE, session.token, max_age=ttl, path="/", secure=secure, http_only=True, same_site="Lax"
    )
    resp.set_cookie(
        CSRF_COOKIE,
        csrf_token(config.secret_key, session.token),
        max_age=ttl,
        path="/",
        secure=secure,
        http_only=False,
        same_site="Lax",
    )


def end(req: falcon.Request, resp: falcon.Response, config: Config) -> None:
    """Remove the session cookies (logout, logout-all, a session that no longer verifies)."""
    for name in (COOKIE, CSRF_COOKIE):
        if name in req.cookies:
            resp.unset_cookie(name, path="/")


def cookie_token(req: falcon.Request) -> str | None:
    token = req.cookies.get(COOKIE)
    return token.strip() if isinstance(token, str) and token.strip() else None


def _origin_of(url: str) -> str | None:
    parts = urlsplit(url)
    if not parts.scheme or not parts.netloc:
        return None
    return f"{parts.scheme}://{parts.netloc}".lower()


def same_origin(req: falcon.Request, config: Config) -> bool:
    """Whether the request comes from a page of this site: its Origin (or, when a browser
    sends none, its Referer) is the site's public URL or the host it was addressed to."""
    sent = req.get_header("Origin") or req.get_header("Referer")
    origin = _origin_of(sent) if sent and sent != "null" else None
    if origin is None:
        return False
    allowed = {_origin_of(config.public_url), f"{req.scheme}://{req.host}".lower()}
    if req.port and f":{req.port}" not in req.host:
        allowed.add(f"{req.scheme}://{req.host}:{req.port}".lower())
    allowed.add(_origin_of(req.prefix) or "")
    return origin in allowed


def csrf_ok(req: falcon.Request, config: Config, token: str) -> bool:
    """Whether a cookie-authenticated request may act: reads always; writes from this
    site carrying the session's CSRF token."""
    if req.method in SAFE_METHODS:
        return True
    sent = req.get_header(CSRF_HEADER) or ""
    expected = csrf_token(config.secret_key, token)
    return same_origin(req, config) and hmac.compare_digest(sent.encode(), expected.encode())

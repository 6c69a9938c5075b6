"""The web client: its pages and static files (HTML, CSS, JavaScript modules under
`web/`), served by the same app. The pages speak to the public REST API only: every
page is the same small HTML shell naming its page module, which fetches what it shows
from /api. Nothing here reads the database."""
from __future__ import annotations

import hashlib
from pathlib import Path

import falcon

from domain.common.errors import NotFound
from entrypoints.http.routes import PUBLIC, Operation, Route

WEB_DIR = Path(__file__).resolve().parents[2] / "web"
STATIC_DIR = WEB_DIR / "static"
SHELL = WEB_DIR / "index.html"
TAGS = ("web client",)

# (path, page module in web/static/js/pages/, what the page is). Admin pages are plain
# pages too: what they show comes from /api/admin, which refuses non-admins.
PAGES: tuple[tuple[str, str, str], ...] = (
    ("/", "home", "Storefront: ads, featured creators and white-label collections"),
    ("/planos", "plans", "Plans"),
    ("/modelos/{id:id}", "creator", "A creator's page and posts"),
    ("/colecoes/{id:id}", "collection", "A white-label collection and its posts"),
    ("/checkout", "checkout", "Checkout: plan, order bumps, buyer, PIX"),
    ("/entrar", "login", "Log in"),
    ("/cadastro", "register", "Create an account"),
    ("/minha-conta", "account", "Member area: subscription status"),
    ("/set-password", "set_password", "Choose the password of an account created at "
                                      "checkout (the link of a paid checkout)"),
    ("/admin", "admin_dashboard", "Admin: dashboard"),
    ("/admin/anuncios", "admin_ads", "Admin: ads"),
    ("/admin/anuncios/novo", "admin_ad_form", "Admin: new ad"),
    ("/admin/anuncios/{id:id}", "admin_ad_form", "Admin: edit an ad"),
    ("/admin/sync", "admin_sync", "Admin: white-label sync"),
    ("/admin/gateways", "admin_gateways", "Admin: payment gateways"),
    ("/admin/planos", "admin_plans", "Admin: plans"),
    ("/admin/order-bumps", "admin_bumps", "Admin: order bumps"),
    ("/admin/contatos", "admin_contacts", "Admin: support contacts"),
    ("/admin/configuracoes", "admin_settings", "Admin: settings"),
)

CONTENT_TYPES = {".html": "text/html; charset=utf-8", ".css": "text/css; charset=utf-8",
                 ".js": "text/javascript; charset=utf-8", ".svg": "image/svg+xml",
                 ".png": "image/png", ".ico": "image/x-icon", ".json": "application/json",
                 ".woff2": "font/woff2", ".txt": "text/plain; charset=utf-8"}

# Scripts, styles and API calls from this origin only; images and videos may come from
# anywhere over http(s) (creators' and ads' media live on CDNs and buckets).
CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; connect-src 'self'; "
       "img-src 'self' data: blob: http: https:; media-src 'self' blob: http: https:; "
       "frame-ancestors 'none'; base-uri 'self'; form-action 'self'; object-src 'none'")
SECURITY_HEADERS = {"Content-Security-Policy": CSP, "X-Content-Type-Options": "nosniff",
                    "Referrer-Policy": "same-origin", "X-Frame-Options": "DENY"}


def static_files(folder: Path = STATIC_DIR) -> dict[str, Path]:
    """Every file under `folder`, by its path relative to it: the only paths served,
    so no request path can reach anything else (no traversal to guard against)."""
    return {p.relative_to(folder).as_posix(): p for p in sorted(folder.rglob("*"))
            if p.is_file() and not p.name.startswith(".")}


def _conditional(req: falcon.Request, resp: falcon.Response, data: bytes) -> bool:
    """Sets the ETag; True (and a 304, which carries no Content-Type) when the client's
    copy is current."""
    etag = hashlib.sha256(data).hexdigest()[:32]
    resp.etag = etag
    resp.cache_control = ("no-cache",)  # no fingerprinted names: revalidate every time
    if req.if_none_match and any(tag == etag for tag in req.if_none_match):
        resp.status = falcon.HTTP_304
        return True
    return False


class PageResource:
    """One page: the shell with its page module's name."""

    def __init__(self, page: str):
        self.page = page

    def on_get(self, req, resp, **params) -> None:
        html = SHELL.read_text(encoding="utf-8").replace("{{page}}", self.page)
        resp.set_headers(SECURITY_HEADERS)
        if not _conditional(req, resp, html.encode("utf-8")):
            resp.content_type = CONTENT_TYPES[".html"]
            resp.text = html


class StaticResource:
    def __init__(self, folder: Path = STATIC_DIR):
        self.files = static_files(folder)

    def on_get(self, req, resp, path: str) -> None:
        found = self.files.get(path)
        if found is None:
            raise NotFound("no such file")
        data = found.read_bytes()
        resp.set_header("X-Content-Type-Options", "nosniff")
        if not _conditional(req, resp, data):
            resp.content_type = CONTENT_TYPES.get(found.suffix, "application/octet-stream")
            resp.data = data


_HTML = {"type": "string", "description": "the page (an HTML shell loading its module)"}
_FILE = {"type": "string", "format": "binary",
         "description": "the file: text/css, text/javascript, image/svg+xml..."}


def routes(deps) -> list[Route]:
    found = [Route(path, PageResource(page), (
        Operation("GET", f"Web page: {summary}", PUBLIC, tags=TAGS, content_type="text/html",
                  responses={200: _HTML, 304: None}),)) for path, page, summary in PAGES]
    found.append(Route("/static/{path:path}", StaticResource(), (
        Operation("GET", "A static file of the web client (CSS, JavaScript modules, icons)",
                  PUBLIC, tags=TAGS, content_type="*/*",
                  responses={200: _FILE, 304: None}),)))
    return found

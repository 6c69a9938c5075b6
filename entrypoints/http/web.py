"""The web client: its pages and static files (HTML, CSS, JavaScript modules under
`web/`), served by the same app. The pages speak to the public REST API only: every
page is the same small HTML shell naming its page module, which fetches what it shows
from /api. Nothing here reads the database, but for the original platform's creator
links (/models/{name}), resolved by the domain into the page that shows them now.

The original's public URLs people bookmarked or search engines indexed answer a 301
to ours, their query string kept (the checkout's planId renamed plano)."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from html import escape
from pathlib import Path
from urllib.parse import parse_qsl, urlencode, urlsplit

import falcon

from domain.catalog.branding import DEFAULT as DEFAULT_BRAND
from domain.catalog.branding import Brand, get_brand
from domain.catalog.original_urls import COLLECTION, resolve_model_page
from domain.common.errors import NotFound
from domain.payments.card_form import card_form
from domain.payments.service import PaymentService
from entrypoints.bootstrap import Deps
from entrypoints.http.routes import LOGO_PATH, NO_MEDIA, PUBLIC, Operation, Param, Route
from ports.storage import ObjectStorage
from ports.unit_of_work import UnitOfWorkFactory

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
    ("/verificacao-idade", "age_gate", "The age gate: the age-verification methods on offer"),
    ("/entrar", "login", "Log in"),
    ("/cadastro", "register", "Create an account"),
    ("/minha-conta", "account", "Member area: subscription status"),
    (
        "/set-password",
        "set_password",
        "Choose the password of an account created at checkout (the link of a paid checkout)",
    ),
    ("/esqueci-senha", "forgot_password", "Forgot my password: mail me a reset link"),
    ("/redefinir-senha", "reset_password", "Choose a new password (the link of the reset mail)"),
    ("/verificar-email", "verify_email", "Confirm the email (the link of the verification mail)"),
    ("/confirmar-email", "verify_email", "Confirm a new email (the link mailed to it)"),
    (
        "/minha-conta/dados",
        "account_settings",
        "Member area: email, password, sessions, my data (LGPD export, erasure)",
    ),
    (
        "/minha-conta/compras",
        "purchases",
        "Member area: my checkouts (withdrawal within 7 days) and subscriptions",
    ),
    ("/admin", "admin_dashboard", "Admin: dashboard"),
    ("/admin/anuncios", "admin_ads", "Admin: ads"),
    ("/admin/anuncios/novo", "admin_ad_form", "Admin: new ad"),
    ("/admin/anuncios/{id:id}", "admin_ad_form", "Admin: edit an ad"),
    (
        "/admin/criadoras",
        "admin_creators",
        "Admin: creators (search, status, create and edit with uploaded images, card preview)",
    ),
    (
        "/admin/criadoras/{id:id}/posts",
        "admin_creator_posts",
        "Admin: a creator's posts (upload several at once)",
    ),
    ("/admin/marca", "admin_brand", "Admin: the brand (name, logo, colour, support email)"),
    ("/admin/sync", "admin_sync", "Admin: white-label sync"),
    ("/admin/gateways", "admin_gateways", "Admin: payment gateways"),
    ("/admin/planos", "admin_plans", "Admin: plans"),
    ("/admin/order-bumps", "admin_bumps", "Admin: order bumps"),
    ("/admin/cupons", "admin_coupons", "Admin: coupons"),
    ("/admin/contatos", "admin_contacts", "Admin: support contacts"),
    ("/admin/configuracoes", "admin_settings", "Admin: settings"),
    ("/admin/auditoria", "admin_audit", "Admin: the audit log of administrator writes"),
    (
        "/admin/pagamentos-em-analise",
        "admin_review",
        "Admin: checkouts in review (paid for another amount), settled by hand",
    ),
    (
        "/admin/reembolsos",
        "admin_withdrawals",
        "Admin: withdrawal requests (CDC art. 49), marked refunded",
    ),
    (
        "/admin/clientes",
        "admin_customers",
        "Admin: customers (accounts and guest buyers) by name, email, CPF or phone",
    ),
    (
        "/admin/clientes/conta/{id:id}",
        "admin_customer",
        "Admin: an account's page (checkouts, subscriptions, grant)",
    ),
    (
        "/admin/clientes/compra/{id:id}",
        "admin_customer",
        "Admin: the page of a checkout's buyer (a guest)",
    ),
    ("/admin/vendas", "admin_sales", "Admin: sales (checkouts with filters, totals, CSV)"),
    (
        "/admin/assinaturas",
        "admin_subscriptions",
        "Admin: subscriptions (filters: automatic or manual renewal, renewal state, status)",
    ),
    (
        "/admin/verificacao-idade",
        "admin_age",
        "Admin: age assurance (the ID document queue, revocation, effectiveness figures)",
    ),
    (
        "/admin/notificacoes",
        "admin_notifications",
        "Admin: notifications (webhook endpoints, deliveries, Telegram)",
    ),
)

CONTENT_TYPES = {
    ".html": "text/html; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".js": "text/javascript; charset=utf-8",
    ".svg": "image/svg+xml",
    ".png": "image/png",
    ".ico": "image/x-icon",
    ".json": "application/json",
    ".woff2": "font/woff2",
    ".txt": "text/plain; charset=utf-8",
}


def content_security_policy(
    media_origins: tuple[str, ...] = (), scripts: tuple[str, ...] = ()
) -> str:
    """Scripts, styles and API calls from this origin only. Images and videos from this
    origin, from blob: URLs the pages make of our own answers (the PIX QR code), and
    from `media_origins` — our public address and the storage's (an S3 host) — nothing
    else: a page never makes a visitor's browser call a third party. API calls go to
    this origin, and uploads of the panel to the storage's. `scripts`: exact script URLs
    a page may load besides (the checkout's card-encryption script, while JunglePay
    charges)."""
    media = " ".join(("'self'", "blob:", *media_origins))
    # The storage's origin (after ours, when another): the panel posts large uploads
    # straight to an S3 bucket.
    connect = " ".join(("'self'", *media_origins[1:]))
    script = " ".join(("'self'", *scripts))
    return (
        f"default-src 'self'; script-src {script}; style-src 'self'; "
        f"connect-src {connect}; "
        f"img-src {media}; media-src {media}; "
        "frame-ancestors 'none'; base-uri 'self'; form-action 'self'; object-src 'none'"
    )


def media_origins(public_url: str, storage: ObjectStorage) -> tuple[str, ...]:
    """CREATORFLIX_PUBLIC_URL's origin and the origin of the storage's signed links (the
    same for the local folder; the S3 host, or the bucket's virtual host, otherwise)."""
    found: list[str] = []
    for url in (public_url, storage.signed_url("csp-probe.png", 60)):
        parts = urlsplit(url)
        origin = f"{parts.scheme}://{parts.hostname}" + (f":{parts.port}" if parts.port else "")
        if origin not in found:
            found.append(origin)
    return tuple(found)


def security_headers(media: tuple[str, ...] = (), scripts: tuple[str, ...] = ()) -> dict[str, str]:
    """The headers of every page; `media`: the origins images and videos may come from
    besides this one (media_origins); `scripts`: exact script URLs a page may load."""
    return {
        "Content-Security-Policy": content_security_policy(media, scripts),
        "X-Content-Type-Options": "nosniff",
        "Referrer-Policy": "same-origin",
        "X-Frame-Options": "DENY",
    }


SECURITY_HEADERS = security_headers()  # without a configuration: this origin only


def static_files(folder: Path = STATIC_DIR) -> dict[str, Path]:
    """Every file under `folder`, by its path relative to it: the only paths served,
    so no request path can reach anything else (no traversal to guard against)."""
    return {
        p.relative_to(folder).as_posix(): p
        for p in sorted(folder.rglob("*"))
        if p.is_file() and not p.name.startswith(".")
    }


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


# The original's query parameters of our pages, by path: its name -> ours.
RENAMED_PARAMS: dict[str, dict[str, str]] = {"/checkout": {"planId": "plano"}}
# The original's pages with another path here: its path -> ours.
MOVED_PAGES: dict[str, str] = {
    "/plans": "/planos",
    "/login": "/entrar",
    "/register": "/cadastro",
    "/models": "/",
}


def _moved(resp: falcon.Response, path: str, query: str) -> None:
    """301 to our `path` (a path of this site: never a client's URL), with `query`."""
    resp.status = falcon.HTTP_301
    resp.location = f"{path}?{query}" if query else path


def _renamed(query: str, renames: dict[str, str]) -> str | None:
    """`query` with the original's parameter names made ours; None when it has none."""
    pairs = parse_qsl(query, keep_blank_values=True)
    if not any(name in renames for name, _ in pairs):
        return None
    ours = {renames.get(name, name) for name, _ in pairs if name not in renames}
    return urlencode(
        [
            (renames.get(name, name), value)
            for name, value in pairs
            if name not in renames or renames[name] not in ours
        ]
    )


class PageResource:
    """One page: the shell with its page module's name. `renames`: the original's
    query parameters of this page (a request using one is moved to our spelling)."""

    def __init__(
        self,
        page: str,
        renames: dict[str, str] | None = None,
        headers: dict[str, str] | None = None,
        timezone: str = "America/Sao_Paulo",
        brand: Callable[[], dict[str, str]] | None = None,
        dynamic_headers: Callable[[], dict[str, str]] | None = None,
    ):
        self.page = page
        self.timezone = timezone  # the zone pages show times in (CREATORFLIX_TIMEZONE)
        self.renames = renames or {}
        self.headers = headers or SECURITY_HEADERS
        self.brand = brand or (lambda: shell_values(DEFAULT_BRAND, ""))
        self.dynamic_headers = dynamic_headers  # read per request (the checkout's CSP)

    def on_get(self, req: falcon.Request, resp: falcon.Response, **params: int) -> None:
        query = _renamed(req.query_string, self.renames) if self.renames else None
        if query is not None:
            # One leading slash: "//checkout" would be a protocol-relative Location.
            _moved(resp, "/" + req.path.lstrip("/"), query)
            return
        html = (
            SHELL.read_text(encoding="utf-8")
            .replace("{{page}}", self.page)
            .replace("{{timezone}}", self.timezone)
        )
        for name, value in self.brand().items():
            html = html.replace("{{%s}}" % name, escape(value, quote=True))
        resp.set_headers(self.dynamic_headers() if self.dynamic_headers else self.headers)
        if not _conditional(req, resp, html.encode("utf-8")):
            resp.content_type = CONTENT_TYPES[".html"]
            resp.text = html


class StaticResource:
    def __init__(self, folder: Path = STATIC_DIR):
        self.files = static_files(folder)

    def on_get(self, req: falcon.Request, resp: falcon.Response, path: str) -> None:
        found = self.files.get(path)
        if found is None:
            raise NotFound("no such file")
        data = found.read_bytes()
        resp.set_header("X-Content-Type-Options", "nosniff")
        if not _conditional(req, resp, data):
            resp.content_type = CONTENT_TYPES.get(found.suffix, "application/octet-stream")
            resp.data = data


class MovedPageResource:
    """One of the original's pages that has another path here."""

    def __init__(self, path: str):
        self.path = path

    def on_get(self, req: falcon.Request, resp: falcon.Response) -> None:
        _moved(resp, self.path, req.query_string)


class OriginalModelPageResource:
    """The original's /models/{name}: a 301 to the page showing that white-label model
    or creator now (404 when none)."""

    def __init__(self, uow: UnitOfWorkFactory):
        self.uow = uow

    def on_get(self, req: falcon.Request, resp: falcon.Response, name: str) -> None:
        page = resolve_model_page(self.uow, name)
        path = "/colecoes" if page.kind == COLLECTION else "/modelos"
        _moved(resp, f"{path}/{page.id}", req.query_string)


_HTML = {"type": "string", "description": "the page (an HTML shell loading its module)"}
_FILE = {
    "type": "string",
    "format": "binary",
    "description": "the file: text/css, text/javascript, image/svg+xml...",
}
_MOVED = {
    301: {"Location": {"type": "string", "description": "our page, with the query string kept"}}
}


def _page_operation(path: str, summary: str) -> Operation:
    renames = RENAMED_PARAMS.get(path, {})
    if not renames:
        return Operation(
            "GET",
            f"Web page: {summary}",
            PUBLIC,
            tags=TAGS,
            content_type="text/html",
            responses={200: _HTML, 304: None},
            serves=NO_MEDIA,
        )
    params = tuple(
        Param(
            old,
            {"type": "string"},
            f"the original platform's name of {new}: moved (301) to this page with {new}",
        )
        for old, new in renames.items()
    )
    return Operation(
        "GET",
        f"Web page: {summary}",
        PUBLIC,
        tags=TAGS,
        content_type="text/html",
        params=params,
        responses={200: _HTML, 301: None, 304: None},
        headers=_MOVED,
        serves=NO_MEDIA,
    )


def _original_routes(uow: UnitOfWorkFactory) -> list[Route]:
    found = [
        Route(
            old,
            MovedPageResource(new),
            (
                Operation(
                    "GET",
                    f"The original platform's {old}: moved (301) to {new}",
                    PUBLIC,
                    tags=TAGS,
                    content_type="text/html",
                    responses={301: None},
                    headers=_MOVED,
                    serves=NO_MEDIA,
                ),
            ),
        )
        for old, new in MOVED_PAGES.items()
    ]
    found.append(
        Route(
            "/models/{name}",
            OriginalModelPageResource(uow),
            (
                Operation(
                    "GET",
                    "The original platform's page of a model: moved (301) to the "
                    "page showing it now — the published white-label collection with this "
                    "folder name, else the active creator with this slug, else with this "
                    "name; 404 when none",
                    PUBLIC,
                    tags=TAGS,
                    content_type="text/html",
                    responses={301: None, 404: None},
                    headers=_MOVED,
                    serves=NO_MEDIA,
                ),
            ),
        )
    )
    return found


def checkout_headers(
    payments: PaymentService, script_url: str, media: tuple[str, ...]
) -> Callable[[], dict[str, str]]:
    """The checkout page's headers: its CSP allows exactly JunglePay's card-encryption
    script (`script_url`, CREATORFLIX_JUNGLEPAY_JS_URL) while JunglePay charges with a
    public key, and nothing more otherwise."""
    plain = security_headers(media)

    def headers() -> dict[str, str]:
        form = card_form(payments, script_url)
        return plain if form is None else security_headers(media, (form.script_url,))

    return headers


def shell_values(brand: Brand, public_url: str) -> dict[str, str]:
    """The brand in the page shell: title, theme colour, social preview tags."""
    base = public_url.rstrip("/")
    image = LOGO_PATH if brand.logo_url else "/static/img/icon.svg"
    return {
        "site_name": brand.site_name,
        "primary_color": brand.primary_color,
        "og_image": base + image,
    }


def routes(deps: Deps) -> list[Route]:
    media = media_origins(deps.config.public_url, deps.storage)
    headers = security_headers(media)
    zone = deps.config.timezone
    uow, public_url = deps.uow, deps.config.public_url
    checkout = checkout_headers(deps.payments_service, deps.config.card_script_url, media)

    def brand() -> dict[str, str]:
        return shell_values(get_brand(uow), public_url)

    found = [
        Route(
            path,
            PageResource(
                page,
                RENAMED_PARAMS.get(path),
                headers,
                zone,
                brand,
                checkout if page == "checkout" else None,
            ),
            (_page_operation(path, summary),),
        )
        for path, page, summary in PAGES
    ]
    found.extend(_original_routes(deps.uow))
    found.append(
        Route(
            "/static/{path:path}",
            StaticResource(),
            (
                Operation(
                    "GET",
                    "A static file of the web client (CSS, JavaScript modules, icons)",
                    PUBLIC,
                    tags=TAGS,
                    content_type="*/*",
                    responses={200: _FILE, 304: None},
                    serves=NO_MEDIA,
                ),
            ),
        )
    )
    return found

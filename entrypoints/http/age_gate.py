"""The age gate at the edge: ONE step of every response (AgeGate, a middleware) applies
the gate's rule (domain.assurance.policy.shown) to what each read declares it serves
(routes.Serves on its Operation): records of a kind, laid out as one record, a page or
groups, get their adult media withheld unless the caller may see it; a read whose body is
adult media (/media) is refused. Resources serialise records as they are and never apply
the gate themselves; the records, and any cache of them, never depend on the caller.

A read that is not admin-only and declares nothing stops the app from starting; one that
declares nothing to withhold while serving media is caught by the walk of every route in
tests/e2e/test_age_gate.py.

Whether the caller is age-assured is read once per request, cached on it. A resource
whose answer is one object shared by many requests (the ads' serving cache) says so with
`resp.context.shared = True`: its JSON is then rendered once per gate state, not per
request."""

from __future__ import annotations

from collections.abc import Hashable, Iterable
from typing import Any

import falcon

from domain.assurance import policy
from domain.assurance.service import AgeAssuranceService, is_assured
from domain.common.errors import Forbidden
from entrypoints.http.caller import current_user
from entrypoints.http.json_io import dumps
from entrypoints.http.routes import ADMIN, FILE, GROUPS, ITEM, PAGE, Route, Serves, required_level

# The assurance token of a visitor: sent as a header by API clients and the web client,
# and kept by the browser as an HttpOnly cookie for what it loads without headers
# (images and videos from /media). Never in a URL (URLs end up in logs).
HEADER = "X-Age-Assurance"
COOKIE = "cf_age_assurance"


class AgeAssuranceRequired(Forbidden):
    code = "age_assurance_required"


class UndeclaredRead(ValueError):
    """A read route that does not say what it serves: the gate cannot guard it."""


def caller_token(req: falcon.Request) -> str | None:
    token = req.get_header(HEADER) or req.cookies.get(COOKIE)
    return token.strip() if isinstance(token, str) and token.strip() else None


def set_cookie(resp: falcon.Response, secure: bool, token: str | None, max_age: int) -> None:
    """The assurance token as the HttpOnly cookie media requests carry; `secure`: the
    public address is https."""
    if not token:
        return
    resp.set_cookie(
        COOKIE, token, max_age=max_age, path="/", http_only=True, secure=secure, same_site="Lax"
    )


def declarations(routes: Iterable[Route]) -> dict[tuple[str, str], Serves]:
    """What each read serves, by (route template, method). UndeclaredRead names every
    GET that is not admin-only (admins see everything) and declares nothing."""
    found: dict[tuple[str, str], Serves] = {}
    missing = []
    for route in routes:
        for op in route.operations:
            if op.serves is not None:
                found[(route.path, op.method)] = op.serves
            elif op.method == "GET" and required_level(route.path, op.auth) != ADMIN:
                missing.append(f"GET {route.path}")
    if missing:
        raise UndeclaredRead(
            "these reads do not declare what they serve (Operation(..., "
            f"serves=...), see entrypoints/http/routes.py): {missing}"
        )
    return found


def withheld(serves: Serves, media: Any, allowed: bool) -> Any:
    """`media` (a JSON answer laid out as `serves` says) as the caller may see it: a
    new value, `media` itself is never changed."""
    kind = serves.kind
    if kind is None or allowed:
        return media
    if serves.shape == ITEM:
        return policy.shown(kind, media, allowed)
    if serves.shape == PAGE:
        return {**media, "data": [policy.shown(kind, item, allowed) for item in media["data"]]}
    assert serves.shape == GROUPS, serves
    return {
        key: [policy.shown(kind, item, allowed) for item in items] for key, items in media.items()
    }


class AgeGate:
    """The gate as a middleware: after AuthMiddleware (it reads the caller)."""

    MAX_RENDERED = 512

    def __init__(self, assurance: AgeAssuranceService, routes: Iterable[Route]):
        self.assurance = assurance
        self.serves = declarations(routes)
        # (id of a shared answer, gate state) -> (that answer, its gated JSON); holding
        # the answer keeps its id from being reused while the entry lives.
        self._rendered: dict[Hashable, tuple[Any, bytes]] = {}

    def allowed(self, req: falcon.Request) -> bool:
        """Whether the caller may see adult media (gate off, admin, or assured)."""
        cached = getattr(req.context, "age_allowed", None)
        if cached is None:
            cached = is_assured(self.assurance, current_user(req), caller_token(req))
            req.context.age_allowed = cached
        return cached

    def process_resource(
        self, req: falcon.Request, resp: falcon.Response, resource: object, params: dict
    ) -> None:
        serves = self.serves.get((req.uri_template or "", req.method))
        if serves is None or (serves.kind is None and serves.shape != FILE):
            return
        # Decided before the responder runs, as reads did when they applied the gate
        # themselves: later steps (and middleware) see the verdict on the request.
        if not self.allowed(req) and serves.shape == FILE:
            raise AgeAssuranceRequired(
                "age assurance is required to see this content "
                "(GET /api/age-assurance lists the methods)"
            )

    def process_response(
        self, req: falcon.Request, resp: falcon.Response, resource: object, req_succeeded: bool
    ) -> None:
        serves = self.serves.get((req.uri_template or "", req.method))
        if not req_succeeded or serves is None or serves.kind is None:
            return
        if resp.media is None:
            # Fail closed: a body the gate cannot read is never sent for such a read.
            raise RuntimeError(
                f"{req.method} {req.uri_template} declares {serves} but answered without resp.media"
            )
        allowed = self.allowed(req)
        if not getattr(resp.context, "shared", False):
            resp.media = withheld(serves, resp.media, allowed)
            return
        key = (id(resp.media), allowed)
        rendered = self._rendered.get(key)
        if rendered is None or rendered[0] is not resp.media:
            if len(self._rendered) >= self.MAX_RENDERED:
                self._rendered = {}
            rendered = (resp.media, dumps(withheld(serves, resp.media, allowed)).encode())
            self._rendered[key] = rendered
        resp.data = rendered[1]
        resp.content_type = falcon.MEDIA_JSON


def clear_cookie(resp: falcon.Response) -> None:
    """The browser forgets an assurance that ended (logout, revocation, expiry)."""
    resp.unset_cookie(COOKIE, path="/", same_site="Lax")

"""The age gate at the edge: whether the caller of this request is age-assured (read
once per request, cached on it), and the one step every read serialiser applies
(domain.assurance.policy.shown) before answering. The records themselves, and any
cache of them, never depend on the caller: the step returns a gated copy."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import falcon

from domain.assurance import policy
from domain.assurance.service import is_assured
from domain.common.errors import Forbidden
from entrypoints.http.auth import current_user

# The assurance token of a visitor: sent as a header by API clients and the web client,
# and kept by the browser as an HttpOnly cookie for what it loads without headers
# (images and videos from /media). Never in a URL (URLs end up in logs).
HEADER = "X-Age-Assurance"
COOKIE = "cf_age_assurance"


class AgeAssuranceRequired(Forbidden):
    code = "age_assurance_required"


def caller_token(req: falcon.Request) -> str | None:
    token = req.get_header(HEADER) or req.cookies.get(COOKIE)
    return token.strip() if isinstance(token, str) and token.strip() else None


def allowed(req: falcon.Request, deps) -> bool:
    """Whether the caller may see adult media (gate off, admin, or assured)."""
    cached = getattr(req.context, "age_allowed", None)
    if cached is None:
        user = current_user(req)
        if not deps.config.age_gate or (user is not None and user.is_admin):
            cached = True
        else:
            cached = is_assured(deps.age_assurance, user, caller_token(req))
        req.context.age_allowed = cached
    return cached


def gated(req: falcon.Request, deps, kind: str, record: Mapping[str, Any]) -> dict[str, Any]:
    """`record` (the JSON of one served item of `kind`) as this caller may see it."""
    return policy.shown(kind, record, allowed(req, deps))


def gated_page(req: falcon.Request, deps, kind: str, page: dict[str, Any]) -> dict[str, Any]:
    """A serialised page ({"data": [...], ...}) with each item gated."""
    return {**page, "data": [gated(req, deps, kind, item) for item in page["data"]]}


def require(req: falcon.Request, deps) -> None:
    """For routes that serve nothing but adult media (/media): 403 age_assurance_required."""
    if not allowed(req, deps):
        raise AgeAssuranceRequired(
            "age assurance is required to see this content "
            "(GET /api/age-assurance lists the methods)"
        )


def set_cookie(resp: falcon.Response, deps, token: str | None, max_age: int) -> None:
    if not token:
        return
    resp.set_cookie(
        COOKIE,
        token,
        max_age=max_age,
        path="/",
        http_only=True,
        secure=deps.config.public_url.startswith("https://"),
        same_site="Lax",
    )


def clear_cookie(resp: falcon.Response, deps) -> None:
    """The browser forgets an assurance that ended (logout, revocation, expiry)."""
    resp.unset_cookie(COOKIE, path="/", same_site="Lax")

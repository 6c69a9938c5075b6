"""Which answers a shared cache may keep, decided in one place (issue 20, finding 12):
an answer that depended on the caller — read with an authenticated identity, passed
through the age gate, or under /api/admin or /api/me (refusals included) — is
`Cache-Control: private, no-store` with `Vary: Authorization, Cookie, X-Age-Assurance`,
so a "cache everything" CDN rule never hands one subscriber's media links to everyone.
Answers the same for every caller (the plans, anonymously) keep their own headers."""

from __future__ import annotations

import falcon

from entrypoints.http.age_gate import HEADER as AGE_HEADER

VARY = ("Authorization", "Cookie", AGE_HEADER)
PRIVATE = "private, no-store"
CALLER_PREFIXES = ("/api/admin", "/api/me")


def _under(path: str, prefix: str) -> bool:
    return path == prefix or path.startswith(prefix + "/")


def depended_on_caller(req: falcon.Request) -> bool:
    """Whether this answer may differ from one caller to another: an identity was read
    (auth middleware), the age gate was evaluated (age_gate.AgeGate.allowed caches its verdict
    on the request), or the path is one of the caller's own or an administrator's."""
    context = req.context
    return (
        getattr(context, "user", None) is not None
        or getattr(context, "age_allowed", None) is not None
        or any(_under(req.path, prefix) for prefix in CALLER_PREFIXES)
    )


class CallerCacheMiddleware:
    def process_response(
        self, req: falcon.Request, resp: falcon.Response, resource: object, req_succeeded: bool
    ) -> None:
        if not depended_on_caller(req):
            return
        # A responder's own private policy (signed media: private, max-age) is kept;
        # anything else (none, or a public one) becomes private, no-store.
        current = resp.get_header("Cache-Control") or ""
        if "private" not in {part.strip() for part in current.split(",")}:
            resp.set_header("Cache-Control", PRIVATE)
        vary = [v.strip() for v in (resp.get_header("Vary") or "").split(",") if v.strip()]
        known = {v.lower() for v in vary}
        resp.set_header("Vary", ", ".join(vary + [v for v in VARY if v.lower() not in known]))

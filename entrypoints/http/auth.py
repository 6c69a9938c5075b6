"""Access control, in one place every request passes through: the bearer token (or the
browser's session cookie, entrypoints.http.sessions, with its CSRF check) is read here,
and each route's required level (public, user, admin) is enforced here. Every route
under /api/admin is admin-only whatever its declaration says."""

from __future__ import annotations

from collections.abc import Iterable

import falcon

from domain.accounts.auth import AuthService, authenticate
from domain.accounts.users import User
from domain.common.errors import Forbidden, Unauthenticated
from entrypoints.config import Config
from entrypoints.http import sessions
from entrypoints.http.routes import ADMIN, PUBLIC, USER, Route, required_level


class AuthMiddleware:
    def __init__(self, auth: AuthService, routes: Iterable[Route], config: Config | None = None):
        self.auth = auth
        self.config = config  # of the session cookie (secret key, public URL)
        self.levels: dict[tuple[str, str], str] = {}
        for route in routes:
            for op in route.operations:
                self.levels[(route.path, op.method)] = required_level(route.path, op.auth)

    def level_of(self, template: str, method: str) -> str:
        declared = self.levels.get((template, method), PUBLIC)
        return required_level(template, declared)

    def process_resource(
        self, req: falcon.Request, resp: falcon.Response, resource: object, params: dict
    ) -> None:
        req.context.user = None
        req.context.session_token = None
        if resource is None:
            return
        csrf_failed = False
        # Only Bearer credentials are ours: other schemes (a gateway's Basic header on a
        # postback, say) are ignored. A Bearer token that does not verify is a 401 on any
        # route, so a client learns its session ended instead of silently browsing
        # anonymously (and, say, seeing premium posts locked).
        scheme, _, token = (req.get_header("Authorization") or "").partition(" ")
        if scheme.lower() == "bearer":
            if not token.strip():
                raise Unauthenticated("use Authorization: Bearer <token>")
            req.context.user = authenticate(self.auth, token.strip())
        elif self.config is not None and (cookie := sessions.cookie_token(req)) is not None:
            csrf_failed = not self._use_cookie(req, resp, self.config, cookie)
        level = self.level_of(req.uri_template or req.path, req.method)
        user: User | None = req.context.user
        if level in (USER, ADMIN):
            if user is None and csrf_failed:
                raise Forbidden(
                    "this change must come from a page of the site with its "
                    f"{sessions.CSRF_HEADER} header",
                    code="csrf_failed",
                )
            if user is None:
                raise Unauthenticated("authentication required")
            if level == ADMIN and not user.is_admin:
                raise Forbidden("administrators only")

    def _use_cookie(
        self, req: falcon.Request, resp: falcon.Response, config: Config, cookie: str
    ) -> bool:
        """Authenticate with the session cookie; False when a write fails the CSRF check
        (the request then goes on as anonymous). A cookie that no longer verifies
        (expired, logged out, password changed) is removed and the caller is anonymous."""
        try:
            user = authenticate(self.auth, cookie)
        except Unauthenticated:
            sessions.end(req, resp, config)
            return True
        if not sessions.csrf_ok(req, config, cookie):
            return False
        req.context.user, req.context.session_token = user, cookie
        return True

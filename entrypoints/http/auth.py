"""Access control, in one place every request passes through: the bearer token is read
here, and each route's required level (public, user, admin) is enforced here. Every
route under /api/admin is admin-only whatever its declaration says."""
from __future__ import annotations

from collections.abc import Iterable

import falcon

from domain.accounts.auth import AuthService, authenticate
from domain.accounts.users import User
from domain.common.errors import Forbidden, Unauthenticated
from entrypoints.http.routes import ADMIN, PUBLIC, USER, Route, required_level


class AuthMiddleware:
    def __init__(self, auth: AuthService, routes: Iterable[Route]):
        self.auth = auth
        self.levels: dict[tuple[str, str], str] = {}
        for route in routes:
            for op in route.operations:
                self.levels[(route.path, op.method)] = required_level(route.path, op.auth)

    def level_of(self, template: str, method: str) -> str:
        declared = self.levels.get((template, method), PUBLIC)
        return required_level(template, declared)

    def process_resource(self, req: falcon.Request, resp: falcon.Response, resource: object,
                         params: dict) -> None:
        req.context.user = None
        if resource is None:
            return
        # Only Bearer credentials are ours: other schemes (a gateway's Basic header on a
        # postback, say) are ignored. A Bearer token that does not verify is a 401 on any
        # route, so a client learns its session ended instead of silently browsing
        # anonymously (and, say, seeing premium posts locked).
        scheme, _, token = (req.get_header("Authorization") or "").partition(" ")
        if scheme.lower() == "bearer":
            if not token.strip():
                raise Unauthenticated("use Authorization: Bearer <token>")
            req.context.user = authenticate(self.auth, token.strip())
        level = self.level_of(req.uri_template or req.path, req.method)
        user: User | None = req.context.user
        if level in (USER, ADMIN):
            if user is None:
                raise Unauthenticated("authentication required")
            if level == ADMIN and not user.is_admin:
                raise Forbidden("administrators only")


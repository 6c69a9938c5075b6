"""Who is calling: the signed-in user the access control (auth.py) found on the request.
A leaf of the HTTP package: it imports no other module of it."""

from __future__ import annotations

import falcon

from domain.accounts.users import User
from domain.common.errors import Unauthenticated


def current_user(req: falcon.Request) -> User | None:
    return getattr(req.context, "user", None)


def required_user(req: falcon.Request) -> User:
    """The caller of a route declared USER or ADMIN. AuthMiddleware lets such a request
    through only with a user, so the check below (the middleware's own) is a safety net."""
    user = current_user(req)
    if user is None:
        raise Unauthenticated("authentication required")
    return user


def required_user_id(req: falcon.Request) -> int:
    """The id of `required_user(req)` (a signed-in user is always stored)."""
    user_id = required_user(req).id
    assert user_id is not None, "an authenticated user is stored"
    return user_id

"""The access-control matrix: every /api/admin route and method the router serves —
read from Falcon's router, so routes added later are covered without editing this —
answers 401 to anonymous callers, 403 to regular users, and lets admins through."""

from __future__ import annotations

import re

import falcon.inspect
import pytest

from entrypoints.http.schemas import openapi_path
from tests.support.api import assert_error

ADMIN_PREFIX = "/api/admin"
_PARAM = re.compile(r"\{[^}]*\}")
# GET routes without a path parameter that read one thing which may not exist yet (404).
SINGLETONS = {"/api/admin/whitelabel/sync"}


def admin_operations(app) -> list[tuple[str, str]]:
    """(template, method) of every admin route Falcon serves (not its own OPTIONS)."""
    found = []
    for route in falcon.inspect.inspect_routes(app):
        if route.path == ADMIN_PREFIX or route.path.startswith(ADMIN_PREFIX + "/"):
            found += [(route.path, m.method) for m in route.methods if not m.internal]
    return sorted(found)


def call(client, template: str, method: str, headers: dict | None = None):
    path = _PARAM.sub("1", template)  # an id (or key) that may or may not exist
    return client.simulate_request(method, path, json={}, headers=headers or {})


def test_the_matrix_covers_the_admin_routes_of_the_router(client):
    operations = admin_operations(client.app)
    # A sanity floor: the catalogue alone declares these (the list only grows).
    for expected in [
        ("/api/admin/plans", "GET"),
        ("/api/admin/plans/{id:id}", "DELETE"),
        ("/api/admin/users", "GET"),
        ("/api/admin/settings/{key}", "PUT"),
    ]:
        assert expected in operations


@pytest.mark.parametrize("backend", ["memory"], indirect=True)
def test_every_admin_route_refuses_anonymous_and_regular_users(client, actors):
    user = actors.user()
    for template, method in admin_operations(client.app):
        where = f"{method} {template}"
        anonymous = call(client, template, method)
        assert anonymous.status_code == 401, where
        assert_error(anonymous, 401, "unauthenticated")
        assert anonymous.headers.get("www-authenticate") == "Bearer", where
        regular = call(client, template, method, user)
        assert regular.status_code == 403, where
        assert_error(regular, 403, "forbidden")


def test_every_admin_route_lets_admins_through(client, actors):
    admin = actors.admin()
    spec = client.simulate_get("/openapi.json").json
    for template, method in admin_operations(client.app):
        where = f"{method} {template}"
        result = call(client, template, method, admin)
        assert result.status_code not in (401, 403), where
        assert result.status_code < 500, where
        documented = spec["paths"][openapi_path(template)[0]][method.lower()]["responses"]
        assert str(result.status_code) in documented, where
        if method == "GET" and not _PARAM.search(template) and template not in SINGLETONS:
            assert result.status_code == 200, where


@pytest.mark.parametrize("backend", ["memory"], indirect=True)
def test_a_bad_or_expired_token_is_a_401_not_a_403(client, actors, clock, deps):
    user = actors.user()
    clock.advance(seconds=deps.config.token_ttl_seconds + 1)
    for headers in (user, {"Authorization": "Bearer not-a-token"}):
        assert_error(
            client.simulate_get("/api/admin/plans", headers=headers), 401, "unauthenticated"
        )

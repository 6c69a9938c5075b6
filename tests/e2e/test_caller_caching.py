"""Issue 20, finding 12: answers that depend on the caller (the age gate, a
subscription, an administrator, anything read with the caller's identity) carry
`Cache-Control: private, no-store` and `Vary: Authorization, Cookie, X-Age-Assurance`,
so a "cache everything" CDN rule cannot hand one subscriber's media links to everyone.
Answers the same for everyone (the plans, anonymously) stay cacheable."""

from __future__ import annotations

import pytest

from tests.support.age_gate import catalogue, config  # noqa: F401

VARY = {"authorization", "cookie", "x-age-assurance"}


def is_private(result) -> bool:
    control = {part.strip() for part in (result.headers.get("cache-control") or "").split(",")}
    vary = {part.strip().lower() for part in (result.headers.get("vary") or "").split(",")}
    return {"private", "no-store"} <= control and VARY <= vary


def gated_paths(ids: dict) -> list[str]:
    return [
        "/api/models",
        f"/api/models/{ids['creator']}",
        f"/api/models/{ids['creator']}/posts",
        "/api/whitelabel/models",
        f"/api/whitelabel/models/{ids['model']}",
        f"/api/whitelabel/models/{ids['model']}/posts",
    ]


def test_gated_answers_are_private_for_anonymous_callers(client, catalogue):
    for path in gated_paths(catalogue):
        result = client.simulate_get(path)
        assert result.status_code == 200, (path, result.text)
        assert is_private(result), (path, dict(result.headers))


def test_answers_read_with_the_callers_identity_are_private(client, catalogue, actors):
    user, admin = actors.user(), actors.admin()
    for path in gated_paths(catalogue) + ["/api/plans"]:
        for headers in (user, admin):
            result = client.simulate_get(path, headers=headers)
            assert result.status_code == 200 and is_private(result), (path, result.headers)
    for path, headers in (
        ("/api/me", user),
        ("/api/me/checkouts", user),
        ("/api/admin/ads", admin),
        ("/api/admin/dashboard", admin),
    ):
        result = client.simulate_get(path, headers=headers)
        assert result.status_code == 200 and is_private(result), (path, result.headers)


@pytest.mark.parametrize("path", ["/api/me", "/api/admin/ads"])
def test_refusals_of_caller_routes_are_private_too(client, path):
    assert is_private(client.simulate_get(path))


def test_the_plans_stay_cacheable_for_anonymous_callers(client, catalogue):
    result = client.simulate_get("/api/plans")
    assert result.status_code == 200
    assert "no-store" not in (result.headers.get("cache-control") or "")

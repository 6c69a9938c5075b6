"""The platform: health, the error shape of every kind of failure, OpenAPI."""

from __future__ import annotations

import falcon.inspect
import pytest
from falcon.testing import TestClient
from openapi_spec_validator import validate

from entrypoints.http.app import create_app
from entrypoints.http.schemas import openapi_path
from tests.support.api import assert_error


@pytest.mark.smoke
def test_health_answers_when_the_database_does(client):
    result = client.simulate_get("/health")
    assert result.status_code == 200 and result.json == {"status": "ok"}


def test_health_is_503_when_the_database_does_not(deps):
    class Down:
        def ping(self) -> bool:
            return False

    import attrs

    client = TestClient(create_app(attrs.evolve(deps, health=Down())))
    assert_error(client.simulate_get("/health"), 503, "unavailable")


def test_unknown_route_is_a_json_404(client):
    assert_error(client.simulate_get("/nowhere"), 404, "not_found")
    assert_error(client.simulate_get("/api/me/../../etc/passwd"), 404, "not_found")


def test_wrong_method_is_a_json_405(client):
    result = client.simulate_delete("/health")
    assert_error(result, 405, "method_not_allowed")
    assert "GET" in result.headers["allow"]


@pytest.mark.parametrize("body", ["{bad json", "[1, 2", "\xff\xfe", "nul\x00l"])
def test_malformed_json_is_a_400_naming_the_body(client, body):
    result = client.simulate_post(
        "/api/auth/login", body=body, headers={"content-type": "application/json"}
    )
    assert_error(result, 400, "invalid_json", "body")


def test_deeply_nested_json_is_a_400_not_a_crash(client):
    body = "[" * 100_000 + "]" * 100_000
    assert_error(client.simulate_post("/api/auth/login", body=body), 400, "invalid_json", "body")


@pytest.mark.parametrize("header", ["Bearer é.x", "Bearer \u00ff", "Bearer a.b", "Bearer "])
def test_a_bearer_token_that_does_not_verify_is_a_401_on_any_route(client, header):
    for path in ("/api/plans", "/health", "/api/me"):
        result = client.simulate_get(
            path, headers={"Authorization": header.encode("utf-8").decode("latin-1")}
        )
        assert_error(result, 401, "unauthenticated")


def test_other_authorization_schemes_are_not_ours_and_ignored(client):
    assert (
        client.simulate_get("/api/plans", headers={"Authorization": "Basic eDp4"}).status_code
        == 200
    )
    assert_error(
        client.simulate_get("/api/me", headers={"Authorization": "Basic eDp4"}),
        401,
        "unauthenticated",
    )


def test_a_body_that_is_not_an_object_is_refused(client):
    assert_error(client.simulate_post("/api/auth/login", json=[1, 2]), 400, "invalid", "body")


def test_oversized_bodies_are_a_413(client, deps):
    big = "x" * (deps.config.max_body_bytes + 1)
    assert_error(client.simulate_post("/api/auth/login", body=big), 413, "payload_too_large")


def test_openapi_is_valid_openapi_3(client):
    spec = client.simulate_get("/openapi.json").json
    validate(spec)
    assert spec["openapi"].startswith("3.")


def test_openapi_lists_exactly_the_routes_of_the_router(client):
    """Derived from Falcon's router itself, not from our declarations."""
    spec = client.simulate_get("/openapi.json").json
    documented = {(path, method.upper()) for path, item in spec["paths"].items() for method in item}
    served = set()
    for route in falcon.inspect.inspect_routes(client.app):
        path, _ = openapi_path(route.path)
        for method in route.methods:
            if not method.internal:  # Falcon's default OPTIONS responder
                served.add((path, method.method))
    assert documented == served

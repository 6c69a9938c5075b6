"""Talking to the API in tests: the shape of an error, bearer headers, a member
registered through the API."""

from __future__ import annotations

PASSWORD = "user-password"


def assert_error(result, status: int, code: str, field: str | None = None) -> None:
    assert result.status_code == status
    assert result.headers["content-type"].startswith("application/json")
    error = result.json["error"]
    assert error["code"] == code and error["message"]
    if field is not None:
        assert error["field"] == field


def bearer(token: str) -> dict:
    return {"Authorization": f"Bearer {token}"}


def register(client, email: str, password: str = PASSWORD, name: str = "Ana Souza") -> dict:
    result = client.simulate_post(
        "/api/auth/register", json={"email": email, "password": password, "name": name}
    )
    assert result.status_code == 201, result.json
    return result.json

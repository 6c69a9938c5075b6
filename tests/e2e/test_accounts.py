"""Accounts end to end: register, log in, who am I, token lifetime, create-admin.
Every response of this module is checked never to carry a password or a hash."""

from __future__ import annotations

import attrs
import pytest
from falcon.testing import TestClient

from entrypoints import cli
from entrypoints.http.app import create_app
from tests.support.api import assert_error
from tests.support.cli_database import database_file, stored_user  # noqa: F401  (fixture)

PASSWORD = "correct horse battery"
EMAIL = "Ana.Souza@Example.com"


def assert_no_secrets(value, secrets: tuple[str, ...]) -> None:
    """No `password` key anywhere, no scrypt hash, none of `secrets` in any string."""
    if isinstance(value, dict):
        assert "password" not in value
        for item in value.values():
            assert_no_secrets(item, secrets)
    elif isinstance(value, list):
        for item in value:
            assert_no_secrets(item, secrets)
    elif isinstance(value, str):
        assert "scrypt$" not in value
        assert not any(secret in value for secret in secrets)


class CheckedClient:
    """The test client, checking every response body for passwords and hashes."""

    def __init__(self, client: TestClient, uow):
        self.client, self.uow = client, uow

    def _secrets(self) -> tuple[str, ...]:
        with self.uow() as uow:
            hashes = tuple(u.password for u in uow.users.find().items)
        return (PASSWORD, "new password 123") + hashes

    def __getattr__(self, name: str):
        simulate = getattr(self.client, name)

        def checked(*args, **kwargs):
            result = simulate(*args, **kwargs)
            assert_no_secrets(result.json if result.text else None, self._secrets())
            return result

        return checked


@pytest.fixture
def api(client, deps) -> CheckedClient:
    return CheckedClient(client, deps.uow)


def register(api, email: str = EMAIL, password: str = PASSWORD, **extra):
    return api.simulate_post(
        "/api/auth/register", json={"email": email, "password": password, **extra}
    )


def bearer(token: str) -> dict:
    return {"Authorization": f"Bearer {token}"}


@pytest.mark.smoke
def test_register_then_login_then_me(api):
    created = register(api, name="Ana")
    assert created.status_code == 201
    user = created.json["user"]
    assert user["email"] == "ana.souza@example.com" and user["name"] == "Ana"
    assert user["role"] == "user" and created.json["expires_in"] == 7 * 24 * 3600

    logged = api.simulate_post(
        "/api/auth/login", json={"email": "  ANA.SOUZA@example.com ", "password": PASSWORD}
    )
    assert logged.status_code == 200 and logged.json["user"] == user
    assert logged.json["token"] != created.json["token"]
    for token in (created.json["token"], logged.json["token"]):
        me = api.simulate_get("/api/me", headers=bearer(token))
        assert me.status_code == 200
        assert me.json == {"user": user, "subscription": None}


@pytest.mark.parametrize("again", [EMAIL, EMAIL.upper(), f"  {EMAIL.lower()}\t"])
def test_an_email_registers_once_whatever_its_case_or_spacing(api, again):
    assert register(api).status_code == 201
    assert_error(register(api, again, "another password"), 409, "conflict", "email")


@pytest.mark.parametrize(
    "body, field",
    [
        ({"email": "not-an-email", "password": PASSWORD}, "email"),
        ({"email": EMAIL, "password": "short"}, "password"),
        ({"email": EMAIL}, "password"),
        ({"password": PASSWORD}, "email"),
        ({"email": EMAIL, "password": PASSWORD, "role": "admin"}, "role"),
    ],
)
def test_registration_refuses_bad_input_naming_the_field(api, body, field):
    assert_error(api.simulate_post("/api/auth/register", json=body), 400, "invalid", field)


@pytest.mark.parametrize(
    "email, password",
    [(EMAIL, "wrong password!"), ("nobody@example.com", PASSWORD), ("not an email", PASSWORD)],
)
def test_wrong_credentials_are_a_401(api, email, password):
    register(api)
    result = api.simulate_post("/api/auth/login", json={"email": email, "password": password})
    assert_error(result, 401, "unauthenticated")


def test_me_needs_a_valid_token(api):
    token = register(api).json["token"]
    payload, signature = token.split(".")
    flipped = payload[:-1] + ("A" if payload[-1] != "A" else "B")
    for headers in (
        {},
        bearer(f"{flipped}.{signature}"),
        bearer(f"{payload}.{signature[:-2]}"),
        bearer("garbage"),
        {"Authorization": f"Basic {token}"},
    ):
        assert_error(api.simulate_get("/api/me", headers=headers), 401, "unauthenticated")


def test_a_token_expires(api, clock, deps):
    token = register(api).json["token"]
    clock.advance(seconds=deps.config.token_ttl_seconds - 1)
    assert api.simulate_get("/api/me", headers=bearer(token)).status_code == 200
    clock.advance(seconds=2)
    assert_error(api.simulate_get("/api/me", headers=bearer(token)), 401, "unauthenticated")


def test_a_password_change_revokes_earlier_tokens(api, deps):
    old_token = register(api).json["token"]
    with deps.uow() as uow:
        user = uow.users.get_by_email(EMAIL.lower())
        uow.users.update(attrs.evolve(user, password=deps.hasher.hash("new password 123")))
        uow.commit()
    assert_error(api.simulate_get("/api/me", headers=bearer(old_token)), 401, "unauthenticated")
    assert_error(
        api.simulate_post("/api/auth/login", json={"email": EMAIL, "password": PASSWORD}),
        401,
        "unauthenticated",
    )
    logged = api.simulate_post(
        "/api/auth/login", json={"email": EMAIL, "password": "new password 123"}
    )
    assert api.simulate_get("/api/me", headers=bearer(logged.json["token"])).status_code == 200


def test_admin_listings_never_show_passwords(api, actors):
    register(api)
    admin = actors.admin()
    listed = api.simulate_get("/api/admin/users", headers=admin)
    assert listed.status_code == 200 and listed.json["total"] == 2
    user_id = listed.json["data"][0]["id"]
    assert api.simulate_get(f"/api/admin/users/{user_id}", headers=admin).status_code == 200


# -- creatorflix create-admin ----------------------------------------------------------------


def test_create_admin_creates_then_promotes(database_file, capsys, config, clock):
    from domain.accounts.auth import register as register_user
    from domain.accounts.commands import Register
    from entrypoints.bootstrap import build_deps

    assert cli.main(["create-admin", "--email", "Boss@Example.com", "--password", PASSWORD]) == 0
    assert "created admin boss@example.com" in capsys.readouterr().out
    assert stored_user(database_file, "boss@example.com").role == "admin"

    deps = build_deps(config, clock=clock, database=database_file)
    register_user(deps.auth, Register(email="staff@example.com", password="first password"))
    assert stored_user(database_file, "staff@example.com").role == "user"
    assert (
        cli.main(["create-admin", "--email", "staff@example.com", "--password", "second password"])
        == 0
    )
    assert "promoted admin staff@example.com" in capsys.readouterr().out
    assert stored_user(database_file, "staff@example.com").role == "admin"

    api = CheckedClient(TestClient(create_app(deps)), deps.uow)
    # A promotion keeps the user's password (issue 13: `set-password` resets it).
    logged = api.simulate_post(
        "/api/auth/login", json={"email": "staff@example.com", "password": "first password"}
    )
    assert logged.status_code == 200 and logged.json["user"]["role"] == "admin"
    assert (
        api.simulate_get("/api/admin/users", headers=bearer(logged.json["token"])).json["total"]
        == 2
    )


def test_create_admin_refuses_a_weak_password(database_file, capsys):
    assert cli.main(["create-admin", "--email", "boss@example.com", "--password", "short"]) == 1
    assert "password" in capsys.readouterr().err
    assert stored_user(database_file, "boss@example.com") is None

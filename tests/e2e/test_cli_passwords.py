"""Issue 13, finding 8: `creatorflix set-password` resets a password without promoting
anyone; `create-admin` only creates or promotes (a promotion keeps the password)."""

from __future__ import annotations

import pytest
from falcon.testing import TestClient

from domain.accounts.auth import register as register_user
from domain.accounts.commands import Register
from entrypoints import cli
from entrypoints.bootstrap import build_deps
from entrypoints.http.app import create_app
from tests.support.cli_database import database_file, stored_user  # noqa: F401  (fixture)

FIRST, SECOND = "first password", "second password"


@pytest.fixture
def app(database_file, config, clock):  # noqa: F811
    deps = build_deps(config, clock=clock, database=database_file)
    register_user(deps.auth, Register(email="staff@example.com", password=FIRST))
    return TestClient(create_app(deps))


def logs_in(app, password: str, email: str = "staff@example.com") -> bool:
    answer = app.simulate_post("/api/auth/login", json={"email": email, "password": password})
    return answer.status_code == 200


def test_set_password_resets_without_promoting(app, database_file, capsys):  # noqa: F811
    assert cli.main(["set-password", "--email", "Staff@Example.com", "--password", SECOND]) == 0
    assert "password set for staff@example.com" in capsys.readouterr().out
    assert stored_user(database_file, "staff@example.com").role == "user"
    assert logs_in(app, SECOND) and not logs_in(app, FIRST)


def test_set_password_prompts_when_no_password_is_given(app, monkeypatch, capsys):
    answers = iter([SECOND, SECOND])
    monkeypatch.setattr("getpass.getpass", lambda prompt="": next(answers))
    assert cli.main(["set-password", "--email", "staff@example.com"]) == 0
    assert logs_in(app, SECOND)
    assert SECOND not in capsys.readouterr().out


def test_set_password_refuses_a_mismatch_a_weak_password_and_an_unknown_email(
    app, monkeypatch, capsys
):
    answers = iter([SECOND, "something else"])
    monkeypatch.setattr("getpass.getpass", lambda prompt="": next(answers))
    assert cli.main(["set-password", "--email", "staff@example.com"]) == 1
    assert "do not match" in capsys.readouterr().err
    assert cli.main(["set-password", "--email", "staff@example.com", "--password", "short"]) == 1
    assert "password" in capsys.readouterr().err
    assert cli.main(["set-password", "--email", "nobody@example.com", "--password", SECOND]) == 1
    assert "no account" in capsys.readouterr().err
    assert logs_in(app, FIRST)


def test_create_admin_promotes_and_keeps_the_password(app, database_file, capsys):  # noqa: F811
    assert cli.main(["create-admin", "--email", "staff@example.com"]) == 0
    out = capsys.readouterr().out
    assert "promoted admin staff@example.com" in out and "not changed" in out
    assert stored_user(database_file, "staff@example.com").role == "admin"
    assert logs_in(app, FIRST)
    # A password given for an existing account is not applied either.
    assert cli.main(["create-admin", "--email", "staff@example.com", "--password", SECOND]) == 0
    assert logs_in(app, FIRST) and not logs_in(app, SECOND)


def test_create_admin_prompts_for_the_password_of_a_new_account(
    app,
    database_file,  # noqa: F811
    monkeypatch,
):
    answers = iter([SECOND, SECOND])
    monkeypatch.setattr("getpass.getpass", lambda prompt="": next(answers))
    assert cli.main(["create-admin", "--email", "boss@example.com"]) == 0
    assert stored_user(database_file, "boss@example.com").role == "admin"
    assert logs_in(app, SECOND, "boss@example.com")

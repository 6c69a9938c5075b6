"""Issue 20, finding 8: an email-change link works once, dies when a newer change is
asked, and dies with logout-all and with a password change."""

from __future__ import annotations

import pytest

from domain.mail import messages as t
from tests.support.api import PASSWORD, assert_error, bearer, register
from tests.support.mailbox import Mailbox


@pytest.fixture
def mailbox(deps) -> Mailbox:
    return Mailbox(deps)


def ask(client, headers: dict, email: str) -> None:
    asked = client.simulate_post(
        "/api/me/email", headers=headers, json={"email": email, "password": PASSWORD}
    )
    assert asked.status_code == 202, asked.json


def confirm(client, token: str):
    return client.simulate_post("/api/auth/email-change/confirm", json={"token": token})


def link(mailbox: Mailbox, email: str) -> str:
    return mailbox.token(email, t.CHANGE_EMAIL, "/confirmar-email")


def test_a_link_works_once(client, mailbox):
    headers = bearer(register(client, "ana@example.com")["token"])
    ask(client, headers, "new@example.com")
    token = link(mailbox, "new@example.com")
    assert confirm(client, token).json["user"]["email"] == "new@example.com"
    assert_error(confirm(client, token), 400, "invalid", "token")


def test_an_older_link_dies_when_a_newer_change_is_asked(client, mailbox):
    headers = bearer(register(client, "ana@example.com")["token"])
    ask(client, headers, "first@example.com")
    older = link(mailbox, "first@example.com")
    ask(client, headers, "second@example.com")
    newer = link(mailbox, "second@example.com")
    assert_error(confirm(client, older), 400, "invalid", "token")
    assert confirm(client, newer).json["user"]["email"] == "second@example.com"
    # Nor does the older one switch the address back afterwards.
    assert_error(confirm(client, older), 400, "invalid", "token")
    me = client.simulate_get("/api/me", headers=headers).json["user"]
    assert me["email"] == "second@example.com" and "email_change" not in me


@pytest.mark.smoke
def test_logout_all_kills_pending_links(client, mailbox):
    headers = bearer(register(client, "ana@example.com")["token"])
    ask(client, headers, "new@example.com")
    token = link(mailbox, "new@example.com")
    assert client.simulate_post("/api/me/logout-all", headers=headers).status_code == 204
    assert_error(confirm(client, token), 400, "invalid", "token")


def test_a_password_change_kills_pending_links(client, mailbox):
    headers = bearer(register(client, "ana@example.com")["token"])
    ask(client, headers, "new@example.com")
    token = link(mailbox, "new@example.com")
    changed = client.simulate_post(
        "/api/me/password",
        headers=headers,
        json={"current_password": PASSWORD, "password": "another-password-2"},
    )
    assert changed.status_code == 200
    assert_error(confirm(client, token), 400, "invalid", "token")

"""The original platform's users log in with their passwords: the hashes Bun wrote
(argon2id with its default parameters, argon2i, bcrypt $2b$) and our own earlier scrypt
hashes verify, and a successful login leaves the account with our argon2id hash. The
token it gives is issued after that change, so it keeps working."""

from __future__ import annotations

import argon2
import attrs
import pytest

from adapters.security import ScryptPasswordHasher
from domain.accounts.auth import login
from domain.accounts.commands import Login
from domain.accounts.users import User
from domain.common.errors import Unauthenticated
from tests.support.api import assert_error
from tests.support.deps import FAST_HASHER
from tests.support.passwords import bun_argon2, bun_bcrypt

PASSWORD = "senha-do-original-1"
HASHES = {
    "bun-argon2id": lambda: bun_argon2(PASSWORD),
    "bun-argon2i": lambda: bun_argon2(PASSWORD, argon2.Type.I),
    "bun-bcrypt-2b": lambda: bun_bcrypt(PASSWORD, cost=10),  # Bun's default cost
    "our-scrypt": lambda: ScryptPasswordHasher().hash(PASSWORD),
}


def add_user(deps, email: str, hashed: str) -> User:
    with deps.uow() as uow:
        user = uow.users.add(User(id=None, email=email, password=hashed, name="Original"))
        uow.commit()
    return user


def stored_hash(deps, email: str) -> str:
    with deps.uow() as uow:
        return uow.users.get_by_email(email).password


def api_login(client, email: str, password: str = PASSWORD):
    return client.simulate_post("/api/auth/login", json={"email": email, "password": password})


@pytest.mark.smoke
@pytest.mark.parametrize("kind", list(HASHES))
def test_an_original_user_logs_in_and_then_holds_our_hash(client, deps, kind):
    original = HASHES[kind]()
    add_user(deps, "julia@example.com", original)

    assert_error(api_login(client, "julia@example.com", "senha-errada-9"), 401, "unauthenticated")
    assert stored_hash(deps, "julia@example.com") == original  # a failure changes nothing

    result = api_login(client, "JULIA@example.com")
    assert result.status_code == 200, result.json
    ours = stored_hash(deps, "julia@example.com")
    assert ours.startswith("$argon2id$") and not FAST_HASHER.needs_rehash(ours)
    me = client.simulate_get("/api/me", headers={"Authorization": f"Bearer {result.json['token']}"})
    assert me.status_code == 200 and me.json["user"]["email"] == "julia@example.com"

    again = api_login(client, "julia@example.com")  # now a plain login
    assert again.status_code == 200 and stored_hash(deps, "julia@example.com") == ours
    for token in (result.json["token"], again.json["token"]):
        assert (
            client.simulate_get("/api/me", headers={"Authorization": f"Bearer {token}"}).status_code
            == 200
        )


def test_unknown_emails_and_unusable_passwords_stay_refused(client, deps):
    add_user(deps, "buyer@example.com", "!unset:abc")
    for email in ("nobody@example.com", "buyer@example.com"):
        assert_error(api_login(client, email), 401, "unauthenticated")
    assert stored_hash(deps, "buyer@example.com") == "!unset:abc"


class ChangedMeanwhile:
    """A hasher whose new hash is made while the user's password is being changed
    elsewhere (set between the check of the old password and the rehash)."""

    def __init__(self, deps, email: str):
        self.deps, self.email = deps, email

    def verify(self, password: str, hashed: str) -> bool:
        return FAST_HASHER.verify(password, hashed)

    def needs_rehash(self, hashed: str) -> bool:
        return FAST_HASHER.needs_rehash(hashed)

    def hash(self, password: str) -> str:
        with self.deps.uow() as uow:
            user = uow.users.get_by_email(self.email)
            uow.users.update(attrs.evolve(user, password=FAST_HASHER.hash("a-newer-password")))
            uow.commit()
        return FAST_HASHER.hash(password)


def test_a_password_changed_during_the_rehash_is_kept_and_the_old_one_refused(deps):
    add_user(deps, "julia@example.com", HASHES["bun-argon2id"]())
    svc = attrs.evolve(deps.auth, hasher=ChangedMeanwhile(deps, "julia@example.com"))
    with pytest.raises(Unauthenticated):
        login(svc, Login(email="julia@example.com", password=PASSWORD))
    assert FAST_HASHER.verify("a-newer-password", stored_hash(deps, "julia@example.com"))

"""Password hashes: ours are argon2id with OWASP's parameters; the hashes the original
platform's Bun.password wrote (argon2id by default, argon2i, bcrypt) and our earlier
scrypt hashes verify, and all of them but ours ask to be rehashed."""

from __future__ import annotations

import argon2
import pytest

from adapters.security import Argon2PasswordHasher, ScryptPasswordHasher
from domain.accounts import auth
from tests.support.passwords import bun_argon2, bun_bcrypt

PASSWORD = "senha-da-julia-1"
OURS = Argon2PasswordHasher()
CHEAP = Argon2PasswordHasher(memory_cost=8, time_cost=1)  # what the tests use


def test_new_hashes_are_argon2id_with_owasps_parameters():
    hashed = OURS.hash(PASSWORD)
    assert hashed.startswith("$argon2id$v=19$m=19456,t=2,p=1$")
    assert OURS.verify(PASSWORD, hashed) and not OURS.verify(PASSWORD + "x", hashed)
    assert not OURS.needs_rehash(hashed)
    assert OURS.hash(PASSWORD) != hashed  # salted


@pytest.mark.parametrize(
    "make",
    [
        pytest.param(lambda pw: bun_argon2(pw), id="bun-argon2id"),
        pytest.param(lambda pw: bun_argon2(pw, argon2.Type.I), id="bun-argon2i"),
        pytest.param(lambda pw: bun_argon2(pw, argon2.Type.D), id="bun-argon2d"),
        pytest.param(lambda pw: bun_bcrypt(pw), id="bcrypt-2b"),
        pytest.param(lambda pw: bun_bcrypt(pw, b"$2a$"), id="bcrypt-2a"),
        pytest.param(lambda pw: bun_bcrypt(pw, b"$2y$"), id="bcrypt-2y"),
        pytest.param(lambda pw: ScryptPasswordHasher().hash(pw), id="our-scrypt"),
        pytest.param(lambda pw: ScryptPasswordHasher(n=2**8).hash(pw), id="cheap-scrypt"),
        pytest.param(lambda pw: CHEAP.hash(pw), id="other-argon2id-parameters"),
    ],
)
def test_the_original_and_older_hashes_verify_and_ask_for_a_rehash(make):
    hashed = make(PASSWORD)
    assert OURS.verify(PASSWORD, hashed)
    assert not OURS.verify("senha-errada-123", hashed)
    assert OURS.needs_rehash(hashed)


def test_bcrypt_of_a_password_over_72_bytes_is_of_its_sha512_digest():
    long_password = "ç" * 50  # 100 bytes in UTF-8
    hashed = bun_bcrypt(long_password)
    assert OURS.verify(long_password, hashed)
    assert not OURS.verify("ç" * 36, hashed)  # its first 72 bytes are not it


@pytest.mark.parametrize(
    "hashed",
    [
        "",
        "plain-text-password",
        "!unset:abc",
        "$argon2id$",
        "$argon2id$v=19$m=8,t=1,p=1$x$y",
        "$argon2id$v=19$m=19456,t=2,p=1$AAAA",
        "$2b$04$short",
        "$2b$99$" + "a" * 53,
        "scrypt$x$8$1$salt$digest",
        "scrypt$16384$8$1$@@$@@",
        "$1$md5$crypt",
        "$argon9$x",
    ],
)
def test_anything_else_is_a_mismatch_never_an_error(hashed):
    assert OURS.verify(PASSWORD, hashed) is False
    assert OURS.needs_rehash(hashed) is True


def test_cheap_parameters_are_for_tests_and_our_hashes_are_kept_apart():
    cheap = CHEAP.hash(PASSWORD)
    assert cheap.startswith("$argon2id$v=19$m=8,t=1,p=1$") and not CHEAP.needs_rehash(cheap)
    assert CHEAP.needs_rehash(OURS.hash(PASSWORD))  # other parameters: rehashed too
    assert "19456" in repr(OURS)


def test_the_dummy_hash_of_unknown_emails_costs_what_a_real_one_does():
    """login verifies it for emails without an account: same algorithm, same cost."""
    assert not OURS.needs_rehash(auth._DUMMY_HASH)
    assert OURS.verify(PASSWORD, auth._DUMMY_HASH) is False


def test_scrypt_hashes_know_their_own_parameters():
    hasher = ScryptPasswordHasher(n=2**8)
    assert not hasher.needs_rehash(hasher.hash(PASSWORD))
    assert hasher.needs_rehash(ScryptPasswordHasher().hash(PASSWORD))
    assert hasher.needs_rehash(OURS.hash(PASSWORD))

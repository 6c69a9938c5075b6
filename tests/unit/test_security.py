from __future__ import annotations

from adapters.clock import FakeClock
from adapters.security import HmacTokenSigner, ScryptPasswordHasher

HASHER = ScryptPasswordHasher(n=2 ** 8)


def test_password_hash_is_salted_and_verifies():
    first, second = HASHER.hash("correct horse"), HASHER.hash("correct horse")
    assert first != second and "correct horse" not in first
    assert first.startswith("scrypt$256$8$1$")
    assert HASHER.verify("correct horse", first)
    assert not HASHER.verify("wrong horse", first)
    assert not HASHER.verify("correct horse", "garbage")


def test_default_cost_is_slow_on_purpose():
    assert ScryptPasswordHasher().n >= 2 ** 14


def test_tokens_carry_claims_until_they_expire():
    clock = FakeClock()
    signer = HmacTokenSigner("s" * 40, clock)
    token = signer.sign("access", {"sub": 7}, ttl_seconds=60)
    assert signer.verify("access", token)["sub"] == 7
    assert signer.verify("set_password", token) is None
    clock.advance(seconds=61)
    assert signer.verify("access", token) is None


def test_tampered_or_foreign_tokens_are_refused():
    clock = FakeClock()
    signer = HmacTokenSigner("s" * 40, clock)
    token = signer.sign("access", {"sub": 7}, ttl_seconds=60)
    payload, mac = token.split(".")
    assert signer.verify("access", payload + "." + mac[:-2] + ("AA" if mac[-2:] != "AA" else "BB")) is None
    assert signer.verify("access", payload[:-1] + "." + mac) is None
    assert HmacTokenSigner("t" * 40, clock).verify("access", token) is None
    assert signer.verify("access", "not-a-token") is None
    assert signer.sign("access", {"sub": 7}, 60) != signer.sign("access", {"sub": 7}, 60)


def test_tokens_with_non_ascii_characters_are_refused_not_crashed_on():
    signer = HmacTokenSigner("s" * 40, FakeClock())
    for token in ("é.x", "a.é", "\ud800.x", "é"):
        assert signer.verify("access", token) is None

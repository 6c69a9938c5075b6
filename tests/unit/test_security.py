"""Password hashing, and the one signer: expiring tokens and digests, one key per
purpose, and the values signed before it still accepted."""

from __future__ import annotations

import base64
import hashlib
import hmac
import itertools
import json
from datetime import UTC

import pytest

from adapters.clock import FakeClock
from adapters.security import HmacSigner, ScryptPasswordHasher
from ports.security import (
    ACCESS,
    AD_CLICK,
    CHECKOUT,
    DIGEST_PURPOSES,
    MEDIA,
    SET_PASSWORD,
    TOKEN_PURPOSES,
    WEBHOOK,
)

HASHER = ScryptPasswordHasher(n=2**8)
SECRET = "s" * 40


def test_password_hash_is_salted_and_verifies():
    first, second = HASHER.hash("correct horse"), HASHER.hash("correct horse")
    assert first != second and "correct horse" not in first
    assert first.startswith("scrypt$256$8$1$")
    assert HASHER.verify("correct horse", first)
    assert not HASHER.verify("wrong horse", first)
    assert not HASHER.verify("correct horse", "garbage")


def test_default_cost_is_slow_on_purpose():
    assert ScryptPasswordHasher().n >= 2**14


def b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def mac_token(key: bytes, claims: dict) -> str:
    """A token as the signer lays them out, MACed under `key`."""
    payload = b64(json.dumps(claims, separators=(",", ":"), sort_keys=True).encode())
    return f"{payload}.{b64(hmac.new(key, payload.encode(), hashlib.sha256).digest())}"


# -- tokens ----------------------------------------------------------------------------
def test_tokens_carry_claims_until_they_expire():
    clock = FakeClock()
    signer = HmacSigner(SECRET, clock)
    token = signer.sign(ACCESS, {"sub": 7}, ttl_seconds=60)
    assert signer.verify(ACCESS, token)["sub"] == 7
    clock.advance(seconds=59)
    assert signer.verify(ACCESS, token)["sub"] == 7
    clock.advance(seconds=1)
    assert signer.verify(ACCESS, token) is None


@pytest.mark.parametrize(
    "signed_for,checked_for", list(itertools.permutations(sorted(TOKEN_PURPOSES), 2))
)
def test_a_token_verifies_for_its_purpose_only(signed_for, checked_for):
    signer = HmacSigner(SECRET, FakeClock())
    token = signer.sign(signed_for, {"sub": 7}, 60)
    assert signer.verify(signed_for, token)["sub"] == 7
    assert signer.verify(checked_for, token) is None


def test_each_token_purpose_has_its_own_key():
    # Claims naming another purpose, MACed under the access key (derived as documented),
    # are refused: the purpose is in the key, not only in the claims.
    clock = FakeClock()
    signer = HmacSigner(SECRET, clock)
    access_key = hashlib.sha256(b"creatorflix-access:" + SECRET.encode()).digest()
    claims = {"sub": 7, "exp": 10**11, "nonce": "n"}
    assert signer.verify(ACCESS, mac_token(access_key, {**claims, "pur": ACCESS}))["sub"] == 7
    for purpose in (SET_PASSWORD, CHECKOUT):
        assert signer.verify(purpose, mac_token(access_key, {**claims, "pur": purpose})) is None


def test_tokens_signed_before_the_per_purpose_keys_still_verify():
    """No one is logged out by the upgrade: tokens made with the former single token key
    verify until they expire, for the purpose their claims name only."""
    clock = FakeClock()
    signer = HmacSigner(SECRET, clock)
    former_key = hashlib.sha256(b"creatorflix-token:" + SECRET.encode()).digest()
    now = int(clock.now().replace(tzinfo=UTC).timestamp())  # naive UTC
    former = mac_token(
        former_key,
        {"sub": 7, "pv": "abc", "pur": ACCESS, "exp": now + 60, "nonce": "AAAAAAAAAAAAAAAAAAAAAA"},
    )
    assert signer.verify(ACCESS, former) == {
        "sub": 7,
        "pv": "abc",
        "pur": ACCESS,
        "exp": now + 60,
        "nonce": "AAAAAAAAAAAAAAAAAAAAAA",
    }
    assert signer.verify(SET_PASSWORD, former) is None
    assert signer.verify(CHECKOUT, former) is None
    clock.advance(seconds=60)
    assert signer.verify(ACCESS, former) is None
    # ...and none are made any more.
    new = signer.sign(ACCESS, {"sub": 7}, 60)
    payload, mac = new.split(".")
    assert mac != b64(hmac.new(former_key, payload.encode(), hashlib.sha256).digest())


def test_tampered_or_foreign_tokens_are_refused():
    clock = FakeClock()
    signer = HmacSigner(SECRET, clock)
    token = signer.sign(ACCESS, {"sub": 7}, ttl_seconds=60)
    payload, mac = token.split(".")
    assert (
        signer.verify(ACCESS, payload + "." + mac[:-2] + ("AA" if mac[-2:] != "AA" else "BB"))
        is None
    )
    assert signer.verify(ACCESS, payload[:-1] + "." + mac) is None
    assert HmacSigner("t" * 40, clock).verify(ACCESS, token) is None
    assert signer.verify(ACCESS, "not-a-token") is None
    assert signer.verify(ACCESS, token + "." + mac) is None
    assert signer.sign(ACCESS, {"sub": 7}, 60) != signer.sign(ACCESS, {"sub": 7}, 60)


def test_tokens_with_non_ascii_characters_are_refused_not_crashed_on():
    signer = HmacSigner(SECRET, FakeClock())
    for token in (
        "é.x",
        "a.é",
        "\ud800.x",
        "é",
        "\udcff.\udcff",
        None,
        7,
        b"a.b",
        "a" * 4096 + ".b",
        "!!!.???",
        ".",
    ):
        assert signer.verify(ACCESS, token) is None


def test_tokens_longer_than_4096_characters_are_refused():
    signer = HmacSigner(SECRET, FakeClock())
    token = signer.sign(ACCESS, {"pad": "x" * 2900}, 60)
    assert len(token) <= 4096 and signer.verify(ACCESS, token)["pad"] == "x" * 2900
    long = signer.sign(ACCESS, {"pad": "x" * 3200}, 60)
    assert len(long) > 4096 and signer.verify(ACCESS, long) is None


# -- digests ---------------------------------------------------------------------------
def test_digests_are_deterministic_url_safe_and_per_secret():
    signer = HmacSigner(SECRET, FakeClock())
    for purpose in DIGEST_PURPOSES:
        digest = signer.digest(purpose, "a message")
        assert digest == signer.digest(purpose, "a message") != signer.digest(purpose, "other")
        assert digest.isascii() and all(c.isalnum() or c in "-_" for c in digest)
        assert signer.check(purpose, "a message", digest)
        assert not signer.check(purpose, "a message ", digest)
        assert HmacSigner("t" * 40, FakeClock()).digest(purpose, "a message") != digest


def test_a_digest_checks_for_its_purpose_only():
    signer = HmacSigner(SECRET, FakeClock())
    for signed_for, checked_for in itertools.permutations(sorted(DIGEST_PURPOSES), 2):
        assert signer.digest(signed_for, "junglepay") != signer.digest(checked_for, "junglepay")
        assert not signer.check(checked_for, "junglepay", signer.digest(signed_for, "junglepay"))


def test_ad_click_digests_have_their_own_derived_key():
    """The serve tokens of ad click URLs (domain.ads.click_tokens)."""
    key = hashlib.sha256(b"creatorflix-ad_click:" + SECRET.encode()).digest()
    expected = b64(hmac.new(key, b"7:home_top:1773144000", hashlib.sha256).digest())
    signer = HmacSigner(SECRET, FakeClock())
    assert signer.digest(AD_CLICK, "7:home_top:1773144000") == expected
    assert signer.check(AD_CLICK, "7:home_top:1773144000", expected)


def test_webhook_tokens_are_byte_for_byte_those_of_the_postback_urls_given_out():
    """Operators pasted postback URLs carrying these tokens into the gateways' dashboards."""
    for secret in (SECRET, "an-operator's secret key, 32+ chars: é ü ✓"):
        signer = HmacSigner(secret, FakeClock())
        for gateway in ("junglepay", "dias", "sandbox"):
            pasted = hmac.new(
                secret.encode(), f"postback:{gateway}".encode(), hashlib.sha256
            ).hexdigest()
            assert signer.digest(WEBHOOK, gateway) == pasted
            assert signer.check(WEBHOOK, gateway, pasted)
    # Pinned: a URL given out with the secret "s" * 40.
    assert (
        HmacSigner(SECRET, FakeClock()).digest(WEBHOOK, "junglepay")
        == "c7430846a741af8ab9fca680045b5d06e6eedddfc0baf17ca426121155f05339"
    )


def test_media_digests_are_those_of_the_links_signed_before():
    signer = HmacSigner(SECRET, FakeClock())
    media_key = hashlib.sha256(b"creatorflix-media:" + SECRET.encode()).digest()
    for message in ("1700000060\nana/post 1/é.jpg", "1700000060\nbad-\udcff.jpg"):
        before = b64(
            hmac.new(media_key, message.encode("utf-8", "surrogateescape"), hashlib.sha256).digest()
        )
        assert signer.digest(MEDIA, message) == before


@pytest.mark.parametrize(
    "candidate", [None, "", 7, b"abc", "é" * 43, "\udcff", "x" * 10_000, "\u0661\u0662"]
)
def test_whatever_a_client_sends_as_a_digest_is_a_plain_false(candidate):
    signer = HmacSigner(SECRET, FakeClock())
    for purpose in DIGEST_PURPOSES:
        assert signer.check(purpose, "message", candidate) is False


def test_unencodable_or_foreign_messages_are_a_plain_false():
    signer = HmacSigner(SECRET, FakeClock())
    digest = signer.digest(MEDIA, "message")
    for message in ("\ud800", None, b"message"):
        assert signer.check(MEDIA, message, digest) is False


# -- misuse ----------------------------------------------------------------------------
def test_purposes_are_used_within_their_family_only():
    signer = HmacSigner(SECRET, FakeClock())
    assert not TOKEN_PURPOSES & DIGEST_PURPOSES
    for purpose in DIGEST_PURPOSES | {"token", "nope"}:
        with pytest.raises(ValueError):
            signer.sign(purpose, {}, 60)
        with pytest.raises(ValueError):
            signer.verify(purpose, "a.b")
    for purpose in TOKEN_PURPOSES | {"token", "nope"}:
        with pytest.raises(ValueError):
            signer.digest(purpose, "m")
        with pytest.raises(ValueError):
            signer.check(purpose, "m", "x")


def test_the_secret_key_is_long_and_never_shown():
    with pytest.raises(ValueError):
        HmacSigner("s" * 31, FakeClock())
    assert SECRET not in repr(HmacSigner(SECRET, FakeClock()))

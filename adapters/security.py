"""Password hashing (argon2id; the hashes the original platform and our earlier releases
wrote are still verified) and the HMAC-SHA256 signer: the only code that signs or checks
what we hand out (tokens, media links, postback tokens)."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import secrets
from collections.abc import Callable, Mapping
from datetime import UTC
from typing import Any

import argon2
import bcrypt
from argon2.exceptions import Argon2Error

from ports.clock import Clock
from ports.security import AD_CLICK, MEDIA, TOKEN_PURPOSES, WEBHOOK


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


class ScryptPasswordHasher:
    """scrypt with a random 16-byte salt; the hash records its parameters, so the cost
    can be raised later without invalidating stored hashes."""

    def __init__(self, n: int = 2**14, r: int = 8, p: int = 1):
        self.n, self.r, self.p = n, r, p

    def hash(self, password: str) -> str:
        salt = secrets.token_bytes(16)
        digest = hashlib.scrypt(
            password.encode(),
            salt=salt,
            n=self.n,
            r=self.r,
            p=self.p,
            dklen=32,
            maxmem=256 * 1024 * 1024,
        )
        return f"scrypt${self.n}${self.r}${self.p}${_b64(salt)}${_b64(digest)}"

    def verify(self, password: str, hashed: str) -> bool:
        try:
            scheme, n, r, p, salt, digest = hashed.split("$")
            if scheme != "scrypt":
                return False
            expected = _unb64(digest)
            actual = hashlib.scrypt(
                password.encode(),
                salt=_unb64(salt),
                n=int(n),
                r=int(r),
                p=int(p),
                dklen=len(expected),
                maxmem=256 * 1024 * 1024,
            )
        except (ValueError, TypeError):
            return False
        return hmac.compare_digest(actual, expected)

    def needs_rehash(self, hashed: str) -> bool:
        return not hashed.startswith(f"scrypt${self.n}${self.r}${self.p}$")


# OWASP's password storage cheat sheet: argon2id, 19 MiB, 2 iterations, 1 lane.
OWASP_MEMORY_KIB, OWASP_TIME_COST, OWASP_PARALLELISM = 19456, 2, 1
BCRYPT_PREFIXES = ("$2a$", "$2b$", "$2y$")
_BCRYPT_MAX_BYTES = 72


class Argon2PasswordHasher:
    """New hashes are argon2id PHC strings with OWASP's parameters (cheaper ones for
    tests, through the constructor). Verifies, besides ours:
    - what the original platform's Bun.password wrote: argon2id (its default,
      m=65536,t=2,p=1), argon2i, argon2d, and bcrypt MCF ($2a$/$2b$/$2y$) — Bun gives
      bcrypt the SHA-512 digest of a password longer than 72 bytes, so do we;
    - scrypt hashes of our earlier releases (ScryptPasswordHasher).
    `needs_rehash` is true for every hash but argon2id with these very parameters."""

    def __init__(
        self,
        memory_cost: int = OWASP_MEMORY_KIB,
        time_cost: int = OWASP_TIME_COST,
        parallelism: int = OWASP_PARALLELISM,
    ):
        self._argon2 = argon2.PasswordHasher(
            time_cost=time_cost,
            memory_cost=memory_cost,
            parallelism=parallelism,
            hash_len=32,
            salt_len=16,
            type=argon2.Type.ID,
        )
        self._scrypt = ScryptPasswordHasher()  # parameters are read from each hash

    def __repr__(self) -> str:
        p = self._argon2
        return (
            f"Argon2PasswordHasher(memory_cost={p.memory_cost}, "
            f"time_cost={p.time_cost}, parallelism={p.parallelism})"
        )

    def hash(self, password: str) -> str:
        return self._argon2.hash(password)

    def verify(self, password: str, hashed: str) -> bool:
        if not isinstance(hashed, str):
            return False
        try:
            if hashed.startswith("$argon2"):
                # argon2-cffi reads the variant and the parameters from the hash.
                return self._argon2.verify(hashed, password)
            if hashed.startswith(BCRYPT_PREFIXES):
                secret = password.encode("utf-8")
                if len(secret) > _BCRYPT_MAX_BYTES:
                    secret = hashlib.sha512(secret).digest()
                return bcrypt.checkpw(secret, hashed.encode("ascii"))
            if hashed.startswith("scrypt$"):
                return self._scrypt.verify(password, hashed)
        except (Argon2Error, ValueError, TypeError):  # a mismatch, or a malformed hash
            return False
        return False

    def needs_rehash(self, hashed: str) -> bool:
        if not hashed.startswith("$argon2id$"):
            return True
        try:
            return self._argon2.check_needs_rehash(hashed)
        except (Argon2Error, ValueError):
            return True


def _epoch(clock: Clock) -> int:
    # The clock gives naive UTC; .timestamp() alone would read it as local time.
    return int(clock.now().replace(tzinfo=UTC).timestamp())


def _derived_key(secret: bytes, label: str) -> bytes:
    """The key of one purpose: sha256("creatorflix-<label>:" + secret). Labels hold no
    ':', so no two labels give the same input."""
    return hashlib.sha256(b"creatorflix-" + label.encode("ascii") + b":" + secret).digest()


def purpose_key(secret_key: str, label: str) -> bytes:
    """The 32-byte key of one purpose outside the signer (the Fernet key of secrets at
    rest, adapters.secret_box), derived as every signer key is."""
    return _derived_key(secret_key.encode(), label)


def _hmac(key: bytes, message: bytes) -> bytes:
    return hmac.new(key, message, hashlib.sha256).digest()


MAX_TOKEN_LENGTH = 4096


class HmacSigner:
    """The Signer (ports.security) on HMAC-SHA256, one key per purpose.

    Tokens `<payload>.<signature>`: base64url JSON claims (with purpose, expiry and a
    128-bit nonce) and their base64url HMAC under the purpose's key
    sha256("creatorflix-<purpose>:" + secret).

    Digests, kept byte-for-byte as the releases before this signer made them:
    - media: base64url HMAC of the message under sha256("creatorflix-media:" + secret),
      so media links signed before an upgrade stay valid until they expire;
    - webhook: hex HMAC of "postback:" + message under the secret key itself — the
      tokens of the postback URLs operators pasted into the gateways' dashboards.
      No other purpose uses the raw secret as its key;
    - ad_click: base64url HMAC of the message under sha256("creatorflix-ad_click:" +
      secret) (the serve tokens of ad click URLs, domain.ads.click_tokens).

    Tokens signed before keys were split by purpose (one key,
    sha256("creatorflix-token:" + secret), the purpose only in the claims) are still
    accepted for the purpose their claims name, so nobody is logged out by the
    upgrade; none are made any more (they all expire within the longest token TTL,
    after which `_legacy_token_key` can go)."""

    def __init__(self, secret_key: str, clock: Clock):
        if len(secret_key) < 32:
            raise ValueError("the secret key must have at least 32 characters")
        secret = secret_key.encode()
        self._clock = clock
        self._token_keys = {purpose: _derived_key(secret, purpose) for purpose in TOKEN_PURPOSES}
        self._legacy_token_key = _derived_key(secret, "token")
        # purpose -> (key, prefix of the message, text of the MAC)
        self._digests: dict[str, tuple[bytes, bytes, Callable[[bytes], str]]] = {
            MEDIA: (_derived_key(secret, MEDIA), b"", _b64),
            WEBHOOK: (secret, b"postback:", bytes.hex),
            AD_CLICK: (_derived_key(secret, AD_CLICK), b"", _b64),
        }

    def __repr__(self) -> str:
        return "HmacSigner(<secret>)"

    # -- expiring claims tokens ------------------------------------------------------
    def _token_key(self, purpose: str) -> bytes:
        try:
            return self._token_keys[purpose]
        except KeyError:
            raise ValueError(f"{purpose!r} is not a token purpose") from None

    def sign(self, purpose: str, claims: Mapping[str, Any], ttl_seconds: int) -> str:
        key = self._token_key(purpose)
        now = _epoch(self._clock)
        body = {
            **claims,
            "pur": purpose,
            "exp": now + ttl_seconds,
            "nonce": _b64(secrets.token_bytes(16)),
        }
        payload = _b64(json.dumps(body, separators=(",", ":"), sort_keys=True).encode())
        return f"{payload}.{_b64(_hmac(key, payload.encode('ascii')))}"

    def verify(self, purpose: str, token: str) -> dict[str, Any] | None:
        key = self._token_key(purpose)
        if (
            not isinstance(token, str)
            or not token.isascii()
            or token.count(".") != 1
            or len(token) > MAX_TOKEN_LENGTH
        ):
            return None
        payload, signature = token.split(".")
        signed = payload.encode("ascii")
        if not hmac.compare_digest(_b64(_hmac(key, signed)), signature) and not hmac.compare_digest(
            _b64(_hmac(self._legacy_token_key, signed)), signature
        ):
            return None
        try:
            claims = json.loads(_unb64(payload))
        except (ValueError, UnicodeDecodeError):
            return None
        # The claims name the purpose too: what makes a legacy token single-purpose.
        if not isinstance(claims, dict) or claims.get("pur") != purpose:
            return None
        exp = claims.get("exp")
        if not isinstance(exp, int) or exp <= _epoch(self._clock):
            return None
        return claims

    # -- deterministic digests -------------------------------------------------------
    def digest(self, purpose: str, message: str) -> str:
        try:
            key, prefix, text = self._digests[purpose]
        except KeyError:
            raise ValueError(f"{purpose!r} is not a digest purpose") from None
        # surrogateescape: file names that are not UTF-8 sign as their very bytes.
        return text(_hmac(key, prefix + message.encode("utf-8", "surrogateescape")))

    def check(self, purpose: str, message: str, candidate: object) -> bool:
        if purpose not in self._digests:
            raise ValueError(f"{purpose!r} is not a digest purpose")
        # compare_digest takes ASCII text only: anything else is simply wrong.
        if (
            not isinstance(message, str)
            or not isinstance(candidate, str)
            or not candidate.isascii()
            or len(candidate) > MAX_TOKEN_LENGTH
        ):
            return False
        try:
            expected = self.digest(purpose, message)
        except UnicodeEncodeError:
            return False
        return hmac.compare_digest(expected, candidate)

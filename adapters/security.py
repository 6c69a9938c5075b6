"""Password hashing (stdlib scrypt) and HMAC-signed expiring tokens."""
from __future__ import annotations

import base64
import hashlib
import hmac
import json
import secrets
from datetime import timezone
from typing import Any, Mapping

from ports.clock import Clock


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


class ScryptPasswordHasher:
    """scrypt with a random 16-byte salt; the hash records its parameters, so the cost
    can be raised later without invalidating stored hashes."""

    def __init__(self, n: int = 2 ** 14, r: int = 8, p: int = 1):
        self.n, self.r, self.p = n, r, p

    def hash(self, password: str) -> str:
        salt = secrets.token_bytes(16)
        digest = hashlib.scrypt(password.encode(), salt=salt, n=self.n, r=self.r, p=self.p,
                                dklen=32, maxmem=256 * 1024 * 1024)
        return f"scrypt${self.n}${self.r}${self.p}${_b64(salt)}${_b64(digest)}"

    def verify(self, password: str, hashed: str) -> bool:
        try:
            scheme, n, r, p, salt, digest = hashed.split("$")
            if scheme != "scrypt":
                return False
            expected = _unb64(digest)
            actual = hashlib.scrypt(password.encode(), salt=_unb64(salt), n=int(n), r=int(r),
                                    p=int(p), dklen=len(expected), maxmem=256 * 1024 * 1024)
        except (ValueError, TypeError):
            return False
        return hmac.compare_digest(actual, expected)


def _epoch(clock: Clock) -> int:
    # The clock gives naive UTC; .timestamp() alone would read it as local time.
    return int(clock.now().replace(tzinfo=timezone.utc).timestamp())


class HmacTokenSigner:
    """Tokens `<payload>.<signature>`: base64url JSON claims (with purpose, expiry and a
    128-bit nonce) and their HMAC-SHA256 under the secret key."""

    def __init__(self, secret_key: str, clock: Clock):
        if len(secret_key) < 32:
            raise ValueError("the secret key must have at least 32 characters")
        self._key = hashlib.sha256(b"creatorflix-token:" + secret_key.encode()).digest()
        self._clock = clock

    def _mac(self, payload: str) -> str:
        return _b64(hmac.new(self._key, payload.encode("ascii"), hashlib.sha256).digest())

    def sign(self, purpose: str, claims: Mapping[str, Any], ttl_seconds: int) -> str:
        now = _epoch(self._clock)
        body = {**claims, "pur": purpose, "exp": now + ttl_seconds,
                "nonce": _b64(secrets.token_bytes(16))}
        payload = _b64(json.dumps(body, separators=(",", ":"), sort_keys=True).encode())
        return f"{payload}.{self._mac(payload)}"

    def verify(self, purpose: str, token: str) -> dict[str, Any] | None:
        if not isinstance(token, str) or not token.isascii() or token.count(".") != 1 \
                or len(token) > 4096:
            return None
        payload, signature = token.split(".")
        if not hmac.compare_digest(self._mac(payload), signature):
            return None
        try:
            claims = json.loads(_unb64(payload))
        except (ValueError, UnicodeDecodeError):
            return None
        if not isinstance(claims, dict) or claims.get("pur") != purpose:
            return None
        exp = claims.get("exp")
        if not isinstance(exp, int) or exp <= _epoch(self._clock):
            return None
        return claims

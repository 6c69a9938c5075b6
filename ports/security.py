"""Password hashing and signed tokens."""
from __future__ import annotations

from typing import Any, Mapping, Protocol


class PasswordHasher(Protocol):
    def hash(self, password: str) -> str:
        """A salted, slow hash of the password, self-describing (algorithm, parameters)."""

    def verify(self, password: str, hashed: str) -> bool:
        """True when the password matches the hash; constant-time."""


class TokenSigner(Protocol):
    def sign(self, purpose: str, claims: Mapping[str, Any], ttl_seconds: int) -> str:
        """A token carrying `claims` for `purpose`, valid for `ttl_seconds`."""

    def verify(self, purpose: str, token: str) -> dict[str, Any] | None:
        """The claims when the token is intact, unexpired and for `purpose`; else None."""

"""Password hashing, and the one signer of every value we hand out and later trust back
(bearer and checkout tokens, set-password links, signed media links, postback tokens).

Every signed value is made for one purpose, and each purpose has its own key derived
from the secret key: what is signed for one purpose never verifies for another."""
from __future__ import annotations

from typing import Any, Literal, Mapping, Protocol

# Expiring claims tokens (Signer.sign / Signer.verify).
ACCESS = "access"                # bearer tokens of logged-in users
SET_PASSWORD = "set_password"    # the link that lets a buyer choose their password
CHECKOUT = "checkout"            # the buyer's access to their checkout
# Deterministic MACs of a message (Signer.digest / Signer.check).
MEDIA = "media"                  # signed links to the local folder's media
WEBHOOK = "webhook"              # the token in our postback URLs, per gateway

TokenPurpose = Literal["access", "set_password", "checkout"]
DigestPurpose = Literal["media", "webhook"]
TOKEN_PURPOSES: frozenset[str] = frozenset({ACCESS, SET_PASSWORD, CHECKOUT})
DIGEST_PURPOSES: frozenset[str] = frozenset({MEDIA, WEBHOOK})


class PasswordHasher(Protocol):
    def hash(self, password: str) -> str:
        """A salted, slow hash of the password, self-describing (algorithm, parameters)."""

    def verify(self, password: str, hashed: str) -> bool:
        """True when the password matches the hash; constant-time."""


class Signer(Protocol):
    """Signs and checks values for a purpose. Token purposes (TOKEN_PURPOSES) and digest
    purposes (DIGEST_PURPOSES) are disjoint; a purpose outside its family is a
    programming error (ValueError), never something a client can cause. Whatever a
    client sends as a token or a candidate digest is answered None/False, never an
    exception."""

    def sign(self, purpose: TokenPurpose | str, claims: Mapping[str, Any],
             ttl_seconds: int) -> str:
        """An opaque URL-safe ASCII token carrying `claims` (JSON values) for `purpose`,
        valid for `ttl_seconds` from now; two calls never give the same token."""

    def verify(self, purpose: TokenPurpose | str, token: str) -> dict[str, Any] | None:
        """The claims of `token` when it is intact, unexpired and was signed for
        `purpose`; None for anything else (foreign, tampered, expired, made for another
        purpose, too long, not ASCII, not even a string)."""

    def digest(self, purpose: DigestPurpose | str, message: str) -> str:
        """The MAC of `message` for `purpose`: deterministic (the same message always
        gives the same text), URL-safe ASCII, without expiry (put one in the message
        when needed)."""

    def check(self, purpose: DigestPurpose | str, message: str, candidate: object) -> bool:
        """Whether `candidate` is `digest(purpose, message)`, compared in constant time.
        Anything else a client can send (None, non-ASCII or malformed text, a message
        that cannot be encoded) is a plain False."""

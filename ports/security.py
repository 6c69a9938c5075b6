"""Password hashing, and the one signer of every value we hand out and later trust back
(bearer and checkout tokens, set-password links, signed media links, postback tokens,
the serve tokens of ad click URLs).

Every signed value is made for one purpose, and each purpose has its own key derived
from the secret key: what is signed for one purpose never verifies for another."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Literal, Protocol

# Expiring claims tokens (Signer.sign / Signer.verify).
ACCESS = "access"  # bearer tokens of logged-in users
SET_PASSWORD = "set_password"  # the link that lets a buyer choose their password
CHECKOUT = "checkout"  # the buyer's access to their checkout
AGE_ASSURANCE = "age_assurance"  # proof that a visitor (or account) passed an age check
AGE_OIDC = "age_oidc"  # state, nonce and PKCE verifier of an OIDC age check
RESET_PASSWORD = "reset_password"  # the single-use link of a forgotten-password mail
VERIFY_EMAIL = "verify_email"  # the link confirming the email of a new account
CHANGE_EMAIL = "change_email"  # the link, sent to the new address, that confirms it
RENEWAL = "renewal"  # a renewal mail's link: fills the checkout with the member's data
DEVICE = "device"  # a browser's device cookie: it logged in to this account
CLAIM_CHECKOUT = "claim_checkout"  # a paid checkout's link to the (unverified) account of its email
# Deterministic MACs of a message (Signer.digest / Signer.check).
MEDIA = "media"  # signed links to the local folder's media
WEBHOOK = "webhook"  # the token in our postback URLs, per gateway
AD_CLICK = "ad_click"  # serve tokens of ad click URLs (bound to ad, placement, expiry)

TokenPurpose = Literal[
    "access",
    "set_password",
    "checkout",
    "age_assurance",
    "age_oidc",
    "reset_password",
    "verify_email",
    "change_email",
    "renewal",
    "device",
    "claim_checkout",
]
DigestPurpose = Literal["media", "webhook", "ad_click"]
TOKEN_PURPOSES: frozenset[str] = frozenset(
    {
        ACCESS,
        SET_PASSWORD,
        CHECKOUT,
        AGE_ASSURANCE,
        AGE_OIDC,
        RESET_PASSWORD,
        VERIFY_EMAIL,
        CHANGE_EMAIL,
        RENEWAL,
        DEVICE,
        CLAIM_CHECKOUT,
    }
)
DIGEST_PURPOSES: frozenset[str] = frozenset({MEDIA, WEBHOOK, AD_CLICK})


class PasswordHasher(Protocol):
    def hash(self, password: str) -> str:
        """A salted, slow hash of the password, self-describing (algorithm, parameters)."""

    def verify(self, password: str, hashed: str) -> bool:
        """True when the password matches the hash; constant-time. Takes every hash this
        hasher ever wrote, and those the original platform wrote."""

    def needs_rehash(self, hashed: str) -> bool:
        """True when `hashed` is not what `hash` writes now (another algorithm, older
        parameters): the password should be hashed again after a successful verify."""


class Signer(Protocol):
    """Signs and checks values for a purpose. Token purposes (TOKEN_PURPOSES) and digest
    purposes (DIGEST_PURPOSES) are disjoint; a purpose outside its family is a
    programming error (ValueError), never something a client can cause. Whatever a
    client sends as a token or a candidate digest is answered None/False, never an
    exception."""

    def sign(self, purpose: TokenPurpose | str, claims: Mapping[str, Any], ttl_seconds: int) -> str:
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


class SecretBox(Protocol):
    """Encrypts secrets kept at rest (the gateways' secret keys) under a key derived
    from the secret key; the adapters that store them seal on write and open on read,
    so the core sees plaintext and the database only ciphertext."""

    def seal(self, plaintext: str) -> str:
        """The ciphertext of `plaintext` under the current key (self-describing)."""

    def open(self, stored: str) -> str:
        """The plaintext of what `seal` (under the current or a previous key) gave;
        text that was never sealed (rows written before encryption) as it is."""

    def is_sealed_now(self, stored: str) -> bool:
        """Whether `stored` is sealed under the current key (nothing to re-encrypt)."""

"""Ports of age assurance: the records, and the verification methods (one adapter per
method, enabled by CREATORFLIX_AGE_METHODS)."""

from __future__ import annotations

from typing import Any, Protocol

from domain.assurance.entities import AgeAssurance
from ports.repositories import Repository


class AgeAssuranceRepository(Repository[AgeAssurance], Protocol):
    """Table `age_assurances` (the generic repository; indexed by holder)."""


class AgeCheck(Protocol):
    """One verification method as the gate offers it."""

    @property
    def name(self) -> str:
        """oidc, card, document or sandbox."""

    @property
    def for_visitors(self) -> bool:
        """Whether a visitor without an account can use it."""

    @property
    def start(self) -> str:
        """How a client starts it: the route to call."""

    def offer(self) -> dict[str, Any]:
        """What the gate page shows: {"method", "for_visitors", "start"}."""


class OidcAgeCheck(AgeCheck, Protocol):
    """An OpenID Connect provider (authorization code with PKCE)."""

    def authorization_url(
        self, redirect_uri: str, state: str, nonce: str, code_verifier: str
    ) -> str:
        """Where to send the browser (discovery from the issuer)."""

    def verified_claims(
        self, redirect_uri: str, code: str, code_verifier: str, nonce: str
    ) -> dict[str, Any]:
        """Exchange `code` and return the claims of an id_token whose signature (JWKS),
        issuer, audience, expiry and nonce were verified. Raises domain Forbidden when
        the provider refuses or the token does not verify; ServiceUnavailable when the
        provider cannot be reached."""

"""Age assurance through any OpenID Connect provider (an age-verification service, a
digital-identity wallet, gov.br), with authlib: authorization code with PKCE (S256),
state and nonce; the id_token's signature checked against the provider's JWKS, and its
issuer, audience, expiry and nonce verified (joserfc, authlib's JOSE library).
Discovery from the issuer's /.well-known/openid-configuration, read once."""

from __future__ import annotations

import threading
from typing import Any

import requests
from authlib.integrations.requests_client import OAuth2Session
from joserfc import jwt
from joserfc.errors import JoseError
from joserfc.jwk import KeySet

from domain.common.errors import Forbidden, ServiceUnavailable

TIMEOUT = 10
ALGORITHMS = ["RS256", "RS384", "RS512", "PS256", "ES256", "ES384", "EdDSA"]


class OidcRefused(Forbidden):
    code = "age_assurance_failed"


class AuthlibOidcCheck:
    name = "oidc"
    for_visitors = True
    start = "GET /api/age-assurance/oidc/start"

    def __init__(
        self, issuer: str, client_id: str, client_secret: str, claim: str, *, leeway: int = 60
    ):
        self.issuer = issuer.rstrip("/")
        self.client_id, self.client_secret, self.claim = client_id, client_secret, claim
        self.leeway = leeway
        self._metadata: dict[str, Any] | None = None
        self._lock = threading.Lock()

    def offer(self) -> dict[str, Any]:
        return {"method": self.name, "for_visitors": self.for_visitors, "start": self.start}

    # -- discovery -----------------------------------------------------------------
    def _get(self, url: str) -> dict[str, Any]:
        try:
            answer = requests.get(url, timeout=TIMEOUT)
            answer.raise_for_status()
            return answer.json()
        except (requests.RequestException, ValueError) as exc:
            raise ServiceUnavailable(
                f"the age-verification provider cannot be reached ({type(exc).__name__})"
            ) from exc

    def metadata(self) -> dict[str, Any]:
        with self._lock:
            if self._metadata is None:
                found = self._get(self.issuer + "/.well-known/openid-configuration")
                if str(found.get("issuer", "")).rstrip("/") != self.issuer:
                    raise ServiceUnavailable(
                        "the provider's discovery document names another issuer"
                    )
                self._metadata = found
            return self._metadata

    def _session(self, redirect_uri: str) -> OAuth2Session:
        return OAuth2Session(
            self.client_id,
            self.client_secret or None,
            scope=f"openid{' profile' if self.claim == 'birthdate' else ''}",
            redirect_uri=redirect_uri,
            code_challenge_method="S256",
            token_endpoint_auth_method=("client_secret_basic" if self.client_secret else "none"),
        )

    # -- the round trip ------------------------------------------------------------
    def authorization_url(
        self, redirect_uri: str, state: str, nonce: str, code_verifier: str
    ) -> str:
        url, _ = self._session(redirect_uri).create_authorization_url(
            self.metadata()["authorization_endpoint"],
            state=state,
            nonce=nonce,
            code_verifier=code_verifier,
        )
        return url

    def verified_claims(
        self, redirect_uri: str, code: str, code_verifier: str, nonce: str
    ) -> dict[str, Any]:
        metadata = self.metadata()
        session = self._session(redirect_uri)
        try:
            token = session.fetch_token(
                metadata["token_endpoint"], code=code, code_verifier=code_verifier, timeout=TIMEOUT
            )
        except requests.RequestException as exc:
            raise ServiceUnavailable("the age-verification provider cannot be reached") from exc
        except Exception as exc:  # authlib's OAuthError: the provider refused the code
            raise OidcRefused(
                f"the provider refused the code ({type(exc).__name__})", field="code"
            ) from exc
        id_token = token.get("id_token")
        if not isinstance(id_token, str):
            raise OidcRefused("the provider sent no id_token", field="code")
        keys = KeySet.import_key_set(self._get(metadata["jwks_uri"]))  # type: ignore[arg-type]
        try:
            decoded = jwt.decode(id_token, keys, algorithms=ALGORITHMS)
            jwt.JWTClaimsRegistry(
                leeway=self.leeway,
                iss={"essential": True, "value": self.issuer},
                aud={"essential": True, "value": self.client_id},
                exp={"essential": True},
                sub={"essential": True},
                nonce={"essential": True, "value": nonce},
            ).validate(decoded.claims)
        except (JoseError, ValueError) as exc:
            claim = getattr(exc, "claim", None)
            raise OidcRefused(
                f"the id_token does not verify ({type(exc).__name__}"
                f"{': ' + str(claim) if claim else ''})",
                field="id_token",
            ) from exc
        return dict(decoded.claims)

"""The age-assurance methods as the gate offers them (ports.age_assurance.AgeCheck):
one adapter per method; `enabled_checks` builds those CREATORFLIX_AGE_METHODS names."""

from __future__ import annotations

from typing import Any

from attrs import frozen

from ports.age_assurance import AgeCheck

BASE = "/api/age-assurance"


@frozen
class SimpleCheck:
    """sandbox (a button), card (buy a plan by card), document (upload an ID photo)."""

    name: str
    for_visitors: bool
    start: str

    def offer(self) -> dict[str, Any]:
        return {"method": self.name, "for_visitors": self.for_visitors, "start": self.start}


SANDBOX = SimpleCheck("sandbox", True, f"POST {BASE}/sandbox")
CARD = SimpleCheck(
    "card",
    False,
    "POST /api/checkouts (payment_method credit_card, card_hash "
    "from JunglePay's script: GET /api/checkout-options)",
)
DOCUMENT = SimpleCheck("document", False, f"POST {BASE}/documents")


def enabled_checks(config, *, oidc: AgeCheck | None = None) -> dict[str, AgeCheck]:
    """The adapters of the methods CREATORFLIX_AGE_METHODS enables, in its order (the
    configuration has already dropped a sandbox the gateway refuses)."""
    from adapters.age_assurance.oidc import AuthlibOidcCheck

    checks: dict[str, AgeCheck] = {}
    for name in config.age_methods:
        if name == "oidc":
            checks[name] = oidc or AuthlibOidcCheck(
                config.age_oidc_issuer,
                config.age_oidc_client_id,
                config.age_oidc_client_secret,
                config.age_oidc_claim,
            )
        else:
            checks[name] = {"sandbox": SANDBOX, "card": CARD, "document": DOCUMENT}[name]
    return checks

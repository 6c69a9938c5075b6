"""CREATORFLIX_PIX_*: the settings of a PSP's API Pix (README "PIX through your bank's
API Pix"), read and checked at start-up, so a wrong path or a missing secret stops the
server with a message naming the variable instead of failing the first buyer."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from urllib.parse import urlsplit

from adapters.payments.provider import PixSettings
from domain.payments.gateways import (
    DEFAULT_PIX_ACCOUNT_TYPE,
    PIX_ACCOUNT_FORMAT,
    PIX_ACCOUNT_TYPES,
    normal_pix_account,
)

REQUIRED = (
    "CREATORFLIX_PIX_API_URL",
    "CREATORFLIX_PIX_TOKEN_URL",
    "CREATORFLIX_PIX_CLIENT_ID",
    "CREATORFLIX_PIX_CLIENT_SECRET",
    "CREATORFLIX_PIX_CERT_FILE",
    "CREATORFLIX_PIX_KEY",
)
OPTIONAL = ("CREATORFLIX_PIX_CA_FILE", "CREATORFLIX_PIX_ACCOUNT", "CREATORFLIX_PIX_ACCOUNT_TYPE")
MAX_KEY = 77  # the spec's `chave`


def _https(name: str, raw: str, error: type[ValueError]) -> str:
    parts = urlsplit(raw.strip())
    if parts.scheme != "https" or not parts.hostname:
        raise error(f"{name}: expected an https URL (the API Pix is mutual TLS), got {raw!r}")
    return raw.strip().rstrip("/")


def _pem(name: str, raw: str, error: type[ValueError], *, with_key: bool) -> str:
    path = Path(raw.strip()).expanduser()
    try:
        text = path.read_text(encoding="ascii", errors="replace")
    except OSError as exc:
        raise error(f"{name}: cannot read {str(path)!r} ({exc.strerror})") from None
    if "-----BEGIN CERTIFICATE-----" not in text:
        raise error(
            f"{name}: {str(path)!r} holds no PEM certificate (README shows how to convert a .p12)"
        )
    if with_key and "PRIVATE KEY-----" not in text:
        raise error(
            f"{name}: {str(path)!r} holds no private key: the PEM needs the "
            "certificate and its key (openssl pkcs12 ... -nodes)"
        )
    return str(path)


def _account(env: Mapping[str, str], error: type[ValueError]) -> tuple[str | None, str]:
    """CREATORFLIX_PIX_ACCOUNT (optional: only Pix Automático's charges name it) and
    CREATORFLIX_PIX_ACCOUNT_TYPE."""
    raw = env.get("CREATORFLIX_PIX_ACCOUNT", "").strip()
    account = normal_pix_account(raw) if raw else None
    if raw and account is None:
        raise error(f"CREATORFLIX_PIX_ACCOUNT: expected {PIX_ACCOUNT_FORMAT}, got {raw!r}")
    kind = env.get("CREATORFLIX_PIX_ACCOUNT_TYPE", "").strip().upper() or DEFAULT_PIX_ACCOUNT_TYPE
    if kind not in PIX_ACCOUNT_TYPES:
        raise error(
            f"CREATORFLIX_PIX_ACCOUNT_TYPE: expected one of {', '.join(PIX_ACCOUNT_TYPES)}, "
            f"got {kind!r}"
        )
    return account, kind


def load_pix(
    env: Mapping[str, str], gateway: str, error: type[ValueError] = ValueError
) -> PixSettings | None:
    """The API Pix settings, or None when none is set and the gateway is not `pix`.
    Once one is set (or CREATORFLIX_GATEWAY=pix) every required one must be."""
    given = {name: env.get(name, "").strip() for name in REQUIRED}
    if gateway != "pix" and not any(given.values()) and not any(env.get(n) for n in OPTIONAL):
        return None
    for name, value in given.items():
        if not value:
            raise error(
                f"{name} is required for the PIX gateway (README: PIX through your bank's API Pix)"
            )
    key = given["CREATORFLIX_PIX_KEY"]
    if len(key) > MAX_KEY or not key.isprintable():
        raise error(f"CREATORFLIX_PIX_KEY: expected your chave Pix (at most {MAX_KEY} characters)")
    ca = env.get("CREATORFLIX_PIX_CA_FILE", "").strip()
    account, account_type = _account(env, error)
    return PixSettings(
        api_url=_https("CREATORFLIX_PIX_API_URL", given["CREATORFLIX_PIX_API_URL"], error),
        token_url=_https("CREATORFLIX_PIX_TOKEN_URL", given["CREATORFLIX_PIX_TOKEN_URL"], error),
        client_id=given["CREATORFLIX_PIX_CLIENT_ID"],
        client_secret=given["CREATORFLIX_PIX_CLIENT_SECRET"],
        cert_file=_pem(
            "CREATORFLIX_PIX_CERT_FILE", given["CREATORFLIX_PIX_CERT_FILE"], error, with_key=True
        ),
        key=key,
        ca_file=_pem("CREATORFLIX_PIX_CA_FILE", ca, error, with_key=False) if ca else None,
        account=account,
        account_type=account_type,
    )

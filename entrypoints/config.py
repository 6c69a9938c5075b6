"""Configuration: every CREATORFLIX_* variable, read and validated in one place."""
from __future__ import annotations

import ipaddress
import logging
import os
import secrets
from pathlib import Path
from typing import Mapping
from urllib.parse import urlsplit

from attrs import field, frozen

from domain.common.errors import ValidationError
from domain.common.fields import parse_int

log = logging.getLogger("creatorflix.config")

DEFAULT_JUNGLEPAY_URL = "https://api.junglepagamentos.com"
GATEWAYS = ("sandbox", "junglepay")


class ConfigError(ValueError):
    """A setting is missing or malformed; the message says which and how to fix it."""


@frozen
class Config:
    # repr=False: URLs may carry credentials; none of them may reach a log or traceback.
    database_url: str = field(default="sqlite:///creatorflix.db", repr=False)
    storage_url: str = field(default="file://./media", repr=False)
    secret_key: str = field(default="", repr=False)
    gateway: str = "sandbox"
    junglepay_url: str = DEFAULT_JUNGLEPAY_URL
    trusted_proxies: tuple = ()
    public_url: str = "http://127.0.0.1:8000"
    token_ttl_seconds: int = 7 * 24 * 3600
    signed_url_ttl_seconds: int = 3600
    max_body_bytes: int = 1024 * 1024

    @property
    def database_kind(self) -> str:
        return "sqlite" if self.database_url.startswith("sqlite:") else "postgresql"


def _database_url(raw: str) -> str:
    parts = urlsplit(raw)
    if parts.scheme == "sqlite":
        if not raw.startswith("sqlite:///") or len(raw) <= len("sqlite:///"):
            raise ConfigError("CREATORFLIX_DATABASE_URL: use sqlite:///relative.db or "
                              "sqlite:////absolute/path.db")
        return raw
    if parts.scheme in ("postgresql", "postgres"):
        if not parts.hostname or not parts.path.strip("/"):
            raise ConfigError("CREATORFLIX_DATABASE_URL: use "
                              "postgresql://user:password@host:port/database")
        return raw
    raise ConfigError(f"CREATORFLIX_DATABASE_URL: unknown scheme {parts.scheme!r} "
                      "(expected sqlite or postgresql)")


def _storage_url(raw: str) -> str:
    parts = urlsplit(raw)
    if parts.scheme == "file":
        from adapters.storage import folder_of_file_url  # the adapter's own reading
        try:
            folder_of_file_url(raw)
        except ValueError:
            raise ConfigError("CREATORFLIX_STORAGE_URL: file:// needs a folder, e.g. "
                              "file://./media or file:///srv/media") from None
        return raw
    if parts.scheme == "s3":
        if not parts.hostname or not parts.path.strip("/"):
            raise ConfigError("CREATORFLIX_STORAGE_URL: use s3://ACCESS:SECRET@host:port/bucket")
        return raw
    raise ConfigError(f"CREATORFLIX_STORAGE_URL: unknown scheme {parts.scheme!r} "
                      "(expected file or s3)")


def _http_url(name: str, raw: str) -> str:
    parts = urlsplit(raw)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ConfigError(f"{name}: expected an http(s) URL, got {raw!r}")
    return raw.rstrip("/")


def _positive_int(name: str, raw: str) -> int:
    try:
        return parse_int(raw, name, minimum=1)
    except ValidationError:
        raise ConfigError(f"{name}: expected a positive integer, got {raw!r}") from None


def _proxies(raw: str) -> tuple:
    networks = []
    for item in filter(None, (p.strip() for p in raw.split(","))):
        try:
            networks.append(ipaddress.ip_network(item, strict=False))
        except ValueError:
            raise ConfigError(f"CREATORFLIX_TRUSTED_PROXIES: {item!r} is not an IP address "
                              "or network") from None
    return tuple(networks)


def _secret_key(env: Mapping[str, str]) -> str:
    key = env.get("CREATORFLIX_SECRET_KEY", "")
    if key:
        if len(key) < 32:
            raise ConfigError("CREATORFLIX_SECRET_KEY: use at least 32 random characters")
        return key
    path = Path(env.get("CREATORFLIX_SECRET_FILE", ".creatorflix_secret"))
    if path.exists():
        key = path.read_text().strip()
        if len(key) >= 32:
            return key
    key = secrets.token_urlsafe(48)
    # Created private (0600) from the start, never briefly readable by others.
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as handle:
        handle.write(key + "\n")
    log.warning("CREATORFLIX_SECRET_KEY is not set: generated one into %s. Set the variable "
                "in production (every app server must share the same key).", path)
    return key


def load_config(env: Mapping[str, str] | None = None) -> Config:
    """Read the environment; raise ConfigError naming the first bad variable."""
    env = os.environ if env is None else env
    gateway = env.get("CREATORFLIX_GATEWAY", "sandbox").strip().lower()
    if gateway not in GATEWAYS:
        raise ConfigError(f"CREATORFLIX_GATEWAY: expected one of {', '.join(GATEWAYS)}, "
                          f"got {gateway!r}")
    return Config(
        database_url=_database_url(env.get("CREATORFLIX_DATABASE_URL",
                                           "sqlite:///creatorflix.db")),
        storage_url=_storage_url(env.get("CREATORFLIX_STORAGE_URL", "file://./media")),
        secret_key=_secret_key(env),
        gateway=gateway,
        junglepay_url=_http_url("CREATORFLIX_JUNGLEPAY_URL",
                                env.get("CREATORFLIX_JUNGLEPAY_URL", DEFAULT_JUNGLEPAY_URL)),
        trusted_proxies=_proxies(env.get("CREATORFLIX_TRUSTED_PROXIES", "")),
        public_url=_http_url("CREATORFLIX_PUBLIC_URL",
                             env.get("CREATORFLIX_PUBLIC_URL", "http://127.0.0.1:8000")),
        token_ttl_seconds=_positive_int("CREATORFLIX_TOKEN_TTL",
                                        env.get("CREATORFLIX_TOKEN_TTL", str(7 * 24 * 3600))),
        signed_url_ttl_seconds=_positive_int("CREATORFLIX_SIGNED_URL_TTL",
                                             env.get("CREATORFLIX_SIGNED_URL_TTL", "3600")),
        max_body_bytes=_positive_int("CREATORFLIX_MAX_BODY_BYTES",
                                     env.get("CREATORFLIX_MAX_BODY_BYTES", str(1024 * 1024))),
    )

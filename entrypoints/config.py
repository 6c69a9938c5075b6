"""Configuration: every CREATORFLIX_* variable, read and validated in one place."""

from __future__ import annotations

import ipaddress
import logging
import os
import secrets
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from attrs import field, frozen

from domain.common.errors import ValidationError
from domain.common.fields import parse_int

if TYPE_CHECKING:
    from adapters.payments.provider import PixSettings

log = logging.getLogger("creatorflix.config")

DEFAULT_JUNGLEPAY_URL = "https://api.junglepagamentos.com"
GATEWAYS = ("sandbox", "junglepay", "pix")
DEFAULT_TIMEZONE = "America/Sao_Paulo"


class ConfigError(ValueError):
    """A setting is missing or malformed; the message says which and how to fix it."""


@frozen
class Config:
    # repr=False: URLs may carry credentials; none of them may reach a log or traceback.
    database_url: str = field(default="sqlite:///creatorflix.db", repr=False)
    storage_url: str = field(default="file://./media", repr=False)
    secret_key: str = field(default="", repr=False)
    # Earlier secret keys: what they sealed still opens until `rotate-secrets` runs.
    secret_key_previous: tuple = field(default=(), repr=False)
    gateway: str = "sandbox"
    junglepay_url: str = DEFAULT_JUNGLEPAY_URL
    # JunglePay's card-encryption script for the in-page card form ("" = its /v1/js).
    junglepay_js_url: str = ""
    # Gateway calls never starve the server (issue 21; README "Payments under load").
    gateway_connect_timeout: float = 3.0
    gateway_read_timeout: float = 8.0
    gateway_concurrency: int = 2  # calls at once per process: half the server's threads
    # CREATORFLIX_PIX_* (entrypoints/pix_config.py): a PSP's API Pix; None when unset.
    pix: PixSettings | None = field(default=None, repr=False)
    trusted_proxies: tuple = ()
    public_url: str = "http://127.0.0.1:8000"
    token_ttl_seconds: int = 7 * 24 * 3600
    signed_url_ttl_seconds: int = 3600
    max_body_bytes: int = 1024 * 1024
    # POST /api/admin/media only (streamed to the storage; CREATORFLIX_MAX_BODY_BYTES
    # does not apply to it): also the size limit of a presigned browser upload.
    max_upload_bytes: int = 512 * 1024 * 1024
    # Mail (issue 14; README "Mail"). repr=False: an SMTP URL may hold a password.
    mail_url: str = field(default="file://./outbox", repr=False)
    mail_from: str = "CreatorFlix <nao-responda@localhost>"
    # The zone every time a person reads is shown in (mails; issue 19).
    timezone: str = DEFAULT_TIMEZONE
    renewal_reminder_days: int = 3
    # Automatic renewal (issue 25; README "Automatic renewal").
    renewal_charge_ahead_hours: int = 24
    renewal_grace_days: int = 3
    renewal_retry_hours: tuple = (24, 72, 120)
    mail_worker: bool = True  # the app servers deliver the outbox in the background
    # memory:// (this process) or redis://… (shared); repr=False: may hold a password.
    rate_limit_url: str = field(default="memory://", repr=False)
    rate_limit_factor: float = 1.0  # multiplies every rate limit (tests raise it)
    # Ads (issue 15; README "Ads").
    event_retention_days: int = 180
    ad_impression_repeat_seconds: int = 30 * 60
    ad_click_repeat_seconds: int = 30
    ad_impressions_per_ip_hour: int = 30  # counted per ad and address (IPv6: /64)
    ad_clicks_per_ip_hour: int = 10
    ad_cache_ms: int = 500
    # Age assurance (issue 16; README "Age assurance (Brazil)").
    age_gate: bool = True
    age_methods: tuple = ("card", "document", "sandbox")
    age_visitor_hours: int = 24
    age_document_max_bytes: int = 5 * 1024 * 1024
    age_oidc_issuer: str = ""
    age_oidc_client_id: str = ""
    age_oidc_client_secret: str = field(default="", repr=False)
    age_oidc_claim: str = "birthdate"
    # Notifications (issue 24; README "Notifications").
    webhook_retry_schedule: tuple = (5, 300, 1800, 7200, 18000, 36000, 50400, 72000, 86400)
    webhook_allow_private: bool = False
    webhook_timeout_seconds: float = 15.0
    telegram_api_url: str = "https://api.telegram.org"

    @property
    def card_script_url(self) -> str:
        """The card-encryption script's URL: CREATORFLIX_JUNGLEPAY_JS_URL, else
        JunglePay's /v1/js at CREATORFLIX_JUNGLEPAY_URL."""
        return self.junglepay_js_url or self.junglepay_url.rstrip("/") + "/v1/js"

    @property
    def database_kind(self) -> str:
        return "sqlite" if self.database_url.startswith("sqlite:") else "postgresql"


def _database_url(raw: str) -> str:
    parts = urlsplit(raw)
    if parts.scheme == "sqlite":
        if not raw.startswith("sqlite:///") or len(raw) <= len("sqlite:///"):
            raise ConfigError(
                "CREATORFLIX_DATABASE_URL: use sqlite:///relative.db or sqlite:////absolute/path.db"
            )
        return raw
    if parts.scheme in ("postgresql", "postgres"):
        if not parts.hostname or not parts.path.strip("/"):
            raise ConfigError(
                "CREATORFLIX_DATABASE_URL: use postgresql://user:password@host:port/database"
            )
        return raw
    raise ConfigError(
        f"CREATORFLIX_DATABASE_URL: unknown scheme {parts.scheme!r} (expected sqlite or postgresql)"
    )


def _storage_url(raw: str) -> str:
    parts = urlsplit(raw)
    if parts.scheme == "file":
        from adapters.storage import folder_of_file_url  # the adapter's own reading

        try:
            folder_of_file_url(raw)
        except ValueError:
            raise ConfigError(
                "CREATORFLIX_STORAGE_URL: file:// needs a folder, e.g. "
                "file://./media or file:///srv/media"
            ) from None
        return raw
    if parts.scheme == "s3":
        if not parts.hostname or not parts.path.strip("/"):
            raise ConfigError("CREATORFLIX_STORAGE_URL: use s3://ACCESS:SECRET@host:port/bucket")
        return raw
    raise ConfigError(
        f"CREATORFLIX_STORAGE_URL: unknown scheme {parts.scheme!r} (expected file or s3)"
    )


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


def _bounded_int(name: str, raw: str, minimum: int, maximum: int) -> int:
    try:
        return parse_int(raw, name, minimum=minimum, maximum=maximum)
    except ValidationError:
        raise ConfigError(
            f"{name}: expected an integer from {minimum} to {maximum}, got {raw!r}"
        ) from None


def _rate_limit_url(raw: str) -> str:
    from adapters.rate_limits import split_timeout  # the adapter's own reading

    scheme = urlsplit(raw).scheme
    if scheme == "memory" or (scheme in ("redis", "rediss") and urlsplit(raw).hostname):
        try:
            split_timeout(raw)
        except ValueError as exc:
            raise ConfigError(f"CREATORFLIX_RATE_LIMIT_URL: {exc}") from None
        return raw
    raise ConfigError(
        "CREATORFLIX_RATE_LIMIT_URL: use memory:// or redis://[:password@]host:port/db"
    )


def _positive_float(name: str, raw: str) -> float:
    try:
        value = float(raw)
    except ValueError:
        value = 0.0
    if not value > 0 or value == float("inf"):
        raise ConfigError(f"{name}: expected a positive number, got {raw!r}")
    return value


def _seconds(name: str, raw: str) -> float:
    """A timeout: a positive number of seconds, at most 120."""
    value = _positive_float(name, raw)
    if value > 120:
        raise ConfigError(f"{name}: expected at most 120 seconds, got {raw!r}")
    return value


def _proxies(raw: str) -> tuple:
    networks = []
    for item in filter(None, (p.strip() for p in raw.split(","))):
        try:
            networks.append(ipaddress.ip_network(item, strict=False))
        except ValueError:
            raise ConfigError(
                f"CREATORFLIX_TRUSTED_PROXIES: {item!r} is not an IP address or network"
            ) from None
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
    log.warning(
        "CREATORFLIX_SECRET_KEY is not set: generated one into %s. Set the variable "
        "in production (every app server must share the same key).",
        path,
    )
    return key


def _previous_keys(raw: str) -> tuple:
    keys = tuple(k.strip() for k in raw.split(",") if k.strip())
    if any(len(k) < 32 for k in keys):
        raise ConfigError(
            "CREATORFLIX_SECRET_KEY_PREVIOUS: comma-separated earlier secret "
            "keys, each of at least 32 characters"
        )
    return keys


AGE_METHODS = ("oidc", "card", "document", "sandbox")


def _retry_hours(raw: str) -> tuple:
    """Hours after a renewal's first attempt at which it is tried again: increasing
    positive integers, at most 10 (empty: no retries)."""
    name = "CREATORFLIX_RENEWAL_RETRY_HOURS"
    parts = [p.strip() for p in raw.split(",") if p.strip()]
    try:
        hours = tuple(int(p) for p in parts)
    except ValueError:
        raise ConfigError(f"{name} must be comma-separated hours, e.g. 24,72,120") from None
    if len(hours) > 10 or any(h <= 0 for h in hours) or list(hours) != sorted(set(hours)):
        raise ConfigError(f"{name} must be at most 10 increasing positive hours")
    return hours


def _on_off(name: str, raw: str) -> bool:
    value = raw.strip().lower()
    if value in ("on", "true", "1", "yes"):
        return True
    if value in ("off", "false", "0", "no"):
        return False
    raise ConfigError(f"{name}: expected on or off, got {raw!r}")


def _age_methods(env: Mapping[str, str], gateway: str) -> tuple:
    """CREATORFLIX_AGE_METHODS, in the order given; the sandbox is dropped (with a
    warning) unless the gateway is the sandbox; oidc needs its issuer and client id."""
    raw = env.get("CREATORFLIX_AGE_METHODS", "card,document,sandbox")
    methods: list[str] = []
    for item in filter(None, (m.strip().lower() for m in raw.split(","))):
        if item not in AGE_METHODS:
            raise ConfigError(
                f"CREATORFLIX_AGE_METHODS: unknown method {item!r} (expected "
                f"some of {', '.join(AGE_METHODS)})"
            )
        if item not in methods:
            methods.append(item)
    if "sandbox" in methods and gateway != "sandbox":
        methods.remove("sandbox")
        log.warning(
            "CREATORFLIX_AGE_METHODS: the sandbox age assurance is refused while "
            "CREATORFLIX_GATEWAY is %s; dropped",
            gateway,
        )
    if "oidc" in methods and not (
        env.get("CREATORFLIX_AGE_OIDC_ISSUER") and env.get("CREATORFLIX_AGE_OIDC_CLIENT_ID")
    ):
        raise ConfigError(
            "CREATORFLIX_AGE_METHODS: oidc needs CREATORFLIX_AGE_OIDC_ISSUER "
            "and CREATORFLIX_AGE_OIDC_CLIENT_ID"
        )
    return tuple(methods)


def _mail_url(raw: str) -> str:
    from adapters.mail import check_mail_url  # the adapter's own reading

    try:
        check_mail_url(raw)
    except ValueError as exc:
        raise ConfigError(
            f"CREATORFLIX_MAIL_URL: {exc} (e.g. file://./outbox, "
            "smtp://user:pass@host:587?starttls=true, "
            "smtps://user:pass@host:465)"
        ) from None
    return raw


def _mail_from(raw: str) -> str:
    from email.utils import parseaddr

    address = parseaddr(raw)[1]
    if "@" not in address or any(c in raw for c in "\r\n"):
        raise ConfigError(
            f"CREATORFLIX_MAIL_FROM: expected an address such as "
            f"'CreatorFlix <no-reply@example.com>', got {raw!r}"
        )
    return raw


def _retry_schedule(raw: str) -> tuple:
    """CREATORFLIX_WEBHOOK_RETRY_SCHEDULE: seconds after the first attempt, ascending."""
    name = "CREATORFLIX_WEBHOOK_RETRY_SCHEDULE"
    try:
        values = tuple(
            parse_int(item, name, minimum=0, maximum=30 * 24 * 3600)
            for item in raw.split(",")
            if item.strip()
        )
    except ValidationError:
        values = ()
    if not values or list(values) != sorted(values) or len(values) > 50:
        raise ConfigError(
            f"{name}: expected ascending seconds after the first attempt, "
            f"e.g. 5,300,1800 (got {raw!r})"
        )
    return values


def _timeout(name: str, raw: str) -> float:
    value = _positive_float(name, raw)
    if value > 60:
        raise ConfigError(f"{name}: expected at most 60 seconds, got {raw!r}")
    return value


def _timezone(raw: str) -> str:
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    name = raw.strip()
    try:
        if not name:
            raise ValueError("empty")
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise ConfigError(
            f"CREATORFLIX_TIMEZONE: expected an IANA time zone such as "
            f"{DEFAULT_TIMEZONE}, got {raw!r}"
        ) from None
    return name


def load_config(env: Mapping[str, str] | None = None) -> Config:
    """Read the environment; raise ConfigError naming the first bad variable."""
    from entrypoints.pix_config import load_pix

    env = os.environ if env is None else env
    gateway = env.get("CREATORFLIX_GATEWAY", "sandbox").strip().lower()
    if gateway not in GATEWAYS:
        raise ConfigError(
            f"CREATORFLIX_GATEWAY: expected one of {', '.join(GATEWAYS)}, got {gateway!r}"
        )
    return Config(
        database_url=_database_url(env.get("CREATORFLIX_DATABASE_URL", "sqlite:///creatorflix.db")),
        storage_url=_storage_url(env.get("CREATORFLIX_STORAGE_URL", "file://./media")),
        secret_key=_secret_key(env),
        secret_key_previous=_previous_keys(env.get("CREATORFLIX_SECRET_KEY_PREVIOUS", "")),
        gateway=gateway,
        junglepay_url=_http_url(
            "CREATORFLIX_JUNGLEPAY_URL", env.get("CREATORFLIX_JUNGLEPAY_URL", DEFAULT_JUNGLEPAY_URL)
        ),
        junglepay_js_url=_http_url(
            "CREATORFLIX_JUNGLEPAY_JS_URL",
            env.get("CREATORFLIX_JUNGLEPAY_JS_URL")
            or env.get("CREATORFLIX_JUNGLEPAY_URL", DEFAULT_JUNGLEPAY_URL).rstrip("/") + "/v1/js",
        ),
        gateway_connect_timeout=_seconds(
            "CREATORFLIX_GATEWAY_CONNECT_TIMEOUT",
            env.get("CREATORFLIX_GATEWAY_CONNECT_TIMEOUT", "3"),
        ),
        gateway_read_timeout=_seconds(
            "CREATORFLIX_GATEWAY_READ_TIMEOUT", env.get("CREATORFLIX_GATEWAY_READ_TIMEOUT", "8")
        ),
        gateway_concurrency=_bounded_int(
            "CREATORFLIX_GATEWAY_CONCURRENCY",
            env.get("CREATORFLIX_GATEWAY_CONCURRENCY", "2"),
            1,
            1000,
        ),
        pix=load_pix(env, gateway, ConfigError),
        trusted_proxies=_proxies(env.get("CREATORFLIX_TRUSTED_PROXIES", "")),
        public_url=_http_url(
            "CREATORFLIX_PUBLIC_URL", env.get("CREATORFLIX_PUBLIC_URL", "http://127.0.0.1:8000")
        ),
        token_ttl_seconds=_positive_int(
            "CREATORFLIX_TOKEN_TTL", env.get("CREATORFLIX_TOKEN_TTL", str(7 * 24 * 3600))
        ),
        signed_url_ttl_seconds=_positive_int(
            "CREATORFLIX_SIGNED_URL_TTL", env.get("CREATORFLIX_SIGNED_URL_TTL", "3600")
        ),
        max_body_bytes=_positive_int(
            "CREATORFLIX_MAX_BODY_BYTES", env.get("CREATORFLIX_MAX_BODY_BYTES", str(1024 * 1024))
        ),
        max_upload_bytes=_positive_int(
            "CREATORFLIX_MAX_UPLOAD_BYTES",
            env.get("CREATORFLIX_MAX_UPLOAD_BYTES", str(512 * 1024 * 1024)),
        ),
        mail_url=_mail_url(env.get("CREATORFLIX_MAIL_URL", "file://./outbox")),
        mail_from=_mail_from(
            env.get("CREATORFLIX_MAIL_FROM", "CreatorFlix <nao-responda@localhost>")
        ),
        timezone=_timezone(env.get("CREATORFLIX_TIMEZONE", DEFAULT_TIMEZONE)),
        renewal_reminder_days=_positive_int(
            "CREATORFLIX_RENEWAL_REMINDER_DAYS", env.get("CREATORFLIX_RENEWAL_REMINDER_DAYS", "3")
        ),
        renewal_charge_ahead_hours=_bounded_int(
            "CREATORFLIX_RENEWAL_CHARGE_AHEAD_HOURS",
            env.get("CREATORFLIX_RENEWAL_CHARGE_AHEAD_HOURS", "24"),
            0,
            24 * 30,
        ),
        renewal_grace_days=_bounded_int(
            "CREATORFLIX_RENEWAL_GRACE_DAYS", env.get("CREATORFLIX_RENEWAL_GRACE_DAYS", "3"), 0, 60
        ),
        renewal_retry_hours=_retry_hours(env.get("CREATORFLIX_RENEWAL_RETRY_HOURS", "24,72,120")),
        mail_worker=_on_off("CREATORFLIX_MAIL_WORKER", env.get("CREATORFLIX_MAIL_WORKER", "on")),
        rate_limit_url=_rate_limit_url(env.get("CREATORFLIX_RATE_LIMIT_URL", "memory://")),
        rate_limit_factor=_positive_float(
            "CREATORFLIX_RATE_LIMIT_FACTOR", env.get("CREATORFLIX_RATE_LIMIT_FACTOR", "1")
        ),
        event_retention_days=_positive_int(
            "CREATORFLIX_EVENT_RETENTION_DAYS", env.get("CREATORFLIX_EVENT_RETENTION_DAYS", "180")
        ),
        ad_impression_repeat_seconds=_bounded_int(
            "CREATORFLIX_AD_IMPRESSION_REPEAT_SECONDS",
            env.get("CREATORFLIX_AD_IMPRESSION_REPEAT_SECONDS", "1800"),
            0,
            7 * 24 * 3600,
        ),
        ad_click_repeat_seconds=_bounded_int(
            "CREATORFLIX_AD_CLICK_REPEAT_SECONDS",
            env.get("CREATORFLIX_AD_CLICK_REPEAT_SECONDS", "30"),
            0,
            7 * 24 * 3600,
        ),
        ad_impressions_per_ip_hour=_bounded_int(
            "CREATORFLIX_AD_IMPRESSIONS_PER_IP_HOUR",
            env.get("CREATORFLIX_AD_IMPRESSIONS_PER_IP_HOUR", "30"),
            0,
            1_000_000,
        ),
        ad_clicks_per_ip_hour=_bounded_int(
            "CREATORFLIX_AD_CLICKS_PER_IP_HOUR",
            env.get("CREATORFLIX_AD_CLICKS_PER_IP_HOUR", "10"),
            0,
            1_000_000,
        ),
        ad_cache_ms=_bounded_int(
            "CREATORFLIX_AD_CACHE_MS", env.get("CREATORFLIX_AD_CACHE_MS", "500"), 0, 1000
        ),
        age_gate=_on_off("CREATORFLIX_AGE_GATE", env.get("CREATORFLIX_AGE_GATE", "on")),
        age_methods=_age_methods(env, gateway),
        age_visitor_hours=_bounded_int(
            "CREATORFLIX_AGE_VISITOR_HOURS",
            env.get("CREATORFLIX_AGE_VISITOR_HOURS", "24"),
            1,
            24 * 30,
        ),
        age_document_max_bytes=_bounded_int(
            "CREATORFLIX_AGE_DOCUMENT_MAX_BYTES",
            env.get("CREATORFLIX_AGE_DOCUMENT_MAX_BYTES", str(5 * 1024 * 1024)),
            1024,
            50 * 1024 * 1024,
        ),
        age_oidc_issuer=(
            _http_url("CREATORFLIX_AGE_OIDC_ISSUER", env["CREATORFLIX_AGE_OIDC_ISSUER"])
            if env.get("CREATORFLIX_AGE_OIDC_ISSUER")
            else ""
        ),
        age_oidc_client_id=env.get("CREATORFLIX_AGE_OIDC_CLIENT_ID", ""),
        age_oidc_client_secret=env.get("CREATORFLIX_AGE_OIDC_CLIENT_SECRET", ""),
        age_oidc_claim=env.get("CREATORFLIX_AGE_OIDC_CLAIM", "birthdate").strip() or "birthdate",
        webhook_retry_schedule=_retry_schedule(
            env.get(
                "CREATORFLIX_WEBHOOK_RETRY_SCHEDULE",
                "5,300,1800,7200,18000,36000,50400,72000,86400",
            )
        ),
        webhook_allow_private=_on_off(
            "CREATORFLIX_WEBHOOK_ALLOW_PRIVATE",
            env.get("CREATORFLIX_WEBHOOK_ALLOW_PRIVATE", "false"),
        ),
        webhook_timeout_seconds=_timeout(
            "CREATORFLIX_WEBHOOK_TIMEOUT", env.get("CREATORFLIX_WEBHOOK_TIMEOUT", "15")
        ),
        telegram_api_url=_http_url(
            "CREATORFLIX_TELEGRAM_API_URL",
            env.get("CREATORFLIX_TELEGRAM_API_URL", "https://api.telegram.org"),
        ),
    )

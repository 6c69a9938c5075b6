"""Catalogue entities (plans, order bumps, creators ("models"), posts, settings, support
contacts) and their rules: settings keys and support contact links."""

from __future__ import annotations

import re
from datetime import datetime
from urllib.parse import urlsplit

from attrs import evolve, field, frozen

from domain.common.errors import ValidationError
from domain.common.fields import check_http_url
from domain.common.statuses import PUBLISHED

POST_TYPES = ("image", "video")
CARD_STYLES = ("primary", "secondary", "outline")  # how the storefront draws a plan
# How a plan renews (issue 25): `manual` is a pass bought again by hand (a reminder
# mails a one-click checkout); `automatic` charges the saved card at every period.
MANUAL = "manual"
AUTOMATIC = "automatic"
RENEWALS = (MANUAL, AUTOMATIC)
CREATOR_ACTIVE = PUBLISHED
CREATOR_STATUSES = (CREATOR_ACTIVE, "hidden", "draft")  # only active creators are public


@frozen
class Plan:
    """Table `plans`. `price` in cents (BRL), `duration` in days. An inactive plan is
    neither listed to visitors nor sold (checkouts already started still settle)."""

    id: int | None
    name: str
    price: int
    duration: int
    benefits_json: list[str] = field(factory=list)
    cta_text: str | None = None
    checkout_url: str | None = None
    accepts_pix: bool = True
    accepts_card: bool = True
    is_active: bool = True
    card_style: str = "secondary"
    # In-page card payments: at most this many installments (1 to 12).
    max_installments: int = 12
    renewal: str = MANUAL

    @property
    def renews_automatically(self) -> bool:
        return self.renewal == AUTOMATIC


@frozen
class OrderBump:
    """Table `order_bumps`: an add-on offered at checkout. `price` in cents."""

    id: int | None
    name: str
    price: int
    description: str | None = None
    is_active: bool = True
    image_url: str | None = None
    display_order: int = 0
    created_at: datetime | None = None


@frozen
class Creator:
    """Table `models`: a creator who publishes posts. `slug` names its public page
    (/models/{slug}); `post_count` is kept current by the post use cases; only an
    active creator is public (hidden and draft ones are seen by admins only)."""

    id: int | None
    name: str
    description: str | None = None
    icon_url: str | None = None
    banner_url: str | None = None
    is_featured: bool = False
    is_advertiser: bool = False
    created_at: datetime | None = None
    slug: str | None = None
    thumbnail_url: str | None = None
    external_url: str | None = None
    category: str | None = None
    post_count: int = 0
    status: str = CREATOR_ACTIVE

    @property
    def is_public(self) -> bool:
        return self.status == CREATOR_ACTIVE


@frozen
class Post:
    """Table `posts`. `content_url` is premium: only subscribers and admins see it."""

    id: int | None
    content_url: str
    type: str
    model_id: int | None = None
    title: str | None = None
    created_at: datetime | None = None


@frozen
class Setting:
    """Table `admin_settings`: one key/value pair."""

    key: str
    value: str


@frozen
class SupportContact:
    """Table `support_contacts`: a support channel shown to visitors when active."""

    id: int | None
    platform: str
    url: str
    is_active: bool = True
    updated_at: datetime | None = None


# -- rules ---------------------------------------------------------------------------

SUPPORT_PLATFORMS = ("whatsapp", "telegram", "other")
SETTING_KEY = re.compile(r"[a-z0-9_.-]{1,64}")

# A phone number as people type it: digits with spaces, dots, dashes, parentheses and
# an optional leading "+". E.164 allows at most 15 digits; 8 keeps out obvious typos.
_PHONE = re.compile(r"\+?[0-9\s().-]+")  # ASCII digits: \d would take any script's
_PHONE_DIGITS = (8, 15)
# Telegram user names: 5-32 characters, letters, digits and underscores, a letter first.
_TELEGRAM_HANDLE = re.compile(r"@?([A-Za-z][A-Za-z0-9_]{4,31})")
# Paths of t.me links: a handle, an invite (+hash) or joinchat/hash, optionally a post id.
_TELEGRAM_PATH = re.compile(r"[A-Za-z0-9_+-]{1,64}(?:/[A-Za-z0-9_-]{1,64})?")
_WHATSAPP_HOSTS = ("wa.me", "www.wa.me")
_TELEGRAM_HOSTS = ("t.me", "www.t.me", "telegram.me", "www.telegram.me")


def check_setting_key(key: object, field: str = "key") -> str:
    """A settings key: 1-64 characters among a-z, 0-9, '_', '.', '-'."""
    if not isinstance(key, str) or not SETTING_KEY.fullmatch(key):
        raise ValidationError(
            "key must be 1-64 characters among a-z, 0-9, '_', '.' and '-'", field=field
        )
    return key


def _as_url(raw: str, hosts: tuple[str, ...]):
    """urlsplit of `raw` when it is a link to one of `hosts` (scheme optional), else None."""
    text = raw if raw.lower().startswith(("http://", "https://")) else "https://" + raw
    try:
        parts = urlsplit(text)
    except ValueError:  # e.g. an unclosed IPv6 literal
        return None
    if parts.scheme.lower() in ("http", "https") and (parts.hostname or "") in hosts:
        return parts
    return None


def _with_query(url: str, query: str) -> str:
    return f"{url}?{query}" if query else url


def whatsapp_url(raw: str, field: str = "url") -> str:
    """A phone number (with its country code) or a wa.me link -> https://wa.me/<digits>."""
    parts = _as_url(raw, _WHATSAPP_HOSTS)
    number, query = (parts.path.strip("/"), parts.query) if parts else (raw, "")
    digits = re.sub(r"[^0-9]", "", number)
    low, high = _PHONE_DIGITS
    if not _PHONE.fullmatch(number) or not low <= len(digits) <= high:
        raise ValidationError(
            "a WhatsApp contact must be a phone number with its country "
            "code (e.g. +55 11 99999-0000) or a https://wa.me/ link",
            field=field,
        )
    if digits.startswith("0"):
        raise ValidationError(
            "the phone number must start with its country code (e.g. +55), not 0", field=field
        )
    return check_http_url(_with_query(f"https://wa.me/{digits}", query), field)


def telegram_url(raw: str, field: str = "url") -> str:
    """A handle (@name or name) or a t.me link -> https://t.me/<handle or path>."""
    handle = _TELEGRAM_HANDLE.fullmatch(raw)
    if handle:
        return f"https://t.me/{handle.group(1)}"
    parts = _as_url(raw, _TELEGRAM_HOSTS)
    path = parts.path.strip("/") if parts else ""
    if not parts or not _TELEGRAM_PATH.fullmatch(path):
        raise ValidationError(
            "a Telegram contact must be a handle (@name, 5-32 letters, "
            "digits or _) or a https://t.me/ link",
            field=field,
        )
    return check_http_url(_with_query(f"https://t.me/{path}", parts.query), field)


def contact_url(platform: str, raw: str, field: str = "url") -> str:
    """The link visitors follow for a support contact on `platform`."""
    if platform == "whatsapp":
        return whatsapp_url(raw.strip(), field)
    if platform == "telegram":
        return telegram_url(raw.strip(), field)
    return check_http_url(raw.strip(), field)


def normalize_contact(contact: SupportContact) -> SupportContact:
    """The contact with its url normalised for its platform (refused when it does not
    fit: e.g. a t.me link on a WhatsApp contact)."""
    return evolve(contact, url=contact_url(contact.platform, contact.url))

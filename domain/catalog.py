"""Catalogue entities: plans, order bumps, creators ("models"), posts, settings, contacts."""
from __future__ import annotations

from datetime import datetime

from attrs import field, frozen

POST_TYPES = ("image", "video")


@frozen
class Plan:
    """Table `plans`. `price` in cents (BRL), `duration` in days."""

    id: int | None
    name: str
    price: int
    duration: int
    benefits_json: list[str] = field(factory=list)
    cta_text: str | None = None
    checkout_url: str | None = None
    accepts_pix: bool = True
    accepts_card: bool = True


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
    """Table `models`: a creator who publishes posts."""

    id: int | None
    name: str
    description: str | None = None
    icon_url: str | None = None
    banner_url: str | None = None
    is_featured: bool = False
    is_advertiser: bool = False
    created_at: datetime | None = None


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

"""Ads: campaigns served into named placements, with impression and click tracking."""
from __future__ import annotations

from datetime import datetime

from attrs import frozen

AD_TYPES = ("diamond", "diamond_block", "banner", "spot", "hero")
PLACEMENTS = (
    "home_top", "home_middle", "home_bottom", "sidebar", "feed_mix", "models_grid",
    "model_profile", "login", "register", "feed_model", "model_sidebar", "post_detail",
)
STATUSES = ("active", "paused", "draft")
EVENT_KINDS = ("impressions", "clicks")


@frozen
class Ad:
    """Table `ads`."""

    id: int | None
    name: str
    title: str
    link: str
    type: str = "banner"
    placement: str = "home_top"
    status: str = "draft"
    subtitle: str | None = None
    cta_text: str | None = None
    image_url: str | None = None
    category: str | None = None
    impressions: int = 0
    clicks: int = 0
    priority: int = 0
    start_date: datetime | None = None
    end_date: datetime | None = None
    created_at: datetime | None = None
    updated_at: datetime | None = None


@frozen
class AdEvent:
    """A row of table `impressions` or `clicks` (the same columns)."""

    id: int | None
    ad_id: int
    placement: str | None = None
    user_agent: str | None = None
    ip: str | None = None
    created_at: datetime | None = None

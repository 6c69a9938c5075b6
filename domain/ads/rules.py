"""Ads: campaigns served into named placements, with impression and click tracking."""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import datetime
from typing import Any
from urllib.parse import urlsplit

from attrs import frozen

from domain.common.errors import ValidationError
from domain.common.fields import HttpUrl, check_http_url

AD_TYPES = ("diamond", "diamond_block", "banner", "spot", "hero")
PLACEMENTS = (
    "home_top",
    "home_middle",
    "home_bottom",
    "sidebar",
    "feed_mix",
    "models_grid",
    "model_profile",
    "login",
    "register",
    "feed_model",
    "model_sidebar",
    "post_detail",
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

    @property
    def ctr(self) -> float:
        """Lifetime click-through rate of the counted events."""
        return ctr(self.clicks, self.impressions)


@frozen
class AdEvent:
    """A row of table `impressions` or `clicks` (the same columns). Every event is
    stored; only `counted` ones move the ad's counters. `filter_reason` says why one
    does not count (domain.ads.counting: "bot", "repeat", "no_token", "ip_cap"), None
    when it does. `ip_group`: the address as the per-IP caps count it (an IPv6 one by
    its /64: domain.ads.counting.ip_group); cleared with the IP."""

    id: int | None
    ad_id: int
    placement: str | None = None
    user_agent: str | None = None
    ip: str | None = None
    created_at: datetime | None = None
    counted: bool = True
    filter_reason: str | None = None
    ip_group: str | None = None


# -- placement rules -----------------------------------------------------------------
# Which placements each type of ad fits (PRODUCT.md, "Valid placements by type").
VALID_PLACEMENTS: dict[str, tuple[str, ...]] = {
    "diamond": ("feed_model", "feed_mix"),
    "diamond_block": ("home_top", "home_middle", "models_grid"),
    "banner": ("home_top", "home_bottom", "login", "register", "post_detail"),
    "spot": ("sidebar", "model_profile", "model_sidebar"),
    "hero": ("home_top",),
}

# Human labels for the admin UI (pt-BR).
TYPE_LABELS: dict[str, str] = {
    "diamond": "Diamante",
    "diamond_block": "Bloco de diamantes",
    "banner": "Banner",
    "spot": "Spot",
    "hero": "Hero (destaque)",
}
PLACEMENT_LABELS: dict[str, str] = {
    "home_top": "Topo da home",
    "home_middle": "Meio da home",
    "home_bottom": "Rodapé da home",
    "sidebar": "Barra lateral",
    "feed_mix": "Feed misto",
    "models_grid": "Grade de modelos",
    "model_profile": "Perfil da modelo",
    "login": "Página de login",
    "register": "Página de cadastro",
    "feed_model": "Feed da modelo",
    "model_sidebar": "Barra lateral da modelo",
    "post_detail": "Página do post",
}
STATUS_LABELS: dict[str, str] = {"active": "Ativo", "paused": "Pausado", "draft": "Rascunho"}

# Characters RFC 3986 allows in a URI. Anything else (spaces, control characters such
# as CR/LF, backslashes, quotes, non-ASCII) must be percent-encoded: the link becomes a
# Location header verbatim, and browsers and our parser must agree on its host.
_URI_CHARS = re.compile(r"[A-Za-z0-9\-._~:/?#\[\]@!$&'()*+,;=%]+")


def check_link(text: str, name: str = "link") -> str:
    """`text` if it is an absolute http(s) URL safe to redirect to; else ValidationError."""
    if not _URI_CHARS.fullmatch(text):
        raise ValidationError(
            f"{name} must be an http(s) URL made of URL characters only "
            "(percent-encode spaces and other characters)",
            field=name,
        )
    check_http_url(text, name)
    if "@" in urlsplit(text).netloc:
        raise ValidationError(f"{name} must not contain user credentials", field=name)
    return text


@frozen
class AdLink(HttpUrl):
    """An ad's destination: an http(s) URL that is safe to put in a Location header."""

    def parse(self, value: Any, name: str) -> str:
        return check_link(super().parse(value, name), name)


def placements_of(ad_type: str) -> tuple[str, ...]:
    """The placements an ad of `ad_type` may be served in."""
    return VALID_PLACEMENTS.get(ad_type, ())


def check_ad(ad: Ad) -> None:
    """The rules spanning fields, run before every write (create and the merged entity
    of a PATCH): an invalid type/placement pair is refused, never silently replaced."""
    if ad.type not in AD_TYPES:
        raise ValidationError(f"type must be one of: {', '.join(AD_TYPES)}", field="type")
    if ad.placement not in PLACEMENTS:
        raise ValidationError(
            f"placement must be one of: {', '.join(PLACEMENTS)}", field="placement"
        )
    valid = placements_of(ad.type)
    if ad.placement not in valid:
        raise ValidationError(
            f"placement {ad.placement!r} is not valid for ads of type {ad.type!r}; "
            f"valid placements: {', '.join(valid)}",
            field="placement",
        )
    if ad.status not in STATUSES:
        raise ValidationError(f"status must be one of: {', '.join(STATUSES)}", field="status")
    if ad.start_date is not None and ad.end_date is not None and ad.end_date <= ad.start_date:
        raise ValidationError("end_date must be after start_date", field="end_date")
    check_link(ad.link)


# -- selection -----------------------------------------------------------------------
def is_servable(ad: Ad, now: datetime) -> bool:
    """Active, and inside its schedule (an unset start or end is open-ended)."""
    return (
        ad.status == "active"
        and (ad.start_date is None or ad.start_date <= now)
        and (ad.end_date is None or ad.end_date >= now)
    )


def link_is_public(ad: Ad, now: datetime) -> bool:
    """Whether the ad has been published, so that its link may be revealed: it is not a
    draft and its schedule has started. A paused or ended ad was public (pages may still
    show it); a draft or a campaign that has not started yet may be unannounced."""
    return ad.status != "draft" and (ad.start_date is None or ad.start_date <= now)


def serving_order(ad: Ad) -> tuple:
    """Sort key, best first when reversed: priority, then newest, then highest id (so
    equal ads always come out in the same order)."""
    return (ad.priority, ad.created_at is not None, ad.created_at or datetime.min, ad.id or 0)


def select_ads(ads: Iterable[Ad], placement: str, now: datetime, limit: int) -> list[Ad]:
    """The ads to serve in `placement` at `now`: servable ones, by priority desc then
    created_at desc, at most `limit`."""
    if limit <= 0:
        return []
    chosen = [ad for ad in ads if ad.placement == placement and is_servable(ad, now)]
    chosen.sort(key=serving_order, reverse=True)
    return chosen[:limit]


def ctr(clicks: int, impressions: int) -> float:
    """Click-through rate: clicks / impressions, 0 when nothing was shown."""
    return clicks / impressions if impressions > 0 else 0.0

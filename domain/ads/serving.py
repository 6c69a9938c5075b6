"""Serving ads to pages: the ads of several placements for one page view, each with the
serve token of its click URL (domain.ads.click_tokens). Without tracking (what pages
ask for), the answer comes from this process's serving cache when it is fresh enough
(domain.ads.service); with tracking, it is read and recorded afresh every time.
Recording beacons and clicks is domain.ads.tracking."""

from __future__ import annotations

from datetime import datetime

from attrs import frozen

from domain.ads import tracking
from domain.ads.click_tokens import issue_click_token
from domain.ads.commands import MAX_BATCH, ServeAds
from domain.ads.rules import PLACEMENTS, Ad, select_ads
from domain.ads.service import AdServices
from domain.common.errors import ValidationError
from domain.common.fields import Choice, Integer, Text

EVENT_TYPES = {"impression": "impressions", "click": "clicks"}
_TOKEN = Text(
    max_length=100,
    strip=False,
    description="clicks: the serve token (`t`) of the ad's click_url; a click "
    "without a valid one is recorded but not counted",
)
EVENT_FIELDS = {
    "placement": Choice(choices=PLACEMENTS, description="where the ad was shown; default: its own"),
    "token": _TOKEN,
}
BATCH_EVENT_FIELDS = {
    "ad_id": Integer(required=True, nullable=False, minimum=1),
    "placement": EVENT_FIELDS["placement"],
    "type": Choice(required=True, nullable=False, choices=tuple(EVENT_TYPES)),
    "token": _TOKEN,
}
BATCH_SIZE = (1, MAX_BATCH)


def parse_placement(raw: str, name: str) -> str:
    """`raw` if it is a placement; else a ValidationError on `name` listing them all."""
    if raw not in PLACEMENTS:
        raise ValidationError(
            f"unknown placement {raw[:50]!r}; valid placements: {', '.join(PLACEMENTS)}", field=name
        )
    return raw


@frozen
class ServedAd:
    """An ad served in `placement`, with the token its click URL carries."""

    ad: Ad
    placement: str
    click_token: str


@frozen(eq=False)
class ServedPage:
    """The answer to one request: per requested placement (in the request's order),
    its ads, best first. Compared by identity: a cached answer is the same object."""

    placements: dict[str, tuple[ServedAd, ...]]


def _earliest_end(served: dict[str, list[Ad]]) -> datetime | None:
    ends = [ad.end_date for ads in served.values() for ad in ads if ad.end_date is not None]
    return min(ends) if ends else None


def serve_ads(services: AdServices, request: ServeAds) -> ServedPage:
    """The ads of every requested placement (an empty tuple when none), read in one
    query. Unless `track` is off, one impression per served ad is recorded (counted or
    filtered, domain.ads.counting) in the same transaction, committed before the answer
    is returned; with `track` off, an answer of this process's cache may be returned
    (at most the cache's TTL old, never past the end of an ad it holds)."""
    now = services.clock.now()
    key = (request.placements, request.limit)
    if not request.track:
        cached = services.cache.get(key, now)
        if cached is not None:
            return cached
    with services.uow() as uow:
        candidates = uow.ads.servable(request.placements, now, request.limit)
        served = {p: select_ads(candidates, p, now, request.limit) for p in request.placements}
        if request.track and any(served.values()):
            if tracking.record_impressions(uow, services, now, request.visitor, served):
                uow.commit()
    page = ServedPage(
        {
            p: tuple(
                ServedAd(ad, p, issue_click_token(services.signer, ad.id or 0, p, now))
                for ad in ads
            )
            for p, ads in served.items()
        }
    )
    if not request.track:
        services.cache.put(key, page, now, until=_earliest_end(served))
    return page

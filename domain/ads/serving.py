"""Serving ads to pages and counting what visitors see and click.

Decisions (README, "Ads"): impressions and clicks of an ad that is known but not
servable right now (paused, draft, outside its schedule) are ignored — the page may
have been rendered just before an admin paused it, so the beacon is accepted and
nothing is counted. A click on a paused or ended ad still leads to its stored link;
following the click of a draft or of a campaign that has not started yet is NotFound,
as for an unknown ad (its link may be an unannounced campaign:
`domain.ads.rules.link_is_public`). Unknown ads are NotFound."""
from __future__ import annotations

from datetime import datetime
from typing import Callable

from domain.ads.rules import (EVENT_KINDS, PLACEMENTS, Ad, AdEvent, check_link, link_is_public,
                        select_ads)
from domain.common.errors import NotFound, ValidationError
from domain.ads.commands import FollowClick, ServeAds, TrackEvent, Visitor
from domain.common.fields import Choice
from ports.clock import Clock
from ports.unit_of_work import UnitOfWorkFactory

EVENT_FIELDS = {"placement": Choice(choices=PLACEMENTS,
                                    description="where the ad was shown; default: its own")}


def parse_placement(raw: str, name: str) -> str:
    """`raw` if it is a placement; else a ValidationError on `name` listing them all."""
    if raw not in PLACEMENTS:
        raise ValidationError(f"unknown placement {raw[:50]!r}; valid placements: "
                              f"{', '.join(PLACEMENTS)}", field=name)
    return raw


def _event(ad_id: int, placement: str | None, visitor: Visitor, now: datetime) -> AdEvent:
    return AdEvent(id=None, ad_id=ad_id, placement=placement, user_agent=visitor.user_agent,
                   ip=visitor.ip, created_at=now)


def serve_ads(uow_factory: UnitOfWorkFactory, clock: Clock,
              request: ServeAds) -> dict[str, list[Ad]]:
    """The ads of every requested placement (an empty list when none), read in one
    query; unless `track` is off, one impression per served ad is recorded (counters
    and rows) in the same transaction, committed before the answer is returned."""
    now = clock.now()
    with uow_factory() as uow:
        candidates = uow.ads.servable(request.placements, now, request.limit)
        served = {p: select_ads(candidates, p, now, request.limit)
                  for p in request.placements}
        if request.track and any(served.values()):
            events = []
            for p, ads in served.items():
                for ad in ads:
                    assert ad.id is not None, "servable() reads stored ads"
                    events.append(_event(ad.id, p, request.visitor, now))
            uow.ads.record_events("impressions", events)
            uow.commit()
    return served


def _track(uow_factory: UnitOfWorkFactory, clock: Clock, kind: str, ad_id: int,
           placement: str | None, visitor: Visitor,
           check: Callable[[Ad, datetime], None] | None = None) -> Ad:
    if kind not in EVENT_KINDS:
        raise ValueError(f"unknown event kind {kind!r}")
    now = clock.now()
    with uow_factory() as uow:
        # The common case in one round trip: record, then check; a failed check raises
        # and the unit of work rolls the event back.
        ad = uow.ads.record_if_servable(kind, _event(ad_id, placement, visitor, now), now)
        if ad is not None:
            if check is not None:
                check(ad, now)
            uow.commit()
            return ad
        ad = uow.ads.get(ad_id)
    if ad is None:
        raise NotFound(f"ad {ad_id} not found")
    if check is not None:
        check(ad, now)
    return ad  # not servable now: followed, not counted


def track_event(uow_factory: UnitOfWorkFactory, clock: Clock, command: TrackEvent) -> None:
    """Record one impression or click of a servable ad: its counter and an event row
    (placement, default the ad's own; user agent; IP) in one transaction. Ads not
    servable now are ignored (see the module docstring); unknown ads are NotFound."""
    _track(uow_factory, clock, command.kind, command.ad_id, command.placement, command.visitor)


def _safe_destination(ad: Ad, now: datetime) -> None:
    """The redirect reveals the link: only of a published ad, and only a safe link."""
    if not link_is_public(ad, now):
        raise NotFound(f"ad {ad.id} not found")     # as if unknown: nothing to learn
    try:
        check_link(ad.link)
    except ValidationError:
        # Only rows copied from the original database can hold such a link.
        raise NotFound(f"ad {ad.id} has no valid destination") from None


def follow_click(uow_factory: UnitOfWorkFactory, clock: Clock, command: FollowClick) -> str:
    """Record a click (as `track_event`) and return where to send the visitor: the ad's
    stored link and nothing else — never a URL the request carries. NotFound for an ad
    not published yet (a draft, a schedule not started), as for an unknown one."""
    return _track(uow_factory, clock, "clicks", command.ad_id, command.placement,
                  command.visitor, check=_safe_destination).link

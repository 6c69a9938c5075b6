"""Serving ads to pages and counting what visitors see and click.

Decisions (README, "Ads"): impressions and clicks of an ad that is known but not
servable right now (paused, draft, outside its schedule) are ignored — the page may
have been rendered just before an admin paused it, so the beacon is answered 204 and
nothing is counted. A click on a paused or ended ad still redirects to its stored link;
the click redirect of a draft or of a campaign that has not started yet is a 404, as
for an unknown ad (its link may be an unannounced campaign: `domain.ads.rules.link_is_public`).
Unknown ads are a 404."""
from __future__ import annotations

from datetime import datetime
from typing import Any, Callable, Mapping

from attrs import frozen

from domain.ads.rules import (EVENT_KINDS, PLACEMENTS, Ad, AdEvent, check_link, link_is_public,
                        select_ads)
from domain.common.errors import NotFound, ValidationError
from domain.common.fields import Boolean, Choice, Integer, parse_fields, parse_query_filters
from ports.clock import Clock
from ports.unit_of_work import UnitOfWorkFactory

MAX_USER_AGENT = 512
DEFAULT_LIMIT = 5            # ads per placement
MAX_LIMIT = 20
SERVE_LIMIT = Integer(minimum=1, maximum=MAX_LIMIT)
TRACK = Boolean()
EVENT_FIELDS = {"placement": Choice(choices=PLACEMENTS,
                                    description="where the ad was shown; default: its own")}


@frozen
class Visitor:
    """Who saw or clicked: stored with every event."""

    user_agent: str | None = None
    ip: str | None = None

    @classmethod
    def of(cls, user_agent: str | None, ip: str | None) -> "Visitor":
        """Keep at most MAX_USER_AGENT characters and no NUL (the databases refuse it)."""
        if user_agent is not None:
            user_agent = user_agent.replace("\x00", "")[:MAX_USER_AGENT] or None
        return cls(user_agent=user_agent, ip=ip)


@frozen
class ServeRequest:
    placements: tuple[str, ...]
    limit: int = DEFAULT_LIMIT
    track: bool = True


def parse_placement(raw: str, name: str) -> str:
    """`raw` if it is a placement; else a ValidationError on `name` listing them all."""
    if raw not in PLACEMENTS:
        raise ValidationError(f"unknown placement {raw[:50]!r}; valid placements: "
                              f"{', '.join(PLACEMENTS)}", field=name)
    return raw


def parse_serve_request(params: Mapping[str, Any]) -> ServeRequest:
    """`placements` (comma-separated, required; repeats are fine), `limit` per placement
    (1..20, default 5), `track` (default true)."""
    raw = params.get("placements")
    if isinstance(raw, list):
        raw = ",".join(raw)
    names = [p.strip() for p in (raw or "").split(",") if p.strip()]
    if not names:
        raise ValidationError("placements is required: a comma-separated list of "
                              f"{', '.join(PLACEMENTS)}", field="placements")
    placements = tuple(dict.fromkeys(parse_placement(p, "placements") for p in names))
    options = parse_query_filters({"limit": SERVE_LIMIT, "track": TRACK}, params)
    return ServeRequest(placements=placements, **options)


def _event(ad_id: int, placement: str | None, visitor: Visitor, now: datetime) -> AdEvent:
    return AdEvent(id=None, ad_id=ad_id, placement=placement, user_agent=visitor.user_agent,
                   ip=visitor.ip, created_at=now)


def serve_ads(uow_factory: UnitOfWorkFactory, clock: Clock, request: ServeRequest,
              visitor: Visitor) -> dict[str, list[Ad]]:
    """The ads of every requested placement (an empty list when none), read in one
    query; unless `track` is off, one impression per served ad is recorded (counters
    and rows) in the same transaction, committed before the answer is returned."""
    now = clock.now()
    with uow_factory() as uow:
        candidates = uow.ads.servable(request.placements, now, request.limit)
        served = {p: select_ads(candidates, p, now, request.limit)
                  for p in request.placements}
        if request.track and any(served.values()):
            uow.ads.record_events("impressions", [_event(ad.id, p, visitor, now)
                                                  for p, ads in served.items() for ad in ads])
            uow.commit()
    return served


def parse_event(data: Any) -> str | None:
    """The optional body of an impression/click beacon: {"placement"?}."""
    return parse_fields(EVENT_FIELDS, data, partial=True).get("placement")


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


def track_event(uow_factory: UnitOfWorkFactory, clock: Clock, kind: str, ad_id: int,
                placement: str | None, visitor: Visitor) -> None:
    """Record one impression or click of a servable ad: its counter and an event row
    (placement, default the ad's own; user agent; IP) in one transaction. Ads not
    servable now are ignored (see the module docstring); unknown ads are NotFound."""
    _track(uow_factory, clock, kind, ad_id, placement, visitor)


def _safe_destination(ad: Ad, now: datetime) -> None:
    """The redirect reveals the link: only of a published ad, and only a safe link."""
    if not link_is_public(ad, now):
        raise NotFound(f"ad {ad.id} not found")     # as if unknown: nothing to learn
    try:
        check_link(ad.link)
    except ValidationError:
        # Only rows copied from the original database can hold such a link.
        raise NotFound(f"ad {ad.id} has no valid destination") from None


def follow_click(uow_factory: UnitOfWorkFactory, clock: Clock, ad_id: int,
                 placement: str | None, visitor: Visitor) -> str:
    """Record a click (as `track_event`) and return where to send the visitor: the ad's
    stored link and nothing else — never a URL the request carries. NotFound for an ad
    not published yet (a draft, a schedule not started), as for an unknown one."""
    return _track(uow_factory, clock, "clicks", ad_id, placement, visitor,
                  check=_safe_destination).link


def parse_placement_param(params: Mapping[str, Any]) -> str | None:
    """The optional `placement` query parameter of the click redirect."""
    raw = params.get("placement")
    if raw is None or raw == "":
        return None
    if not isinstance(raw, str):
        raise ValidationError("placement must be given once", field="placement")
    return parse_placement(raw.strip(), "placement")

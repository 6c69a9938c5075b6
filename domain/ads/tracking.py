"""Recording what visitors see and click: one beacon, a page's batch of beacons, the
click redirect, and the impressions of GET /api/ads with tracking on.

Every event of an ad being served is stored, with whether it counts
(domain.ads.counting); the counters move by the counted ones only, in the same
transaction as the rows. Each unit of work starts with lock_for_tracking, which holds
back the other requests of the same address (IPv6: its /64) until it ends, so the
repeat lookup and the per-IP cap that follow see every event that address recorded
before: two requests of one visitor at the same moment cannot both count (and other
addresses are not held up).

Decisions (README, "Ads"): events of an ad that is known but not servable right now
(paused, draft, outside its schedule) are ignored — the page may have been rendered
just before an admin paused it, so the beacon is accepted and nothing is stored. A
click on a paused or ended ad still leads to its stored link; following the click of a
draft or of a campaign that has not started yet is NotFound, as for an unknown ad (its
link may be an unannounced campaign: `domain.ads.rules.link_is_public`). A single beacon
or click for an unknown ad is NotFound; in a batch, such events are dropped."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from attrs import frozen

from domain.ads import counting
from domain.ads.click_tokens import click_token_is_valid
from domain.ads.commands import Beacon, FollowClick, TrackEvent, TrackEvents, Visitor
from domain.ads.rules import EVENT_KINDS, Ad, AdEvent, check_link, is_servable, link_is_public
from domain.ads.service import AdServices
from domain.common.errors import NotFound, ValidationError
from ports.unit_of_work import UnitOfWork


@frozen
class _Seen:
    """An event of a servable ad, its placement resolved."""

    kind: str
    ad: Ad
    placement: str
    token: str | None = None


def record(
    uow: UnitOfWork, services: AdServices, now: datetime, visitor: Visitor, seen: Sequence[_Seen]
) -> int:
    """Judge and store `seen` (events of ads locked by the caller, servable at `now`),
    in the caller's unit of work; returns how many were stored."""
    if not seen:
        return 0
    bot = counting.is_bot(visitor.user_agent, services.bots.is_bot)
    reasons: list[str | None] = [
        counting.first_verdict(
            e.kind,
            bot=bot,
            token_valid=e.kind != "clicks"
            or (
                not bot
                and click_token_is_valid(services.signer, e.token, e.ad.id or 0, e.placement, now)
            ),
        )
        for e in seen
    ]
    for kind in EVENT_KINDS:
        pending = [i for i, e in enumerate(seen) if e.kind == kind and reasons[i] is None]
        keys = [
            counting.visit_key(
                seen[i].ad.id or 0, seen[i].placement, visitor.ip, visitor.user_agent
            )
            for i in pending
        ]
        lookup = counting.unique_keys(keys)
        if not lookup or not services.windows.of(kind):
            continue
        before = getattr(uow, kind).counted_since(lookup, services.windows.since(kind, now))
        for i, repeat in zip(pending, counting.repeats(keys, before)):
            if repeat:
                reasons[i] = counting.REPEAT
    group = counting.ip_group(visitor.ip)
    _cap(uow, services, now, group, seen, reasons)
    rows: dict[str, list[AdEvent]] = {kind: [] for kind in EVENT_KINDS}
    for e, reason in zip(seen, reasons):
        rows[e.kind].append(
            AdEvent(
                id=None,
                ad_id=e.ad.id or 0,
                placement=e.placement,
                user_agent=visitor.user_agent,
                ip=visitor.ip,
                created_at=now,
                counted=reason is None,
                filter_reason=reason,
                ip_group=group,
            )
        )
    return uow.ads.record_all(rows)


def _cap(
    uow: UnitOfWork,
    services: AdServices,
    now: datetime,
    group: str | None,
    seen: Sequence[_Seen],
    reasons: list[str | None],
) -> None:
    """Mark IP_CAP the events that would count past the address's hourly cap of their
    ad (whatever the user agent). The caller holds the address's lock (_who)."""
    if group is None:
        return
    for kind in EVENT_KINDS:
        cap = services.caps.of(kind)
        pending = [i for i, e in enumerate(seen) if e.kind == kind and reasons[i] is None]
        if not pending or cap <= 0:
            continue
        ad_ids = [seen[i].ad.id or 0 for i in pending]
        before = getattr(uow, kind).counted_per_ip_since(
            sorted(set(ad_ids)), group, now - counting.CAP_WINDOW
        )
        for i, over in zip(pending, counting.over_cap(ad_ids, before, cap)):
            if over:
                reasons[i] = counting.IP_CAP


def record_impressions(
    uow: UnitOfWork,
    services: AdServices,
    now: datetime,
    visitor: Visitor,
    served: dict[str, list[Ad]],
) -> int:
    """The impressions of ads just served (GET /api/ads with tracking on), judged like
    beacons, in the caller's unit of work. Ads paused since they were read are left
    out."""
    locked = uow.ads.lock_for_tracking(
        [ad.id or 0 for ads in served.values() for ad in ads], _who(visitor)
    )
    seen = [
        _Seen("impressions", locked[ad.id], placement)
        for placement, ads in served.items()
        for ad in ads
        if ad.id in locked and is_servable(locked[ad.id], now)
    ]
    return record(uow, services, now, visitor, seen)


def _who(visitor: Visitor) -> str | None:
    """The lock of a tracking transaction: the visitor's address (an IPv6 one by its
    /64), whatever the user agent, so that both the repeat lookup (IP + user agent)
    and the per-IP cap see every earlier event of that address."""
    return counting.ip_group(visitor.ip)


def _resolve(locked: dict[int, Ad], beacons: Sequence[Beacon], now: datetime) -> list[_Seen]:
    return [
        _Seen(b.kind, locked[b.ad_id], b.placement or locked[b.ad_id].placement, b.token)
        for b in beacons
        if b.ad_id in locked and is_servable(locked[b.ad_id], now)
    ]


def track_event(services: AdServices, command: TrackEvent) -> None:
    """Record one impression or click (counted or filtered) of a servable ad: its
    counter and its row in one transaction. Ads not servable now are ignored (see the
    module docstring); unknown ads are NotFound."""
    if command.kind not in EVENT_KINDS:
        raise ValueError(f"unknown event kind {command.kind!r}")
    now = services.clock.now()
    with services.uow() as uow:
        locked = uow.ads.lock_for_tracking([command.ad_id], _who(command.visitor))
        if command.ad_id not in locked:
            raise NotFound(f"ad {command.ad_id} not found")
        beacon = Beacon(command.kind, command.ad_id, command.placement, command.token)
        if record(uow, services, now, command.visitor, _resolve(locked, [beacon], now)):
            uow.commit()


def track_events(services: AdServices, command: TrackEvents) -> int:
    """Record a page's events (at most MAX_BATCH) in one transaction, each counted or
    filtered; events of unknown or not servable ads are dropped. Returns how many were
    stored."""
    if any(b.kind not in EVENT_KINDS for b in command.events):
        raise ValueError("unknown event kind")
    now = services.clock.now()
    with services.uow() as uow:
        locked = uow.ads.lock_for_tracking(
            sorted({b.ad_id for b in command.events}), _who(command.visitor)
        )
        stored = record(uow, services, now, command.visitor, _resolve(locked, command.events, now))
        if stored:
            uow.commit()
    return stored


def _safe_destination(ad: Ad, now: datetime) -> str:
    """The redirect reveals the link: only of a published ad, and only a safe link."""
    if not link_is_public(ad, now):
        raise NotFound(f"ad {ad.id} not found")  # as if unknown: nothing to learn
    try:
        return check_link(ad.link)
    except ValidationError:
        # Only rows copied from the original database can hold such a link.
        raise NotFound(f"ad {ad.id} has no valid destination") from None


def follow_click(services: AdServices, command: FollowClick) -> str:
    """Record a click (as `track_event`; it counts only with a valid serve token) and
    return where to send the visitor: the ad's stored link and nothing else — never a
    URL the request carries. NotFound for an ad not published yet (a draft, a schedule
    not started), as for an unknown one."""
    now = services.clock.now()
    with services.uow() as uow:
        locked = uow.ads.lock_for_tracking([command.ad_id], _who(command.visitor))
        ad = locked.get(command.ad_id)
        if ad is None:
            raise NotFound(f"ad {command.ad_id} not found")
        link = _safe_destination(ad, now)
        beacon = Beacon("clicks", command.ad_id, command.placement, command.token)
        if record(uow, services, now, command.visitor, _resolve(locked, [beacon], now)):
            uow.commit()
    return link

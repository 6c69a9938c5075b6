"""Administering ads: the CRUD description (validated by `check_ad` on every write, the
merged entity of a PATCH included), toggling, and per-day statistics (counted and
filtered events side by side)."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime, time, timedelta
from types import MappingProxyType

import attrs
from attrs import field, frozen

from domain.ads.rules import AD_TYPES, PLACEMENTS, STATUSES, Ad, AdLink, check_ad, ctr
from domain.common import crud
from domain.common.errors import Conflict, NotFound
from domain.common.fields import Choice, HttpUrl, Integer, Text, Timestamp
from ports.clock import Clock
from ports.unit_of_work import UnitOfWorkFactory

PRIORITY_RANGE = 1_000_000

AD_FIELDS = {
    "name": Text(required=True, description="internal campaign name"),
    "type": Choice(nullable=False, choices=AD_TYPES),
    "placement": Choice(
        nullable=False,
        choices=PLACEMENTS,
        description="must be valid for the type (see GET /api/ads/meta)",
    ),
    "status": Choice(nullable=False, choices=STATUSES),
    "title": Text(required=True),
    "subtitle": Text(max_length=500),
    "cta_text": Text(max_length=100),
    "image_url": HttpUrl(),
    "link": AdLink(required=True, description="http(s) destination of the click redirect"),
    "category": Text(max_length=100),
    "priority": Integer(
        nullable=False,
        minimum=-PRIORITY_RANGE,
        maximum=PRIORITY_RANGE,
        description="higher is served first",
    ),
    "start_date": Timestamp(description="served from (UTC); null: already started"),
    "end_date": Timestamp(description="served until (UTC); null: no end"),
}

AD_FILTERS = {
    "status": Choice(choices=STATUSES),
    "placement": Choice(choices=PLACEMENTS),
    "type": Choice(choices=AD_TYPES),
}

ADS = crud.Resource(
    name="ad",
    repo="ads",
    entity=Ad,
    fields=AD_FIELDS,
    filters=AD_FILTERS,
    order_by=("-created_at", "-id"),
    check=check_ad,
)

# Toggle switches active <-> paused (PRODUCT.md). A draft is not toggled: publishing a
# campaign is a deliberate act (setting its status to active), never a side effect of
# a pause/resume button.
TOGGLED = {"active": "paused", "paused": "active"}


def toggle_ad(uow_factory: UnitOfWorkFactory, clock: Clock, ad_id: int) -> Ad:
    """Switch an ad between active and paused. NotFound for an unknown ad; Conflict (on
    `status`) for a draft, which is published by setting its status to active."""
    with uow_factory() as uow:
        ad = uow.ads.get(ad_id)
        if ad is None:
            raise NotFound(f"ad {ad_id} not found")
        if ad.status not in TOGGLED:
            raise Conflict(
                f"ad {ad_id} is a {ad.status}: toggle switches active and paused "
                "ads only; to publish it, set its status to active explicitly",
                field="status",
            )
        toggled = uow.ads.update(
            attrs.evolve(ad, status=TOGGLED[ad.status], updated_at=clock.now())
        )
        uow.commit()
    return toggled


# -- statistics ----------------------------------------------------------------------
DEFAULT_STATS_DAYS = 30
MAX_STATS_DAYS = 365
STATS_DAYS = Integer(minimum=1, maximum=MAX_STATS_DAYS)


@frozen
class DayStats:
    """One UTC day: the counted events (they make the CTR) and the filtered ones."""

    day: date
    impressions: int
    clicks: int
    filtered_impressions: int = 0
    filtered_clicks: int = 0

    @property
    def ctr(self) -> float:
        return ctr(self.clicks, self.impressions)


# {filter reason: events}, over the window, per kind.
Filtered = Mapping[str, int]


@frozen
class AdStats:
    """Totals over the window (from the event tables), the ad's lifetime counters, and
    one entry per UTC day of the window, oldest first. Counted and filtered events
    side by side; `filtered_impressions`/`filtered_clicks` by reason."""

    ad: Ad
    days: int
    series: tuple[DayStats, ...]
    filtered_impressions_by_reason: Filtered = field(factory=dict)
    filtered_clicks_by_reason: Filtered = field(factory=dict)

    @property
    def impressions(self) -> int:
        return sum(d.impressions for d in self.series)

    @property
    def clicks(self) -> int:
        return sum(d.clicks for d in self.series)

    @property
    def filtered_impressions(self) -> int:
        return sum(d.filtered_impressions for d in self.series)

    @property
    def filtered_clicks(self) -> int:
        return sum(d.filtered_clicks for d in self.series)

    @property
    def ctr(self) -> float:
        return ctr(self.clicks, self.impressions)


_NONE: Mapping[date, int] = MappingProxyType({})


def window(today: date, days: int) -> list[date]:
    """The `days` UTC days ending with `today`, oldest first."""
    return [today - timedelta(days=offset) for offset in range(days - 1, -1, -1)]


def daily_series(
    days: list[date],
    impressions: Mapping[date, int],
    clicks: Mapping[date, int],
    filtered_impressions: Mapping[date, int] = _NONE,
    filtered_clicks: Mapping[date, int] = _NONE,
) -> tuple[DayStats, ...]:
    """One entry per day; days without events are zeros; counts outside `days` are
    ignored."""
    return tuple(
        DayStats(
            day,
            impressions.get(day, 0),
            clicks.get(day, 0),
            filtered_impressions.get(day, 0),
            filtered_clicks.get(day, 0),
        )
        for day in days
    )


def split_outcomes(
    outcomes: Mapping[date, Mapping[str | None, int]],
) -> tuple[dict[date, int], dict[date, int], dict[str, int]]:
    """{day: {reason or None: events}} as counted per day, filtered per day, and
    filtered per reason."""
    counted: dict[date, int] = {}
    filtered: dict[date, int] = {}
    reasons: dict[str, int] = {}
    for day, by_reason in outcomes.items():
        for reason, events in by_reason.items():
            if reason is None:
                counted[day] = counted.get(day, 0) + events
            else:
                filtered[day] = filtered.get(day, 0) + events
                reasons[reason] = reasons.get(reason, 0) + events
    return counted, filtered, reasons


def ad_stats(uow_factory: UnitOfWorkFactory, clock: Clock, ad_id: int, days: int) -> AdStats:
    """Impressions, clicks and CTR of an ad over the last `days` UTC days (today
    included), counted and filtered, per day and per filter reason, by the database."""
    span = window(clock.now().date(), days)
    since = datetime.combine(span[0], time.min)
    until = datetime.combine(span[-1] + timedelta(days=1), time.min)
    with uow_factory() as uow:
        ad = uow.ads.get(ad_id)
        if ad is None:
            raise NotFound(f"ad {ad_id} not found")
        shown = split_outcomes(uow.impressions.outcomes_by_day(ad_id, since, until))
        clicked = split_outcomes(uow.clicks.outcomes_by_day(ad_id, since, until))
    return AdStats(
        ad=ad,
        days=days,
        series=daily_series(span, shown[0], clicked[0], shown[1], clicked[1]),
        filtered_impressions_by_reason=shown[2],
        filtered_clicks_by_reason=clicked[2],
    )

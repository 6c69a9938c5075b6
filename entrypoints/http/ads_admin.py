"""Admin routes of the ads area: CRUD (the generic admin resource, each ad with its
CTR), toggle, and per-day statistics."""

from __future__ import annotations

from typing import Any

import attrs
import falcon

from domain.ads.admin import (
    ADS,
    DEFAULT_STATS_DAYS,
    MAX_STATS_DAYS,
    STATS_DAYS,
    AdStats,
    ad_stats,
    toggle_ad,
)
from domain.ads.counting import FILTER_REASONS
from domain.ads.rules import Ad
from domain.common.errors import ValidationError
from entrypoints.bootstrap import Deps
from entrypoints.http.crud import Store, crud_routes
from entrypoints.http.json_io import to_json
from entrypoints.http.routes import ADMIN, Operation, Param, Route
from entrypoints.http.schemas import entity_schema, page_schema
from ports.clock import Clock
from ports.unit_of_work import UnitOfWorkFactory

TAGS = ("ads",)
_NUMBER = {"type": "number", "minimum": 0}
_INTEGER = {"type": "integer", "minimum": 0}
_DAY = {"type": "string", "format": "date"}
AD_SCHEMA = entity_schema(Ad, extra={"ctr": {**_NUMBER, "description": "clicks / impressions"}})
_TOTALS = {"impressions": _INTEGER, "clicks": _INTEGER, "ctr": _NUMBER}
_FILTERED = {
    "filtered_impressions": {**_INTEGER, "description": "recorded, not counted"},
    "filtered_clicks": {**_INTEGER, "description": "recorded, not counted"},
}
_REASONS = {
    "type": "object",
    "required": list(FILTER_REASONS),
    "properties": {reason: _INTEGER for reason in FILTER_REASONS},
}
STATS_SCHEMA = {
    "type": "object",
    "required": [
        "ad_id",
        "days",
        "since",
        "until",
        "impressions",
        "clicks",
        "ctr",
        "filtered_impressions",
        "filtered_clicks",
        "filtered",
        "lifetime",
        "series",
    ],
    "properties": {
        "ad_id": {"type": "integer"},
        "days": {"type": "integer"},
        "since": {**_DAY, "description": "first UTC day of the window"},
        "until": {**_DAY, "description": "last UTC day of the window (today)"},
        **_TOTALS,
        **_FILTERED,
        "filtered": {
            "type": "object",
            "required": ["impressions", "clicks"],
            "description": "events of the window not counted, by reason: bot "
            "(crawler user agent, or none), repeat (same visitor, "
            "ad and placement within the window), no_token (a "
            "click without a valid serve token), ip_cap (over "
            "the hourly cap of counted events of this ad from "
            "one address, IPv6 by /64, whatever the user agent)",
            "properties": {"impressions": _REASONS, "clicks": _REASONS},
        },
        "lifetime": {
            "type": "object",
            "required": sorted(_TOTALS),
            "properties": _TOTALS,
            "description": "the ad's counters (counted events) since it was created",
        },
        "series": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["date", *sorted(_TOTALS), *sorted(_FILTERED)],
                "properties": {"date": _DAY, **_TOTALS, **_FILTERED},
            },
        },
    },
}


def ad_json(ad: Ad) -> dict:
    data = to_json(ad)
    data["ctr"] = ad.ctr
    return data


def stats_json(stats: AdStats) -> dict:
    ad = stats.ad
    return {
        "ad_id": ad.id,
        "days": stats.days,
        "since": stats.series[0].day,
        "until": stats.series[-1].day,
        "impressions": stats.impressions,
        "clicks": stats.clicks,
        "ctr": stats.ctr,
        "filtered_impressions": stats.filtered_impressions,
        "filtered_clicks": stats.filtered_clicks,
        "filtered": {
            "impressions": {
                r: stats.filtered_impressions_by_reason.get(r, 0) for r in FILTER_REASONS
            },
            "clicks": {r: stats.filtered_clicks_by_reason.get(r, 0) for r in FILTER_REASONS},
        },
        "lifetime": {"impressions": ad.impressions, "clicks": ad.clicks, "ctr": ad.ctr},
        "series": [
            {
                "date": d.day,
                "impressions": d.impressions,
                "clicks": d.clicks,
                "ctr": d.ctr,
                "filtered_impressions": d.filtered_impressions,
                "filtered_clicks": d.filtered_clicks,
            }
            for d in stats.series
        ],
    }


def _with_ctr(routes: list[Route]) -> list[Route]:
    """The generic CRUD routes document the bare entity; ours carry `ctr` as well."""
    bare = entity_schema(Ad)

    def schema(value: dict | None) -> dict | None:
        if value == bare:
            return AD_SCHEMA
        if value == page_schema(bare):
            return page_schema(AD_SCHEMA)
        return value

    return [
        attrs.evolve(
            route,
            operations=tuple(
                attrs.evolve(op, responses={s: schema(v) for s, v in op.responses.items()})
                for op in route.operations
            ),
        )
        for route in routes
    ]


def parse_days(raw: Any) -> int:
    """The `days` query parameter: 1..365, default 30."""
    if raw is None or raw == "":
        return DEFAULT_STATS_DAYS
    if not isinstance(raw, str):
        raise ValidationError("days must be given once", field="days")
    return STATS_DAYS.parse_query(raw, "days")


class ToggleResource:
    def __init__(self, uow: UnitOfWorkFactory, clock: Clock):
        self.uow, self.clock = uow, clock

    def on_post(self, req: falcon.Request, resp: falcon.Response, id: int) -> None:
        resp.media = ad_json(toggle_ad(self.uow, self.clock, id))


class StatsResource:
    def __init__(self, uow: UnitOfWorkFactory, clock: Clock):
        self.uow, self.clock = uow, clock

    def on_get(self, req: falcon.Request, resp: falcon.Response, id: int) -> None:
        days = parse_days(req.params.get("days"))
        resp.media = stats_json(ad_stats(self.uow, self.clock, id, days))


def routes(deps: Deps) -> list[Route]:
    uow, clock = deps.uow, deps.clock
    return [
        *_with_ctr(
            crud_routes("/api/admin/ads", ADS, Store.of(deps), tag="ads", serialize=ad_json)
        ),
        Route(
            "/api/admin/ads/{id:id}/toggle",
            ToggleResource(uow, clock),
            (
                Operation(
                    "POST",
                    "Pause an active ad, or resume a paused one (409 for a "
                    "draft: publish it by setting its status to active)",
                    ADMIN,
                    tags=TAGS,
                    responses={200: AD_SCHEMA, 409: None},
                ),
            ),
        ),
        Route(
            "/api/admin/ads/{id:id}/stats",
            StatsResource(uow, clock),
            (
                Operation(
                    "GET",
                    "Impressions, clicks and CTR of an ad (counted events), with the "
                    "filtered ones beside them, totals and per UTC day",
                    ADMIN,
                    tags=TAGS,
                    responses={200: STATS_SCHEMA},
                    params=(
                        Param(
                            "days",
                            {"type": "integer", "minimum": 1, "maximum": MAX_STATS_DAYS},
                            description="days up to today (default 30)",
                        ),
                    ),
                ),
            ),
        ),
    ]

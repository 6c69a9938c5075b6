"""HTTP routes of the ads area: what pages call (serving, beacons, the click redirect,
the enumerations with their labels). The admin routes are in ads_admin."""
from __future__ import annotations

import falcon

from typing import Any, Mapping

from domain.ads import serving
from domain.ads.commands import DEFAULT_LIMIT, MAX_LIMIT, FollowClick, ServeAds, TrackEvent, Visitor
from domain.common.errors import ValidationError
from domain.common.fields import Boolean, Integer, parse_fields, parse_query_filters
from domain.ads.rules import (AD_TYPES, PLACEMENT_LABELS, PLACEMENTS, STATUS_LABELS, STATUSES,
                        TYPE_LABELS, VALID_PLACEMENTS, Ad)
from entrypoints.http import ads_admin
from entrypoints.http.client_ip import request_ip
from entrypoints.http.json_io import read_json
from entrypoints.http.openapi import body_schema, entity_schema
from entrypoints.http.routes import Operation, Param, Route

TAGS = ("ads",)
# What a page needs to render an ad; counters, schedule and status stay private.
PRIVATE = ("name", "status", "impressions", "clicks", "priority", "start_date", "end_date",
           "created_at", "updated_at")
PUBLIC_AD_SCHEMA = entity_schema(Ad, PRIVATE, extra={"click_url": {
    "type": "string", "description": "this server's click-through path (records the click)"}})
SERVED_SCHEMA = {"type": "object", "additionalProperties": False,
                 "description": "one key per requested placement",
                 "properties": {p: {"type": "array", "items": PUBLIC_AD_SCHEMA}
                                for p in PLACEMENTS}}
_NAMES = {"type": "array", "items": {"type": "string"}}
_LABELS = {"type": "object", "additionalProperties": {"type": "string"}}
META_SCHEMA = {
    "type": "object",
    "required": ["types", "placements", "statuses", "valid_placements", "labels"],
    "properties": {
        "types": _NAMES, "placements": _NAMES, "statuses": _NAMES,
        "valid_placements": {"type": "object", "additionalProperties": _NAMES},
        "labels": {"type": "object", "required": ["types", "placements", "statuses"],
                   "properties": {"types": _LABELS, "placements": _LABELS,
                                  "statuses": _LABELS}}},
}
META = {
    "types": list(AD_TYPES), "placements": list(PLACEMENTS), "statuses": list(STATUSES),
    "valid_placements": {t: list(p) for t, p in VALID_PLACEMENTS.items()},
    "labels": {"types": TYPE_LABELS, "placements": PLACEMENT_LABELS,
               "statuses": STATUS_LABELS},
}
SERVE_PARAMS = (
    Param("placements", {"type": "string", "maxLength": 1000}, required=True,
          description="comma-separated placements, e.g. home_top,sidebar"),
    Param("limit", {"type": "integer", "minimum": 1, "maximum": MAX_LIMIT},
          description=f"ads per placement (default {DEFAULT_LIMIT})"),
    Param("track", {"type": "boolean"},
          description="record one impression per served ad (default true)"),
)


def public_ad_json(ad: Ad, placement: str) -> dict:
    # Field by field rather than to_json: this runs for every ad of every page view.
    return {"id": ad.id, "type": ad.type, "placement": ad.placement, "title": ad.title,
            "subtitle": ad.subtitle, "cta_text": ad.cta_text, "image_url": ad.image_url,
            "link": ad.link, "category": ad.category,
            "click_url": f"/r/ads/{ad.id}?placement={placement}"}


SERVE_OPTIONS = {"limit": Integer(minimum=1, maximum=MAX_LIMIT), "track": Boolean()}


def visitor(req: falcon.Request, deps) -> Visitor:
    return Visitor.of(req.user_agent, request_ip(req, deps.config.trusted_proxies))


def serve_ads_command(params: Mapping[str, Any], who: Visitor) -> ServeAds:
    """`placements` (comma-separated, required; repeats are fine), `limit` per placement
    (1..20, default 5), `track` (default true)."""
    raw = params.get("placements")
    if isinstance(raw, list):
        raw = ",".join(raw)
    names = [p.strip() for p in (raw or "").split(",") if p.strip()]
    if not names:
        raise ValidationError("placements is required: a comma-separated list of "
                              f"{', '.join(PLACEMENTS)}", field="placements")
    placements = tuple(dict.fromkeys(serving.parse_placement(p, "placements") for p in names))
    options = parse_query_filters(SERVE_OPTIONS, params)
    return ServeAds(placements=placements, visitor=who, **options)


def event_placement(data: Any) -> str | None:
    """The optional body of an impression/click beacon: {"placement"?}."""
    return parse_fields(serving.EVENT_FIELDS, data, partial=True).get("placement")


def placement_param(params: Mapping[str, Any]) -> str | None:
    """The optional `placement` query parameter of the click redirect."""
    raw = params.get("placement")
    if raw is None or raw == "":
        return None
    if not isinstance(raw, str):
        raise ValidationError("placement must be given once", field="placement")
    return serving.parse_placement(raw.strip(), "placement")


class MetaResource:
    def on_get(self, req, resp) -> None:
        resp.media = META


class ServeResource:
    def __init__(self, deps):
        self.deps = deps

    def on_get(self, req, resp) -> None:
        request = serve_ads_command(req.params, visitor(req, self.deps))
        served = serving.serve_ads(self.deps.uow, self.deps.clock, request)
        resp.media = {p: [public_ad_json(ad, p) for ad in ads] for p, ads in served.items()}
        # Every answer counts impressions: no cache may replay it.
        resp.cache_control = ("no-store",)


class EventResource:
    """POST /api/ads/{id}/impressions or /clicks (a beacon from the page)."""

    def __init__(self, deps, kind: str):
        self.deps, self.kind = deps, kind

    def on_post(self, req, resp, id: int) -> None:
        placement = event_placement(read_json(req, self.deps.config.max_body_bytes,
                                              required=False))
        serving.track_event(self.deps.uow, self.deps.clock,
                            TrackEvent(self.kind, id, placement, visitor(req, self.deps)))
        resp.status = falcon.HTTP_204


class RedirectResource:
    """GET /r/ads/{id}: the link pages put on an ad. The destination is the ad's stored
    link only; no query parameter can change it (no open redirect)."""

    def __init__(self, deps):
        self.deps = deps

    def on_get(self, req, resp, id: int) -> None:
        command = FollowClick(id, placement_param(req.params), visitor(req, self.deps))
        link = serving.follow_click(self.deps.uow, self.deps.clock, command)
        resp.status = falcon.HTTP_302
        # set_header, not resp.location: the stored link is sent byte for byte.
        resp.set_header("Location", link)
        resp.cache_control = ("no-store",)


def _event_route(deps, kind: str) -> Route:
    return Route(f"/api/ads/{{id:id}}/{kind}", EventResource(deps, kind), (
        Operation("POST", f"Record one {kind[:-1]} of an ad (ignored while it is not served)",
                  tags=TAGS, request=body_schema(serving.EVENT_FIELDS, partial=True),
                  request_required=False, responses={204: None}),))


def routes(deps) -> list[Route]:
    return [
        Route("/api/ads/meta", MetaResource(), (
            Operation("GET", "Ad types, placements, statuses, valid placements by type "
                      "and their pt-BR labels", tags=TAGS, responses={200: META_SCHEMA}),)),
        Route("/api/ads", ServeResource(deps), (
            Operation("GET", "The ads to show in several placements (one query); records "
                      "an impression per ad unless track=false", tags=TAGS,
                      params=SERVE_PARAMS, responses={200: SERVED_SCHEMA}),)),
        _event_route(deps, "impressions"),
        _event_route(deps, "clicks"),
        Route("/r/ads/{id:id}", RedirectResource(deps), (
            Operation("GET", "Record a click and redirect to the ad's stored link",
                      tags=TAGS, params=(Param("placement", {"type": "string",
                                                             "enum": list(PLACEMENTS)}),),
                      responses={302: None},
                      headers={302: {"Location": {"type": "string", "format": "uri"}}}),)),
        *ads_admin.routes(deps),
    ]

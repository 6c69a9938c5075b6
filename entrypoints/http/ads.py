"""HTTP routes of the ads area: what pages call (serving, beacons one by one or in a
batch, the click redirect, the enumerations with their labels). The admin routes are in
ads_admin."""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Mapping
from typing import Any

import attrs
import falcon

from domain.ads import serving, tracking
from domain.ads.commands import (
    DEFAULT_LIMIT,
    MAX_BATCH,
    MAX_LIMIT,
    Beacon,
    FollowClick,
    ServeAds,
    TrackEvent,
    TrackEvents,
    Visitor,
)
from domain.ads.rules import (
    AD_TYPES,
    PLACEMENT_LABELS,
    PLACEMENTS,
    STATUS_LABELS,
    STATUSES,
    TYPE_LABELS,
    VALID_PLACEMENTS,
    Ad,
)
from domain.ads.service import AdServices
from domain.common.errors import ValidationError
from domain.common.fields import Boolean, Integer, parse_fields, parse_query_filters
from entrypoints.bootstrap import Deps
from entrypoints.http.client_ip import Network, request_ip
from entrypoints.http.json_io import read_json
from entrypoints.http.media_links import MediaLinks
from entrypoints.http.routes import GROUPS, NO_MEDIA, Operation, Param, Route, Serves
from entrypoints.http.schemas import body_schema, entity_schema

TAGS = ("ads",)
# What a page needs to render an ad; counters, schedule and status stay private.
PRIVATE = (
    "name",
    "status",
    "impressions",
    "clicks",
    "priority",
    "start_date",
    "end_date",
    "created_at",
    "updated_at",
)
PUBLIC_AD_SCHEMA = entity_schema(
    Ad,
    PRIVATE,
    extra={
        "click_url": {
            "type": "string",
            "description": "this server's click-through path: records the click "
            "and redirects to `link`; its `t` is the serve token (bound to the ad and placement, "
            "valid 1 h) without which a click is not counted",
        }
    },
)
SERVED_SCHEMA = {
    "type": "object",
    "additionalProperties": False,
    "description": "one key per requested placement",
    "properties": {p: {"type": "array", "items": PUBLIC_AD_SCHEMA} for p in PLACEMENTS},
}
BATCH_SCHEMA = {
    "type": "object",
    "additionalProperties": False,
    "required": ["events"],
    "properties": {
        "events": {
            "type": "array",
            "minItems": 1,
            "maxItems": MAX_BATCH,
            "description": "what one page view showed (impressions, once at least half of the "
            "ad was on screen) and clicked",
            "items": body_schema(serving.BATCH_EVENT_FIELDS),
        }
    },
}
_NAMES = {"type": "array", "items": {"type": "string"}}
_LABELS = {"type": "object", "additionalProperties": {"type": "string"}}
META_SCHEMA = {
    "type": "object",
    "required": ["types", "placements", "statuses", "valid_placements", "labels"],
    "properties": {
        "types": _NAMES,
        "placements": _NAMES,
        "statuses": _NAMES,
        "valid_placements": {"type": "object", "additionalProperties": _NAMES},
        "labels": {
            "type": "object",
            "required": ["types", "placements", "statuses"],
            "properties": {"types": _LABELS, "placements": _LABELS, "statuses": _LABELS},
        },
    },
}
META = {
    "types": list(AD_TYPES),
    "placements": list(PLACEMENTS),
    "statuses": list(STATUSES),
    "valid_placements": {t: list(p) for t, p in VALID_PLACEMENTS.items()},
    "labels": {"types": TYPE_LABELS, "placements": PLACEMENT_LABELS, "statuses": STATUS_LABELS},
}
SERVE_PARAMS = (
    Param(
        "placements",
        {"type": "string", "maxLength": 1000},
        required=True,
        description="comma-separated placements, e.g. home_top,sidebar",
    ),
    Param(
        "limit",
        {"type": "integer", "minimum": 1, "maximum": MAX_LIMIT},
        description=f"ads per placement (default {DEFAULT_LIMIT})",
    ),
    Param(
        "track",
        {"type": "boolean"},
        description="record one impression per served ad (default true); with false "
        "(what pages use) the answer may be up to CREATORFLIX_AD_CACHE_MS old",
    ),
)


AD_MEDIA = ("image_url",)


def click_url(ad_id: int, placement: str, token: str) -> str:
    """This server's click-through path of a served ad (the token is URL-safe as is)."""
    return f"/r/ads/{ad_id}?placement={placement}&t={token}"


def public_ad_json(served: serving.ServedAd) -> dict:
    # Field by field rather than to_json: this runs for every ad of every page view.
    ad = served.ad
    return {
        "id": ad.id,
        "type": ad.type,
        "placement": ad.placement,
        "title": ad.title,
        "subtitle": ad.subtitle,
        "cta_text": ad.cta_text,
        "image_url": ad.image_url,
        "link": ad.link,
        "category": ad.category,
        "click_url": click_url(ad.id or 0, served.placement, served.click_token),
    }


SERVE_OPTIONS = {"limit": Integer(minimum=1, maximum=MAX_LIMIT), "track": Boolean()}


def visitor(req: falcon.Request, proxies: Iterable[Network]) -> Visitor:
    return Visitor.of(req.user_agent, request_ip(req, proxies))


def serve_ads_command(params: Mapping[str, Any], who: Visitor) -> ServeAds:
    """`placements` (comma-separated, required; repeats are fine), `limit` per placement
    (1..20, default 5), `track` (default true)."""
    raw = params.get("placements")
    if isinstance(raw, list):
        raw = ",".join(raw)
    names = [p.strip() for p in (raw or "").split(",") if p.strip()]
    if not names:
        raise ValidationError(
            f"placements is required: a comma-separated list of {', '.join(PLACEMENTS)}",
            field="placements",
        )
    placements = tuple(dict.fromkeys(serving.parse_placement(p, "placements") for p in names))
    options = parse_query_filters(SERVE_OPTIONS, params)
    return ServeAds(placements=placements, visitor=who, **options)


def event_body(data: Any) -> tuple[str | None, str | None]:
    """The optional body of an impression/click beacon: {"placement"?, "token"?}."""
    values = parse_fields(serving.EVENT_FIELDS, data, partial=True)
    return values.get("placement"), values.get("token")


def track_events_command(data: Any, who: Visitor) -> TrackEvents:
    """The body of POST /api/ads/events: {"events": [{ad_id, placement?, type, token?}]},
    1 to 50 events; errors name the field (`events`, `events[3].type`)."""
    if not isinstance(data, dict):
        raise ValidationError("the request body must be a JSON object", field="body")
    for name in data:
        if name != "events":
            raise ValidationError(
                f"unknown field {str(name)[:100]!r}",
                field=str(name)[:100].encode("utf-8", "replace").decode(),
            )
    events = data.get("events")
    low, high = serving.BATCH_SIZE
    if not isinstance(events, list) or not low <= len(events) <= high:
        raise ValidationError(f"events must be a list of {low} to {high} events", field="events")
    beacons = []
    for i, item in enumerate(events):
        where = f"events[{i}]"
        if not isinstance(item, dict):
            raise ValidationError(f"{where} must be an object", field=where)
        try:
            values = parse_fields(serving.BATCH_EVENT_FIELDS, item, partial=False)
        except ValidationError as exc:
            raise ValidationError(f"{where}: {exc.message}", field=f"{where}.{exc.field}") from None
        kind = serving.EVENT_TYPES[values["type"]]
        beacons.append(
            Beacon(
                kind,
                values["ad_id"],
                values.get("placement"),
                values.get("token") if kind == "clicks" else None,
            )
        )
    return TrackEvents(tuple(beacons), who)


def placement_param(params: Mapping[str, Any]) -> str | None:
    """The optional `placement` query parameter of the click redirect."""
    raw = params.get("placement")
    if raw is None or raw == "":
        return None
    if not isinstance(raw, str):
        raise ValidationError("placement must be given once", field="placement")
    return serving.parse_placement(raw.strip(), "placement")


class MetaResource:
    def on_get(self, req: falcon.Request, resp: falcon.Response) -> None:
        resp.media = META


MAX_KEPT = 512


class ServeResource:
    """GET /api/ads. The answer is the same for every caller (the age gate applies to it
    in the response step, entrypoints.http.age_gate): while the domain's serving cache
    returns the same page, the same answer is given, marked shared (the gate step then
    renders its JSON once per gate state)."""

    def __init__(self, ads: AdServices, proxies: Iterable[Network], links: MediaLinks):
        self.ads, self.proxies, self.links = ads, proxies, links
        self._kept: dict[Hashable, tuple[serving.ServedPage, dict]] = {}

    def on_get(self, req: falcon.Request, resp: falcon.Response) -> None:
        request = serve_ads_command(req.params, Visitor())
        if request.track:
            request = attrs.evolve(request, visitor=visitor(req, self.proxies))
        page = serving.serve_ads(self.ads, request)
        key = (request.placements, request.limit)
        kept = self._kept.get(key)
        if kept is not None and kept[0] is page:
            body = kept[1]
        else:
            # An uploaded image is answered signed (the kept answer lives far less than
            # the link: CREATORFLIX_AD_CACHE_MS against CREATORFLIX_SIGNED_URL_TTL).
            body = {
                p: [self.links.sign_fields(public_ad_json(s), AD_MEDIA) for s in served]
                for p, served in page.placements.items()
            }
            if not request.track:
                if len(self._kept) >= MAX_KEPT:
                    self._kept = {}
                self._kept[key] = (page, body)
        resp.media = body
        resp.context.shared = not request.track
        # Tracked answers count impressions, and every answer carries serve tokens.
        resp.cache_control = ("no-store",)


class EventResource:
    """POST /api/ads/{id}/impressions or /clicks (a beacon from the page)."""

    def __init__(self, ads: AdServices, proxies: Iterable[Network], max_body: int, kind: str):
        self.ads, self.proxies, self.max_body, self.kind = ads, proxies, max_body, kind

    def on_post(self, req: falcon.Request, resp: falcon.Response, id: int) -> None:
        placement, token = event_body(read_json(req, self.max_body, required=False))
        tracking.track_event(
            self.ads, TrackEvent(self.kind, id, placement, visitor(req, self.proxies), token)
        )
        resp.status = falcon.HTTP_204


class BatchResource:
    """POST /api/ads/events: the beacons of one page view (navigator.sendBeacon sends
    them as text/plain: the body is read as JSON whatever its content type)."""

    def __init__(self, ads: AdServices, proxies: Iterable[Network], max_body: int):
        self.ads, self.proxies, self.max_body = ads, proxies, max_body

    def on_post(self, req: falcon.Request, resp: falcon.Response) -> None:
        data = read_json(req, self.max_body)
        tracking.track_events(self.ads, track_events_command(data, visitor(req, self.proxies)))
        resp.status = falcon.HTTP_204


class RedirectResource:
    """GET /r/ads/{id}: the link pages put on an ad. The destination is the ad's stored
    link only; no query parameter can change it (no open redirect)."""

    def __init__(self, ads: AdServices, proxies: Iterable[Network]):
        self.ads, self.proxies = ads, proxies

    def on_get(self, req: falcon.Request, resp: falcon.Response, id: int) -> None:
        token = req.params.get("t")
        command = FollowClick(
            id,
            placement_param(req.params),
            visitor(req, self.proxies),
            token if isinstance(token, str) else None,
        )
        link = tracking.follow_click(self.ads, command)
        resp.status = falcon.HTTP_302
        # set_header, not resp.location: the stored link is sent byte for byte.
        resp.set_header("Location", link)
        resp.cache_control = ("no-store",)


def _event_route(ads: AdServices, proxies: Iterable[Network], max_body: int, kind: str) -> Route:
    return Route(
        f"/api/ads/{{id:id}}/{kind}",
        EventResource(ads, proxies, max_body, kind),
        (
            Operation(
                "POST",
                f"Record one {kind[:-1]} of an ad, counted or filtered (ignored "
                "while the ad is not served)",
                tags=TAGS,
                request=body_schema(serving.EVENT_FIELDS, partial=True),
                request_required=False,
                responses={204: None},
            ),
        ),
    )


def routes(deps: Deps) -> list[Route]:
    ads, proxies, max_body = deps.ads, deps.config.trusted_proxies, deps.config.max_body_bytes
    return [
        Route(
            "/api/ads/meta",
            MetaResource(),
            (
                Operation(
                    "GET",
                    "Ad types, placements, statuses, valid placements by type "
                    "and their pt-BR labels",
                    tags=TAGS,
                    responses={200: META_SCHEMA},
                    serves=NO_MEDIA,
                ),
            ),
        ),
        Route(
            "/api/ads",
            ServeResource(ads, proxies, MediaLinks.of(deps)),
            (
                Operation(
                    "GET",
                    "The ads to show in several placements (one query), each with "
                    "its signed click_url; records an impression per ad unless "
                    "track=false",
                    tags=TAGS,
                    params=SERVE_PARAMS,
                    responses={200: SERVED_SCHEMA},
                    serves=Serves("ad", GROUPS),
                ),
            ),
        ),
        Route(
            "/api/ads/events",
            BatchResource(ads, proxies, max_body),
            (
                Operation(
                    "POST",
                    "Record the impressions and clicks of one page view (1 to "
                    f"{MAX_BATCH}) in one transaction, each counted or filtered; events "
                    "of unknown or not served ads are dropped",
                    tags=TAGS,
                    request=BATCH_SCHEMA,
                    responses={204: None},
                ),
            ),
        ),
        _event_route(ads, proxies, max_body, "impressions"),
        _event_route(ads, proxies, max_body, "clicks"),
        Route(
            "/r/ads/{id:id}",
            RedirectResource(ads, proxies),
            (
                Operation(
                    "GET",
                    "Record a click (counted only with the serve token `t` of a "
                    "served click_url) and redirect to the ad's stored link",
                    tags=TAGS,
                    params=(
                        Param("placement", {"type": "string", "enum": list(PLACEMENTS)}),
                        Param(
                            "t",
                            {"type": "string", "maxLength": 100},
                            description="the serve token of the ad's click_url",
                        ),
                    ),
                    responses={302: None},
                    headers={302: {"Location": {"type": "string", "format": "uri"}}},
                    serves=NO_MEDIA,
                ),
            ),
        ),
    ]

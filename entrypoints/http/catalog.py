"""HTTP routes of the catalog area: what visitors browse (plans, order bumps, support
contacts, creators and their posts behind the paywall) and its administration."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from domain.catalog import admin, browse
from domain.catalog.entities import (
    Creator,
    OrderBump,
    Plan,
    Setting,
    SupportContact,
    check_setting_key,
)
from domain.common.errors import ValidationError
from domain.common.fields import parse_fields, parse_query_filters
from domain.common.pagination import Page, PageRequest
from entrypoints.http import age_gate, media_links
from entrypoints.http.accounts import USER_PRIVATE
from entrypoints.http.auth import current_user
from entrypoints.http.crud import PAGE_PARAMS, crud_routes
from entrypoints.http.json_io import page_json, read_json, to_json
from entrypoints.http.openapi import body_schema, entity_schema, page_schema, query_params
from entrypoints.http.routes import ADMIN, Operation, Route

PUBLIC_TAGS = ("catalog",)
ADMIN_TAG = "admin: catalog"
SETTINGS_SCHEMA = {
    "type": "object",
    "additionalProperties": {"type": "string"},
    "description": "every setting, key -> value",
}
SETTING_BODY = {**body_schema(admin.SETTING_FIELDS), "required": ["value"]}


class _PageResource:
    """GET on a public collection: `read(req)` gives the page to serialise; with a
    `gate` (deps, kind), each item goes through the age gate (entrypoints.http.age_gate)."""

    def __init__(
        self,
        read: Callable[[Any], Page],
        gate: tuple[Any, str] | None = None,
        media: tuple[Any, tuple[str, ...]] | None = None,
    ):
        self.read = read
        self.gate = gate
        self.media = media

    def on_get(self, req, resp) -> None:
        found = page_json(self.read(req), to_json)
        if self.gate is not None:
            found = age_gate.gated_page(req, self.gate[0], self.gate[1], found)
        if self.media is not None:
            found = media_links.sign_page(self.media[0], found, self.media[1])
        resp.media = found


class CreatorResource:
    def __init__(self, deps):
        self.deps = deps

    def on_get(self, req, resp, id: int) -> None:
        resp.media = media_links.sign_fields(
            self.deps,
            age_gate.gated(
                req, self.deps, "creator", to_json(browse.get_creator(self.deps.uow, id))
            ),
            media_links.CREATOR_MEDIA,
        )


class CreatorPostsResource:
    def __init__(self, deps):
        self.deps = deps

    def on_get(self, req, resp, id: int) -> None:
        page = browse.creator_posts(
            self.deps.uow, self.deps.clock, id, PageRequest.parse(req.params), current_user(req)
        )
        resp.media = media_links.sign_page(
            self.deps,
            age_gate.gated_page(req, self.deps, "post", page_json(page, to_json)),
            media_links.POST_MEDIA,
        )


class SettingsResource:
    def __init__(self, deps):
        self.deps = deps

    def on_get(self, req, resp) -> None:
        resp.media = admin.list_settings(self.deps.uow)


class SettingResource:
    def __init__(self, deps):
        self.deps = deps

    def on_put(self, req, resp, key: str) -> None:
        check_setting_key(key)  # a bad key is named before the body is read
        values = parse_fields(
            admin.SETTING_FIELDS, read_json(req, self.deps.config.max_body_bytes), partial=False
        )
        if "value" not in values:
            raise ValidationError("value is required", field="value")
        command = admin.PutSetting(key=key, value=values["value"])
        resp.media = to_json(admin.put_setting(self.deps.uow, command))


def _public_list(
    path: str,
    summary: str,
    entity: type,
    read: Callable[[Any], Page],
    filters: dict | None = None,
    gate: tuple[Any, str] | None = None,
    media: tuple[Any, tuple[str, ...]] | None = None,
) -> Route:
    op = Operation(
        "GET",
        summary,
        tags=PUBLIC_TAGS,
        params=PAGE_PARAMS + query_params(filters or {}),
        responses={200: page_schema(entity_schema(entity))},
    )
    return Route(path, _PageResource(read, gate, media), (op,))


def browse_creators(req) -> browse.BrowseCreators:
    page = PageRequest.parse(req.params)
    filters = parse_query_filters(browse.CREATOR_FILTERS, req.params)
    return browse.BrowseCreators(page=page, **filters)


def public_routes(deps) -> list[Route]:
    def page(req) -> PageRequest:
        return PageRequest.parse(req.params)

    post_schema = entity_schema(browse.VisiblePost)
    post_schema["properties"]["content_url"]["description"] = (
        "null unless the caller is an admin or has an active subscription (see locked)"
    )
    return [
        _public_list(
            "/api/plans",
            "The active plans, cheapest first",
            Plan,
            lambda req: browse.list_plans(deps.uow, page(req)),
        ),
        _public_list(
            "/api/order-bumps",
            "Active order bumps in display order",
            OrderBump,
            lambda req: browse.list_order_bumps(deps.uow, page(req)),
            media=(deps, media_links.BUMP_MEDIA),
        ),
        _public_list(
            "/api/support-contacts",
            "Active support contacts",
            SupportContact,
            lambda req: browse.list_support_contacts(deps.uow, page(req)),
        ),
        _public_list(
            "/api/models",
            "Active models (creators), featured first; ?slug= finds one by the slug of its page",
            Creator,
            lambda req: browse.list_creators(deps.uow, browse_creators(req)),
            browse.CREATOR_FILTERS,
            gate=(deps, "creator"),
            media=(deps, media_links.CREATOR_MEDIA),
        ),
        Route(
            "/api/models/{id:id}",
            CreatorResource(deps),
            (
                Operation(
                    "GET",
                    "One active model (creator); hidden and draft ones are 404",
                    tags=PUBLIC_TAGS,
                    responses={200: entity_schema(Creator)},
                ),
            ),
        ),
        Route(
            "/api/models/{id:id}/posts",
            CreatorPostsResource(deps),
            (
                Operation(
                    "GET",
                    "A model's posts, newest first; content_url only for admins "
                    "and active subscribers (an optional bearer token identifies them)",
                    tags=PUBLIC_TAGS,
                    params=PAGE_PARAMS,
                    responses={200: page_schema(post_schema), 401: None},
                ),
            ),
        ),
    ]


def _previews(deps, fields: tuple[str, ...]) -> dict[str, Any]:
    return {
        "serialize": media_links.with_previews(deps, fields),
        "schema_extra": media_links.previews_schema(fields),
    }


def admin_routes(deps) -> list[Route]:
    tag = ADMIN_TAG
    return [
        *crud_routes("/api/admin/plans", admin.PLANS, deps, tag=tag),
        *crud_routes(
            "/api/admin/order-bumps",
            admin.ORDER_BUMPS,
            deps,
            tag=tag,
            **_previews(deps, media_links.BUMP_MEDIA),
        ),
        *crud_routes(
            "/api/admin/models",
            admin.CREATORS,
            deps,
            tag=tag,
            **_previews(deps, media_links.CREATOR_MEDIA),
        ),
        *crud_routes(
            "/api/admin/posts",
            admin.POSTS,
            deps,
            tag=tag,
            **_previews(deps, media_links.POST_MEDIA),
        ),
        *crud_routes("/api/admin/support-contacts", admin.SUPPORT_CONTACTS, deps, tag=tag),
        *crud_routes(
            "/api/admin/users",
            admin.USERS,
            deps,
            tag=tag,
            exclude=USER_PRIVATE,
            actions=("list", "get"),
        ),
        Route(
            "/api/admin/settings",
            SettingsResource(deps),
            (
                Operation(
                    "GET", "Every setting", ADMIN, tags=(tag,), responses={200: SETTINGS_SCHEMA}
                ),
            ),
        ),
        Route(
            "/api/admin/settings/{key}",
            SettingResource(deps),
            (
                Operation(
                    "PUT",
                    "Create or replace a setting (key: 1-64 of a-z 0-9 _ . -)",
                    ADMIN,
                    tags=(tag,),
                    request=SETTING_BODY,
                    responses={200: entity_schema(Setting), 409: None},
                ),
            ),
        ),
    ]


def routes(deps) -> list[Route]:
    return public_routes(deps) + admin_routes(deps)

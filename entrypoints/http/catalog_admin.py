"""Admin routes of the catalog area: CRUD of plans, order bumps, models (creators),
posts, support contacts and users (read only), and the key/value settings."""

from __future__ import annotations

from typing import Any

import falcon

from domain.catalog import admin
from domain.catalog.entities import Setting, check_setting_key
from domain.common.errors import ValidationError
from domain.common.fields import parse_fields
from entrypoints.bootstrap import Deps
from entrypoints.http.account_views import USER_PRIVATE
from entrypoints.http.crud import Store, crud_routes
from entrypoints.http.json_io import read_json, to_json
from entrypoints.http.media_links import (
    BUMP_MEDIA,
    CREATOR_MEDIA,
    POST_MEDIA,
    MediaLinks,
    previews_schema,
)
from entrypoints.http.routes import ADMIN, Operation, Route
from entrypoints.http.schemas import body_schema, entity_schema
from ports.unit_of_work import UnitOfWorkFactory

ADMIN_TAG = "admin: catalog"
SETTINGS_SCHEMA = {
    "type": "object",
    "additionalProperties": {"type": "string"},
    "description": "every setting, key -> value",
}
SETTING_BODY = {**body_schema(admin.SETTING_FIELDS), "required": ["value"]}


class SettingsResource:
    def __init__(self, uow: UnitOfWorkFactory):
        self.uow = uow

    def on_get(self, req: falcon.Request, resp: falcon.Response) -> None:
        resp.media = admin.list_settings(self.uow)


class SettingResource:
    def __init__(self, uow: UnitOfWorkFactory, max_body: int):
        self.uow, self.max_body = uow, max_body

    def on_put(self, req: falcon.Request, resp: falcon.Response, key: str) -> None:
        check_setting_key(key)  # a bad key is named before the body is read
        values = parse_fields(admin.SETTING_FIELDS, read_json(req, self.max_body), partial=False)
        if "value" not in values:
            raise ValidationError("value is required", field="value")
        command = admin.PutSetting(key=key, value=values["value"])
        resp.media = to_json(admin.put_setting(self.uow, command))


def _previews(links: MediaLinks, fields: tuple[str, ...]) -> dict[str, Any]:
    """An admin answer keeps the stored URLs and adds `signed` ones for previews."""
    return {"serialize": links.with_previews(fields), "schema_extra": previews_schema(fields)}


def routes(deps: Deps) -> list[Route]:
    tag, store, links = ADMIN_TAG, Store.of(deps), MediaLinks.of(deps)
    return [
        *crud_routes("/api/admin/plans", admin.PLANS, store, tag=tag),
        *crud_routes(
            "/api/admin/order-bumps",
            admin.ORDER_BUMPS,
            store,
            tag=tag,
            **_previews(links, BUMP_MEDIA),
        ),
        *crud_routes(
            "/api/admin/models", admin.CREATORS, store, tag=tag, **_previews(links, CREATOR_MEDIA)
        ),
        *crud_routes(
            "/api/admin/posts", admin.POSTS, store, tag=tag, **_previews(links, POST_MEDIA)
        ),
        *crud_routes("/api/admin/support-contacts", admin.SUPPORT_CONTACTS, store, tag=tag),
        *crud_routes(
            "/api/admin/users",
            admin.USERS,
            store,
            tag=tag,
            exclude=USER_PRIVATE,
            actions=("list", "get"),
        ),
        Route(
            "/api/admin/settings",
            SettingsResource(deps.uow),
            (
                Operation(
                    "GET", "Every setting", ADMIN, tags=(tag,), responses={200: SETTINGS_SCHEMA}
                ),
            ),
        ),
        Route(
            "/api/admin/settings/{key}",
            SettingResource(deps.uow, deps.config.max_body_bytes),
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

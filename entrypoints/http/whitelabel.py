"""HTTP routes of the white-label catalogue: the sync (admin), the synced models
(admin), and the public catalogue behind the paywall."""

from __future__ import annotations

import falcon

from domain.common.errors import NotFound
from domain.common.fields import parse_fields
from domain.common.pagination import DEFAULT_LIMIT, PageRequest
from domain.whitelabel import catalogue
from domain.whitelabel.entities import SyncRun
from domain.whitelabel.sync import RUN_STATUSES, SYNC_FIELDS, SyncCommand, sync_catalogue
from entrypoints.bootstrap import Deps
from entrypoints.http.caller import current_user
from entrypoints.http.crud import PAGE_PARAMS, Store, crud_routes
from entrypoints.http.json_io import page_json, read_json, to_json
from entrypoints.http.routes import ADMIN, ITEM, PAGE, PUBLIC, Operation, Param, Route, Serves
from entrypoints.http.schemas import (
    PAGE_PARAMS_SCHEMA,
    body_schema,
    entity_schema,
    nullable,
    page_schema,
)
from ports.clock import Clock
from ports.storage import ObjectStorage
from ports.unit_of_work import UnitOfWorkFactory
from ports.whitelabel import SyncLock

TAG = ("whitelabel",)
POSTS_PAGE_PARAMS = (
    Param("page", PAGE_PARAMS_SCHEMA),
    Param(
        "limit",
        PAGE_PARAMS_SCHEMA,
        description=(
            f"posts per page (default {DEFAULT_LIMIT}; larger values are capped at "
            f"{catalogue.MAX_POSTS_PER_PAGE}, since each post's media URLs are signed)"
        ),
    ),
)
_COUNTS = {
    "type": "object",
    "properties": {k: {"type": "integer"} for k in ("models", "posts", "media")},
}
REPORT_SCHEMA = {
    "type": "object",
    "description": "empty while the run is in progress",
    "properties": {
        "refusal": nullable(
            {
                "type": "string",
                "description": (
                    "why the mass-delete guard refuses this sync without allow_mass_delete (a dry "
                    "run is never refused: it reports what would be); null: nothing to refuse"
                ),
            }
        ),
        "listed": {"type": "integer", "description": "objects listed in the bucket"},
        "ignored": {
            "type": "object",
            "properties": {
                "count": {"type": "integer"},
                "by_reason": {"type": "object", "additionalProperties": {"type": "integer"}},
                "examples": {"type": "array", "items": {"type": "string"}},
            },
        },
        "created": _COUNTS,
        "updated": _COUNTS,
        "deleted": _COUNTS,
        "catalogue": nullable(_COUNTS),
        "batches": {
            "type": "object",
            "properties": {"total": {"type": "integer"}, "applied": {"type": "integer"}},
        },
        "write_statements": {"type": "integer"},
        "listing_seconds": {"type": "number"},
        "duration_seconds": {"type": "number"},
    },
}
RUN_SCHEMA = entity_schema(
    SyncRun,
    extra={"status": {"type": "string", "enum": list(RUN_STATUSES)}, "report": REPORT_SCHEMA},
)
CDNS_SCHEMA = {
    "type": "object",
    "required": ["images", "videos"],
    "properties": {k: {"type": "array", "items": {"type": "string"}} for k in ("images", "videos")},
}
PUBLIC_MODEL_SCHEMA = entity_schema(catalogue.PublicModel)
PUBLIC_POST_SCHEMA = entity_schema(
    catalogue.PublicPost,
    extra={
        "media_cdns": nullable({**CDNS_SCHEMA, "description": "signed URLs; null when locked"}),
        "media_count": {
            "type": "object",
            "required": ["images", "videos"],
            "properties": {"images": {"type": "integer"}, "videos": {"type": "integer"}},
        },
    },
)


class SyncResource:
    def __init__(
        self,
        uow: UnitOfWorkFactory,
        storage: ObjectStorage,
        lock: SyncLock,
        clock: Clock,
        max_body: int,
    ):
        self.uow, self.storage, self.lock, self.clock = uow, storage, lock, clock
        self.max_body = max_body

    def on_post(self, req: falcon.Request, resp: falcon.Response) -> None:
        body = read_json(req, self.max_body, required=False)
        command = SyncCommand(**parse_fields(SYNC_FIELDS, body, partial=True))
        run = sync_catalogue(command, self.uow, self.storage, self.lock, self.clock)
        resp.media = to_json(run)

    def on_get(self, req: falcon.Request, resp: falcon.Response) -> None:
        with self.uow() as uow:
            last = uow.sync_runs.first(order_by=("-id",))
        if last is None:
            raise NotFound("no sync has run yet")
        resp.media = to_json(last)


class ModelsResource:
    """`ttl`: how long the signed media URLs last (CREATORFLIX_SIGNED_URL_TTL)."""

    def __init__(self, uow: UnitOfWorkFactory, storage: ObjectStorage, ttl: int):
        self.uow, self.storage, self.ttl = uow, storage, ttl

    def on_get(self, req: falcon.Request, resp: falcon.Response) -> None:
        found = catalogue.list_models(
            self.uow, self.storage, PageRequest.parse(req.params), self.ttl
        )
        resp.media = page_json(found, to_json)


class ModelResource:
    def __init__(self, uow: UnitOfWorkFactory, storage: ObjectStorage, clock: Clock, ttl: int):
        self.uow, self.storage, self.clock, self.ttl = uow, storage, clock, ttl

    def on_get(self, req: falcon.Request, resp: falcon.Response, id: int) -> None:
        resp.media = to_json(catalogue.get_model(self.uow, self.storage, id, self.ttl))

    def on_get_posts(self, req: falcon.Request, resp: falcon.Response, id: int) -> None:
        found = catalogue.list_posts(
            self.uow,
            self.storage,
            self.clock,
            current_user(req),
            id,
            PageRequest.parse(req.params),
            self.ttl,
        )
        resp.media = page_json(found, to_json)


def routes(deps: Deps) -> list[Route]:
    uow, storage, ttl = deps.uow, deps.storage, deps.config.signed_url_ttl_seconds
    model = ModelResource(uow, storage, deps.clock, ttl)
    sync_body = body_schema(SYNC_FIELDS, partial=True)
    sync = SyncResource(uow, storage, deps.sync_lock, deps.clock, deps.config.max_body_bytes)
    return [
        Route(
            "/api/admin/whitelabel/sync",
            sync,
            (
                Operation(
                    "POST",
                    "Run a white-label sync now (synchronously) and return its "
                    "report; 409 while another runs or when the mass-delete guard holds "
                    "(a dry run is never refused: its report gives the guard's reason)",
                    ADMIN,
                    tags=TAG,
                    request=sync_body,
                    request_required=False,
                    responses={200: RUN_SCHEMA, 409: None},
                ),
                Operation(
                    "GET",
                    "The report of the last sync",
                    ADMIN,
                    tags=TAG,
                    responses={200: RUN_SCHEMA},
                ),
            ),
        ),
        *crud_routes(
            "/api/admin/whitelabel/models",
            catalogue.MODEL_RESOURCE,
            Store.of(deps),
            tag=TAG[0],
            actions=("list", "update"),
        ),
        Route(
            "/api/whitelabel/models",
            ModelsResource(uow, storage, ttl),
            (
                Operation(
                    "GET",
                    "Active white-label models (thumbnail, icon and banner signed)",
                    PUBLIC,
                    tags=TAG,
                    params=PAGE_PARAMS,
                    responses={200: page_schema(PUBLIC_MODEL_SCHEMA)},
                    serves=Serves("whitelabel_model", PAGE),
                ),
            ),
        ),
        Route(
            "/api/whitelabel/models/{id:id}",
            model,
            (
                Operation(
                    "GET",
                    "One active white-label model",
                    PUBLIC,
                    tags=TAG,
                    responses={200: PUBLIC_MODEL_SCHEMA},
                    serves=Serves("whitelabel_model", ITEM),
                ),
            ),
        ),
        Route(
            "/api/whitelabel/models/{id:id}/posts",
            model,
            (
                Operation(
                    "GET",
                    "Posts of an active model, latest first; signed media URLs "
                    "for active subscribers and admins only (others: locked)",
                    PUBLIC,
                    tags=TAG,
                    params=POSTS_PAGE_PARAMS,
                    responses={200: page_schema(PUBLIC_POST_SCHEMA)},
                    serves=Serves("whitelabel_post", PAGE),
                ),
            ),
            suffix="posts",
        ),
    ]

"""Generic admin resources over `domain.common.crud`: list/create on the collection,
read/update/delete on the item, documented from the same field specs; and the query
parameters of list routes (pages, filters)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

import falcon
from attrs import frozen

from domain.common import crud
from domain.common.fields import Field, parse_fields, parse_query_filters
from domain.common.pagination import PageRequest
from entrypoints.bootstrap import Deps
from entrypoints.http.json_io import page_json, read_json, to_json
from entrypoints.http.routes import ADMIN, Operation, Param, Route
from entrypoints.http.schemas import (
    PAGE_PARAMS_SCHEMA,
    body_schema,
    entity_schema,
    field_schema,
    page_schema,
)
from ports.clock import Clock
from ports.unit_of_work import UnitOfWorkFactory

ALL = ("list", "create", "get", "update", "delete")
PAGE_PARAMS = (Param("page", PAGE_PARAMS_SCHEMA), Param("limit", PAGE_PARAMS_SCHEMA))


def query_params(spec: Mapping[str, Field]) -> tuple[Param, ...]:
    """The query parameters read by `parse_query_filters(spec)`, documented."""
    params = []
    for name, fld in spec.items():
        schema = field_schema(fld)
        schema.pop("nullable", None)
        if schema.get("type") in ("integer", "boolean"):
            schema = {
                "type": schema["type"],
                **{k: v for k, v in schema.items() if k in ("minimum", "maximum")},
            }
        params.append(Param(name=name, schema=schema))
    return tuple(params)


@frozen
class Store:
    """What the generic admin resources work with (bootstrap.Deps gives them)."""

    uow: UnitOfWorkFactory
    clock: Clock
    max_body: int  # CREATORFLIX_MAX_BODY_BYTES

    @classmethod
    def of(cls, deps: Deps) -> Store:
        return cls(deps.uow, deps.clock, deps.config.max_body_bytes)


class _Collection:
    def __init__(self, res: crud.Resource, store: Store, serialize: Callable[[Any], dict]):
        self.res, self.store, self.serialize = res, store, serialize

    def on_get(self, req: falcon.Request, resp: falcon.Response) -> None:
        page_request = PageRequest.parse(req.params)
        command = crud.ListRecords(parse_query_filters(self.res.filters, req.params), page_request)
        page = crud.list_items(self.res, self.store.uow, command)
        resp.media = page_json(page, self.serialize)

    def on_post(self, req: falcon.Request, resp: falcon.Response) -> None:
        values = parse_fields(self.res.fields, read_json(req, self.store.max_body), partial=False)
        resp.media = self.serialize(
            crud.create_item(self.res, self.store.uow, self.store.clock, crud.CreateRecord(values))
        )
        resp.status = falcon.HTTP_201


class _Item:
    def __init__(self, res: crud.Resource, store: Store, serialize: Callable[[Any], dict]):
        self.res, self.store, self.serialize = res, store, serialize

    def on_get(self, req: falcon.Request, resp: falcon.Response, id: int) -> None:
        resp.media = self.serialize(crud.get_item(self.res, self.store.uow, id))

    def on_patch(self, req: falcon.Request, resp: falcon.Response, id: int) -> None:
        changes = parse_fields(self.res.fields, read_json(req, self.store.max_body), partial=True)
        resp.media = self.serialize(
            crud.update_item(
                self.res, self.store.uow, self.store.clock, crud.UpdateRecord(id, changes)
            )
        )

    def on_delete(self, req: falcon.Request, resp: falcon.Response, id: int) -> None:
        crud.delete_item(self.res, self.store.uow, id)
        resp.status = falcon.HTTP_204


def _only(base: type, responders: tuple[str, ...]) -> type:
    """A subclass of `base` exposing only `responders` (Falcon answers 405 to the rest)."""
    namespace = {name: getattr(base, name) for name in ("__init__", *responders)}
    return type(base.__name__.lstrip("_"), (), namespace)


def crud_routes(
    path: str,
    res: crud.Resource,
    store: Store,
    *,
    tag: str,
    serialize: Callable[[Any], dict] | None = None,
    exclude: tuple[str, ...] = (),
    actions: tuple[str, ...] = ALL,
    item_path: str = "{id:id}",
    schema_extra: dict | None = None,
) -> list[Route]:
    """Routes for `path` (collection) and `path/{id}` (item) with the given actions;
    `schema_extra`: properties `serialize` adds to the entity's."""
    serialize = serialize or (lambda entity: to_json(entity, exclude))
    schema = entity_schema(res.entity, exclude, schema_extra)
    name = res.name
    article = "an" if name[:1] in "aeiou" else "a"
    coll_ops, item_ops = [], []
    coll_responders, item_responders = [], []
    if "list" in actions:
        coll_responders.append("on_get")
        coll_ops.append(
            Operation(
                "GET",
                f"List {name}s",
                ADMIN,
                tags=(tag,),
                params=PAGE_PARAMS + query_params(res.filters),
                responses={200: page_schema(schema)},
            )
        )
    if "create" in actions:
        coll_responders.append("on_post")
        coll_ops.append(
            Operation(
                "POST",
                f"Create {article} {name}",
                ADMIN,
                tags=(tag,),
                request=body_schema(res.fields),
                responses={201: schema, 409: None},
            )
        )
    if "get" in actions:
        item_responders.append("on_get")
        item_ops.append(
            Operation("GET", f"Read {article} {name}", ADMIN, tags=(tag,), responses={200: schema})
        )
    if "update" in actions:
        item_responders.append("on_patch")
        item_ops.append(
            Operation(
                "PATCH",
                f"Update {article} {name}",
                ADMIN,
                tags=(tag,),
                request=body_schema(res.fields, partial=True),
                responses={200: schema, 409: None},
            )
        )
    if "delete" in actions:
        item_responders.append("on_delete")
        item_ops.append(
            Operation(
                "DELETE",
                f"Delete {article} {name}",
                ADMIN,
                tags=(tag,),
                responses={204: None, 409: None},
            )
        )
    routes = []
    if coll_ops:
        routes.append(
            Route(
                path,
                _only(_Collection, tuple(coll_responders))(res, store, serialize),
                tuple(coll_ops),
            )
        )
    if item_ops:
        routes.append(
            Route(
                f"{path}/{item_path}",
                _only(_Item, tuple(item_responders))(res, store, serialize),
                tuple(item_ops),
            )
        )
    return routes

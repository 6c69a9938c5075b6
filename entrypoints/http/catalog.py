"""HTTP routes of the catalog area: what visitors browse (plans, order bumps, support
contacts, creators and their posts behind the paywall). Its administration:
catalog_admin.py."""

from __future__ import annotations

from collections.abc import Callable

import falcon

from domain.catalog import browse
from domain.catalog.entities import Creator, OrderBump, Plan, SupportContact
from domain.common.fields import parse_query_filters
from domain.common.pagination import Page, PageRequest
from entrypoints.bootstrap import Deps
from entrypoints.http.caller import current_user
from entrypoints.http.crud import PAGE_PARAMS, query_params
from entrypoints.http.json_io import page_json, to_json
from entrypoints.http.media_links import BUMP_MEDIA, CREATOR_MEDIA, POST_MEDIA, MediaLinks
from entrypoints.http.routes import ITEM, NO_MEDIA, PAGE, Operation, Route, Serves
from entrypoints.http.schemas import entity_schema, page_schema
from ports.clock import Clock
from ports.unit_of_work import UnitOfWorkFactory

PUBLIC_TAGS = ("catalog",)


class _PageResource:
    """GET on a public collection: `read(req)` gives the page to serialise; `media`:
    the links to sign and which fields hold stored media."""

    def __init__(
        self,
        read: Callable[[falcon.Request], Page],
        media: tuple[MediaLinks, tuple[str, ...]] | None = None,
    ):
        self.read = read
        self.media = media

    def on_get(self, req: falcon.Request, resp: falcon.Response) -> None:
        found = page_json(self.read(req), to_json)
        if self.media is not None:
            links, fields = self.media
            found = links.sign_page(found, fields)
        resp.media = found


class CreatorResource:
    def __init__(self, uow: UnitOfWorkFactory, links: MediaLinks):
        self.uow, self.links = uow, links

    def on_get(self, req: falcon.Request, resp: falcon.Response, id: int) -> None:
        resp.media = self.links.sign_fields(
            to_json(browse.get_creator(self.uow, id)), CREATOR_MEDIA
        )


class CreatorPostsResource:
    def __init__(self, uow: UnitOfWorkFactory, clock: Clock, links: MediaLinks):
        self.uow, self.clock, self.links = uow, clock, links

    def on_get(self, req: falcon.Request, resp: falcon.Response, id: int) -> None:
        page = browse.creator_posts(
            self.uow, self.clock, id, PageRequest.parse(req.params), current_user(req)
        )
        resp.media = self.links.sign_page(page_json(page, to_json), POST_MEDIA)


def _public_list(
    path: str,
    summary: str,
    entity: type,
    read: Callable[[falcon.Request], Page],
    filters: dict | None = None,
    serves: Serves = NO_MEDIA,
    media: tuple[MediaLinks, tuple[str, ...]] | None = None,
) -> Route:
    op = Operation(
        "GET",
        summary,
        tags=PUBLIC_TAGS,
        params=PAGE_PARAMS + query_params(filters or {}),
        responses={200: page_schema(entity_schema(entity))},
        serves=serves,
    )
    return Route(path, _PageResource(read, media), (op,))


def browse_creators(req: falcon.Request) -> browse.BrowseCreators:
    page = PageRequest.parse(req.params)
    filters = parse_query_filters(browse.CREATOR_FILTERS, req.params)
    return browse.BrowseCreators(page=page, **filters)


def routes(deps: Deps) -> list[Route]:
    uow = deps.uow
    links = MediaLinks.of(deps)

    def page(req: falcon.Request) -> PageRequest:
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
            lambda req: browse.list_plans(uow, page(req)),
        ),
        _public_list(
            "/api/order-bumps",
            "Active order bumps in display order",
            OrderBump,
            lambda req: browse.list_order_bumps(uow, page(req)),
            media=(links, BUMP_MEDIA),
        ),
        _public_list(
            "/api/support-contacts",
            "Active support contacts",
            SupportContact,
            lambda req: browse.list_support_contacts(uow, page(req)),
        ),
        _public_list(
            "/api/models",
            "Active models (creators), featured first; ?slug= finds one by the slug of its page",
            Creator,
            lambda req: browse.list_creators(uow, browse_creators(req)),
            browse.CREATOR_FILTERS,
            serves=Serves("creator", PAGE),
            media=(links, CREATOR_MEDIA),
        ),
        Route(
            "/api/models/{id:id}",
            CreatorResource(uow, links),
            (
                Operation(
                    "GET",
                    "One active model (creator); hidden and draft ones are 404",
                    tags=PUBLIC_TAGS,
                    responses={200: entity_schema(Creator)},
                    serves=Serves("creator", ITEM),
                ),
            ),
        ),
        Route(
            "/api/models/{id:id}/posts",
            CreatorPostsResource(uow, deps.clock, links),
            (
                Operation(
                    "GET",
                    "A model's posts, newest first; content_url only for admins "
                    "and active subscribers (an optional bearer token identifies them)",
                    tags=PUBLIC_TAGS,
                    params=PAGE_PARAMS,
                    responses={200: page_schema(post_schema), 401: None},
                    serves=Serves("post", PAGE),
                ),
            ),
        ),
    ]

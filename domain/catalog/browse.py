"""What visitors browse: plans, active order bumps and support contacts, creators and
their posts — with premium post content behind the paywall."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from attrs import frozen

from domain.accounts.users import User
from domain.catalog.admin import CREATORS, ORDER_BUMPS, PLANS, POSTS, SUPPORT_CONTACTS
from domain.catalog.entities import CREATOR_ACTIVE, Creator, OrderBump, Plan, Post, SupportContact
from domain.catalog.paywall import can_see_premium
from domain.common.errors import NotFound
from domain.common.fields import Boolean, Text
from domain.common.pagination import Page, PageRequest
from ports.clock import Clock
from ports.repositories import Filters
from ports.unit_of_work import UnitOfWork, UnitOfWorkFactory

# `slug` is any text: slugs adopted from the original may not follow our format.
CREATOR_FILTERS = {
    "is_featured": Boolean(),
    "slug": Text(max_length=255, description="the creator with this slug"),
}


@frozen
class BrowseCreators:
    """A page of the public creators, optionally only the featured (True) or the others
    (False), or the one with `slug`."""

    page: PageRequest
    is_featured: bool | None = None
    slug: str | None = None


# Featured creators first, then the newest.
CREATOR_ORDER = ("-is_featured", "-id")


@frozen
class VisiblePost:
    """A post as one viewer may see it: `content_url` is None while `locked`."""

    id: int
    model_id: int | None
    title: str | None
    type: str
    content_url: str | None
    locked: bool
    created_at: datetime | None

    @classmethod
    def of(cls, post: Post, unlocked: bool) -> VisiblePost:
        assert post.id is not None, "posts are read from storage"
        return cls(
            id=post.id,
            model_id=post.model_id,
            title=post.title,
            type=post.type,
            content_url=post.content_url if unlocked else None,
            locked=not unlocked,
            created_at=post.created_at,
        )


def _page(
    uow_factory: UnitOfWorkFactory,
    repo: str,
    filters: Filters,
    order_by: Sequence[str],
    page: PageRequest,
) -> Page:
    with uow_factory() as uow:
        return getattr(uow, repo).find(filters, order_by=order_by, page=page.page, limit=page.limit)


def list_plans(uow_factory: UnitOfWorkFactory, page: PageRequest) -> Page[Plan]:
    """The active plans, cheapest first."""
    return _page(uow_factory, PLANS.repo, {"is_active": True}, PLANS.order_by, page)


def list_order_bumps(uow_factory: UnitOfWorkFactory, page: PageRequest) -> Page[OrderBump]:
    """The active order bumps, in display order."""
    return _page(uow_factory, ORDER_BUMPS.repo, {"is_active": True}, ORDER_BUMPS.order_by, page)


def list_support_contacts(
    uow_factory: UnitOfWorkFactory, page: PageRequest
) -> Page[SupportContact]:
    """The active support contacts."""
    return _page(
        uow_factory, SUPPORT_CONTACTS.repo, {"is_active": True}, SUPPORT_CONTACTS.order_by, page
    )


def list_creators(uow_factory: UnitOfWorkFactory, query: BrowseCreators) -> Page[Creator]:
    """The public (active) creators, featured first."""
    filters: dict[str, object] = {"status": CREATOR_ACTIVE}
    if query.is_featured is not None:
        filters["is_featured"] = query.is_featured
    if query.slug is not None:
        filters["slug"] = query.slug
    return _page(uow_factory, CREATORS.repo, filters, CREATOR_ORDER, query.page)


def _public_creator(uow: UnitOfWork, creator_id: int) -> Creator:
    creator = uow.creators.get(creator_id)
    if creator is None or not creator.is_public:  # hidden and draft ones are not there
        raise NotFound(f"model {creator_id} not found")
    return creator


def get_creator(uow_factory: UnitOfWorkFactory, creator_id: int) -> Creator:
    """One public creator; NotFound when there is none with this id, or it is hidden or
    a draft."""
    with uow_factory() as uow:
        return _public_creator(uow, creator_id)


def creator_posts(
    uow_factory: UnitOfWorkFactory,
    clock: Clock,
    creator_id: int,
    page: PageRequest,
    viewer: User | None,
) -> Page[VisiblePost]:
    """A public creator's posts, newest first. Their content URLs only reach viewers
    allowed premium content (admins, active subscribers); everyone else gets them
    locked."""
    with uow_factory() as uow:
        _public_creator(uow, creator_id)
        posts = uow.posts.find(
            {"model_id": creator_id}, order_by=POSTS.order_by, page=page.page, limit=page.limit
        )
        unlocked = can_see_premium(uow, viewer, clock.now())
    return posts.map(lambda post: VisiblePost.of(post, unlocked))

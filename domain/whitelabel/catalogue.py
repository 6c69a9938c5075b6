"""Use cases of the white-label catalogue as people see it.

Public: active models only. Their thumbnail, icon and banner are the catalogue's
shop window, shown to everyone — but signed like the media (buckets are private, and
a local folder serves nothing unsigned). Media URLs are premium: signed, short-lived,
and only for active subscribers and admins (domain.catalog.paywall); everyone else gets the
posts with `locked: true`, their media counts, and no media URL."""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime

from attrs import frozen

from domain.accounts.users import User
from domain.catalog.paywall import can_see_premium
from domain.common import crud
from domain.common.errors import NotFound
from domain.common.fields import Choice
from domain.common.pagination import Page, PageRequest
from domain.whitelabel.entities import (
    MODEL_STATUSES,
    STATUS_ACTIVE,
    WhitelabelMedia,
    WhitelabelModel,
    WhitelabelPost,
)
from ports.clock import Clock
from ports.storage import ObjectStorage
from ports.unit_of_work import UnitOfWorkFactory

# A page of posts signs a URL for each of their media: the page size is capped lower
# than other lists' (100) to bound that work per request.
MAX_POSTS_PER_PAGE = 24

MODEL_RESOURCE = crud.Resource(
    name="white-label model",
    repo="whitelabel_models",
    entity=WhitelabelModel,
    fields={
        "status": Choice(
            required=True,
            nullable=False,
            choices=MODEL_STATUSES,
            description="new (synced, not shown), active (public), hidden",
        )
    },
    filters={"status": Choice(choices=MODEL_STATUSES)},
    order_by=("folder_name",),
)


@frozen
class PublicModel:
    id: int
    folder_name: str
    thumbnail_url: str | None
    icon_url: str | None
    banner_url: str | None
    post_count: int
    last_synced_at: datetime | None
    created_at: datetime | None


@frozen
class PublicPost:
    id: int
    whitelabel_model_id: int
    folder_name: str
    title: str | None
    created_at: datetime | None
    locked: bool
    media_count: dict  # {"images": n, "videos": n}
    media_cdns: dict | None  # signed URLs, or None when locked


def signed(storage: ObjectStorage, url: str | None, ttl: int) -> str | None:
    """The signed form of a stored URL; a URL of elsewhere (e.g. a CDN URL carried over
    from the original database) is returned as it is."""
    if url is None:
        return None
    key = storage.key_from_url(url)
    return storage.signed_url(key, ttl) if key else url


def _public_model(model: WhitelabelModel, storage: ObjectStorage, ttl: int) -> PublicModel:
    assert model.id is not None, "models are read from storage"
    return PublicModel(
        id=model.id,
        folder_name=model.folder_name,
        thumbnail_url=signed(storage, model.thumbnail_url, ttl),
        icon_url=signed(storage, model.icon_url, ttl),
        banner_url=signed(storage, model.banner_url, ttl),
        post_count=model.post_count,
        last_synced_at=model.last_synced_at,
        created_at=model.created_at,
    )


def list_models(
    uow_factory: UnitOfWorkFactory, storage: ObjectStorage, page: PageRequest, ttl: int
) -> Page[PublicModel]:
    """Active models by folder name, a page at a time."""
    with uow_factory() as uow:
        found = uow.whitelabel_models.find(
            {"status": STATUS_ACTIVE}, order_by=("folder_name",), page=page.page, limit=page.limit
        )
    return found.map(lambda m: _public_model(m, storage, ttl))


def _active_model(uow, model_id: int) -> WhitelabelModel:
    model = uow.whitelabel_models.get(model_id)
    if model is None or model.status != STATUS_ACTIVE:
        raise NotFound(f"white-label model {model_id} not found")
    return model


def get_model(
    uow_factory: UnitOfWorkFactory, storage: ObjectStorage, model_id: int, ttl: int
) -> PublicModel:
    """One active model (NotFound for new or hidden ones)."""
    with uow_factory() as uow:
        model = _active_model(uow, model_id)
    return _public_model(model, storage, ttl)


def _media_count(post: WhitelabelPost) -> dict[str, int]:
    cdns = post.media_cdns if isinstance(post.media_cdns, dict) else {}
    return {kind: len(cdns.get(kind) or []) for kind in ("images", "videos")}


def _public_post(
    post: WhitelabelPost, media: list[WhitelabelMedia] | None, storage: ObjectStorage, ttl: int
) -> PublicPost:
    assert post.id is not None, "posts are read from storage"
    cdns: dict[str, list[str]] | None = None
    if media is not None:
        cdns = {"images": [], "videos": []}
        for m in media:  # already in key order
            cdns["images" if m.type == "image" else "videos"].append(
                storage.signed_url(m.s3_key, ttl)
            )
    return PublicPost(
        id=post.id,
        whitelabel_model_id=post.whitelabel_model_id,
        folder_name=post.folder_name,
        title=post.title,
        created_at=post.created_at,
        locked=media is None,
        media_count=_media_count(post),
        media_cdns=cdns,
    )


def list_posts(
    uow_factory: UnitOfWorkFactory,
    storage: ObjectStorage,
    clock: Clock,
    user: User | None,
    model_id: int,
    page: PageRequest,
    ttl: int,
) -> Page[PublicPost]:
    """The posts of an active model, latest folder first, at most MAX_POSTS_PER_PAGE a
    page (`page.limit` is capped). Media URLs (signed for `ttl` seconds) only when the
    paywall lets `user` see premium media. A constant number of queries whatever the
    page size."""
    page = PageRequest(page=page.page, limit=min(page.limit, MAX_POSTS_PER_PAGE))
    with uow_factory() as uow:
        _active_model(uow, model_id)
        posts = uow.whitelabel_posts.find(
            {"whitelabel_model_id": model_id},
            order_by=("-folder_name",),
            page=page.page,
            limit=page.limit,
        )
        unlocked = can_see_premium(uow, user, clock.now())
        media: dict[int, list[WhitelabelMedia]] = defaultdict(list)
        if unlocked and posts.items:
            for m in uow.whitelabel_media.find(
                {"whitelabel_post_id": [p.id for p in posts.items]}, order_by=("s3_key",)
            ).items:
                media[m.whitelabel_post_id].append(m)
    # Signing happens after the transaction (with S3 it is local computation anyway).
    return posts.map(lambda p: _public_post(p, media[p.id] if unlocked else None, storage, ttl))

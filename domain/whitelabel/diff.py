"""The pure diff of the bucket against the stored catalogue, and the plan of batched
writes that makes the database match the bucket.

The plan is applied in this order, one batch (one transaction) at a time:
create models, posts, media; update media, posts, models; delete media, then posts
without media, then models no longer in the bucket. Every batch is idempotent with
respect to the next diff: a run interrupted after any batch leaves a state from which
the next diff plans exactly what is still missing (the sync converges)."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from typing import Any, NamedTuple

from attrs import field, frozen

from domain.whitelabel.layout import media_type_of
from domain.whitelabel.scan import Catalogue, cdns_fingerprint, media_cdns, split_media_key

MODELS, POSTS, MEDIA = "models", "posts", "media"
CREATE, UPDATE, DELETE = "create", "update", "delete"
KINDS = (MODELS, POSTS, MEDIA)
ACTIONS = (CREATE, UPDATE, DELETE)


class StoredModel(NamedTuple):
    id: int
    folder: str
    thumbnail_url: str | None
    icon_url: str | None
    banner_url: str | None
    post_count: int


class StoredPost(NamedTuple):
    id: int
    model_id: int
    folder: str
    title: str | None
    fingerprint: bytes  # cdns_fingerprint of its stored media_cdns


class StoredMedia(NamedTuple):
    id: int
    token: int  # media_token of its stored url, etag and size


def media_token(url: str | None, etag: str | None, size: int | None) -> int:
    """What makes a media row current, as one number: 100,000 stored rows are then held
    as (id, token) instead of three values each. Compared within one process only, so
    Python's (64-bit SipHash) hash is fine; a collision would need ~2**32 objects."""
    return hash((url, etag, size))


@frozen
class StoredCatalogue:
    """The database side, compact: models by folder, posts by (model folder, post
    folder), media by key."""

    models: dict[str, StoredModel] = field(factory=dict)
    posts: dict[tuple[str, str], StoredPost] = field(factory=dict)
    media: dict[str, StoredMedia] = field(factory=dict)


# Rows handed to the repositories' bulk methods.
class NewModel(NamedTuple):
    folder_name: str
    thumbnail_url: str | None
    icon_url: str | None
    banner_url: str | None
    post_count: int


class ModelChange(NamedTuple):
    id: int
    thumbnail_url: str | None
    icon_url: str | None
    banner_url: str | None
    post_count: int


class NewPost(NamedTuple):
    model_folder: str
    folder_name: str
    title: str
    media_cdns: dict


class PostChange(NamedTuple):
    id: int
    title: str
    media_cdns: dict


class NewMedia(NamedTuple):
    model_folder: str
    post_folder: str
    s3_key: str
    url: str
    type: str
    etag: str
    size: int


class MediaChange(NamedTuple):
    id: int
    url: str
    etag: str
    size: int


class Batch(NamedTuple):
    kind: str  # models | posts | media
    action: str  # create | update | delete
    rows: list  # New*/…Change rows, or ids to delete


@frozen
class SyncPlan:
    """What to write. Holds keys, folders and ids only; the rows are built batch by
    batch from the catalogue (so a 100,000-object first sync is not held twice)."""

    catalogue: Catalogue
    stored: StoredCatalogue
    create_models: list[str]
    update_models: list[str]
    delete_models: list[int]
    create_posts: list[tuple[str, str]]
    update_posts: list[tuple[str, str]]
    delete_posts: list[int]
    create_media: list[str]
    update_media: list[str]
    delete_media: list[int]

    def count(self, kind: str, action: str) -> int:
        return len(getattr(self, f"{action}_{kind}"))

    def counts(self) -> dict[str, dict[str, int]]:
        """{"created": {"models": n, "posts": n, "media": n}, "updated": ..., "deleted": ...}"""
        return {
            f"{action}d": {kind: self.count(kind, action) for kind in KINDS} for action in ACTIONS
        }

    def batch_count(self, size: int) -> int:
        return sum(-(-self.count(kind, action) // size) for kind in KINDS for action in ACTIONS)

    @property
    def is_empty(self) -> bool:
        return not any(self.count(kind, action) for kind in KINDS for action in ACTIONS)

    def refusal(self) -> str | None:
        """Why the plan must not run without allow_mass_delete, or None: the bucket
        shows nothing while the catalogue has models, or the plan deletes more than
        half of the stored models, posts or media."""
        stored_sizes = {
            MODELS: len(self.stored.models),
            POSTS: len(self.stored.posts),
            MEDIA: len(self.stored.media),
        }
        if not self.catalogue.models and self.stored.models:
            return (
                f"the bucket listing holds no model but the catalogue has "
                f"{stored_sizes[MODELS]}: refusing to delete them all"
            )
        for kind in KINDS:
            deleting, stored = self.count(kind, DELETE), stored_sizes[kind]
            if deleting * 2 > stored:
                return f"the sync would delete {deleting} of {stored} {kind} (more than half)"
        return None

    def batches(self, size: int) -> Iterator[Batch]:
        """The writes, in order, in batches of at most `size` rows."""
        cat, stored = self.catalogue, self.stored
        # (kind, action, keys/folders/ids, row builder or None to pass the ids through)
        steps: list[tuple[str, str, Sequence[Any], Callable[[Any], object] | None]] = [
            (MODELS, CREATE, self.create_models, lambda f: _new_model(cat, f)),
            (POSTS, CREATE, self.create_posts, lambda k: _new_post(cat, k)),
            (MEDIA, CREATE, self.create_media, lambda key: _new_media(cat, key)),
            (MEDIA, UPDATE, self.update_media, lambda key: _media_change(cat, stored, key)),
            (POSTS, UPDATE, self.update_posts, lambda k: _post_change(cat, stored, k)),
            (MODELS, UPDATE, self.update_models, lambda f: _model_change(cat, stored, f)),
            (MEDIA, DELETE, self.delete_media, None),
            (POSTS, DELETE, self.delete_posts, None),
            (MODELS, DELETE, self.delete_models, None),
        ]
        for kind, action, items, build in steps:
            for start in range(0, len(items), size):
                chunk = items[start : start + size]
                yield Batch(kind, action, [build(i) for i in chunk] if build else list(chunk))


def _new_model(cat: Catalogue, folder: str) -> NewModel:
    m = cat.models[folder]
    return NewModel(folder, m.thumbnail_url, m.icon_url, m.banner_url, m.post_count)


def _model_change(cat: Catalogue, stored: StoredCatalogue, folder: str) -> ModelChange:
    m = cat.models[folder]
    return ModelChange(
        stored.models[folder].id, m.thumbnail_url, m.icon_url, m.banner_url, m.post_count
    )


def _new_post(cat: Catalogue, key: tuple[str, str]) -> NewPost:
    return NewPost(key[0], key[1], key[1], cat.post_cdns(cat.posts[key]))


def _post_change(cat: Catalogue, stored: StoredCatalogue, key: tuple[str, str]) -> PostChange:
    return PostChange(stored.posts[key].id, key[1], cat.post_cdns(cat.posts[key]))


def _new_media(cat: Catalogue, key: str) -> NewMedia:
    model, post, name = split_media_key(key)
    etag, size = cat.media[key]
    media_type = media_type_of(name)
    # The scan keeps a key in `media` only when parse_key found an image/video type.
    assert media_type is not None, key
    return NewMedia(model, post, key, cat.url_of(key), media_type, etag, size)


def _media_change(cat: Catalogue, stored: StoredCatalogue, key: str) -> MediaChange:
    etag, size = cat.media[key]
    return MediaChange(stored.media[key].id, cat.url_of(key), etag, size)


def diff(catalogue: Catalogue, stored: StoredCatalogue) -> SyncPlan:
    """The plan that turns `stored` into `catalogue`. A media is updated when its etag,
    size or URL changed; a post when its title or media_cdns did; a model when an
    aggregate did, or when anything of its posts or media changes (its last_synced_at
    then moves)."""
    cat, url_of = catalogue, catalogue.url_of
    create_media, update_media, create_posts, update_posts = [], [], [], []
    touched: set[str] = set()
    for key, post in cat.posts.items():
        keys = cat.post_keys(post)
        urls = [url_of(k) for k in keys]  # once per key: the costly part
        old_post = stored.posts.get(key)
        if old_post is None:
            create_posts.append(key)
        elif (old_post.title, old_post.fingerprint) != (
            post.folder,
            cdns_fingerprint(media_cdns(keys, urls)),
        ):
            update_posts.append(key)
        for media_key, url in zip(keys, urls):
            etag, size = cat.media[media_key]
            old_media = stored.media.get(media_key)
            if old_media is None:
                create_media.append(media_key)
            elif old_media.token != media_token(url, etag, size):
                update_media.append(media_key)
            else:
                continue
            touched.add(post.model)
    delete_media = [m.id for key, m in stored.media.items() if key not in cat.media]
    delete_posts = [p.id for key, p in stored.posts.items() if key not in cat.posts]
    touched.update(model for model, _ in create_posts + update_posts)
    touched.update(key.partition("/")[0] for key in stored.media if key not in cat.media)
    touched.update(key[0] for key in stored.posts if key not in cat.posts)

    create_models, update_models = [], []
    for folder, model in cat.models.items():
        old_model = stored.models.get(folder)
        if old_model is None:
            create_models.append(folder)
        elif folder in touched or (
            old_model.thumbnail_url,
            old_model.icon_url,
            old_model.banner_url,
            old_model.post_count,
        ) != (model.thumbnail_url, model.icon_url, model.banner_url, model.post_count):
            update_models.append(folder)
    delete_models = [m.id for folder, m in stored.models.items() if folder not in cat.models]
    return SyncPlan(
        cat,
        stored,
        create_models,
        update_models,
        delete_models,
        create_posts,
        update_posts,
        delete_posts,
        create_media,
        update_media,
        delete_media,
    )

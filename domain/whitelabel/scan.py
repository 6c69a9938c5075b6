"""The bucket as the sync sees it: a compact scan built while the listing streams, and
the catalogue it describes (models, posts and their aggregates).

Memory: the scan keeps one small tuple (etag, size) per media key and nothing per
ignored key; URLs and media_cdns are computed when needed, post by post, and dropped."""

from __future__ import annotations

import hashlib
import json
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from itertools import groupby
from typing import NamedTuple

from attrs import define, field, frozen

from domain.whitelabel.layout import (
    BANNER,
    ICON,
    IGNORED,
    MEDIA,
    media_type_of,
    parse_key,
    printable_key,
)

MAX_IGNORED_EXAMPLES = 10

UrlOf = Callable[[str], str]


@define
class BucketScan:
    """What the listing said, kept compact. Order-independent: feeding the same objects
    in any order gives the same scan."""

    listed: int = 0
    media: dict[str, tuple[str, int]] = field(factory=dict)  # key -> (etag, size)
    models: dict[str, list] = field(factory=dict)  # folder -> [icon, banner]
    ignored: Counter = field(factory=Counter)  # reason -> count
    ignored_examples: list[str] = field(factory=list)

    def add(self, key: str, size: int, etag: str) -> None:
        """Take one listed object into account."""
        self.listed += 1
        parsed = parse_key(key)
        if parsed.kind == IGNORED:
            self.ignored[parsed.reason] += 1
            if len(self.ignored_examples) < MAX_IGNORED_EXAMPLES:
                # Escaped: a name that is not UTF-8 would make the report unstorable.
                self.ignored_examples.append(printable_key(key))
            return
        assert parsed.model is not None, "parse_key names the model of every kept key"
        profile = self.models.setdefault(parsed.model, [None, None])
        if parsed.kind == MEDIA:
            self.media[key] = (etag or "", size)
        elif parsed.kind in (ICON, BANNER):
            slot = 0 if parsed.kind == ICON else 1
            if profile[slot] is None or key < profile[slot]:
                profile[slot] = key  # the first by key wins, whatever the order

    def add_all(self, objects: Iterable) -> BucketScan:
        for obj in objects:
            self.add(obj.key, obj.size, obj.etag)
        return self

    @property
    def ignored_count(self) -> int:
        return sum(self.ignored.values())


def split_media_key(key: str) -> tuple[str, str, str]:
    """MODEL/POST/file -> (MODEL, POST, file) for a key the layout calls media."""
    model, post, name = key.split("/")
    return model, post, name


def media_cdns(keys: Sequence[str], urls: Sequence[str]) -> dict[str, list[str]]:
    """`{"images": [...], "videos": [...]}` of media keys given in key order, with their
    URLs (so each stays sorted by key)."""
    cdns: dict[str, list[str]] = {"images": [], "videos": []}
    for key, url in zip(keys, urls):
        cdns["images" if media_type_of(key) == "image" else "videos"].append(url)
    return cdns


def cdns_fingerprint(cdns: object) -> bytes:
    """A 16-byte digest standing for a media_cdns value (comparing 100,000 URLs by
    digest keeps the stored side small)."""
    text = json.dumps(cdns, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.blake2b(text.encode("utf-8", "surrogatepass"), digest_size=16).digest()


class DesiredPost(NamedTuple):
    model: str
    folder: str
    start: int  # its media keys are keys[start:end] of the Catalogue
    end: int


@frozen
class DesiredModel:
    folder: str
    icon_url: str | None
    banner_url: str | None
    thumbnail_url: str | None
    post_count: int


@frozen
class Catalogue:
    """The catalogue the bucket describes. Posts point into `keys` (every media key,
    sorted), so a post's media are a slice, not a copy; `media` is the scan's
    key -> (etag, size)."""

    keys: list[str]
    media: dict[str, tuple[str, int]]
    models: dict[str, DesiredModel]
    posts: dict[tuple[str, str], DesiredPost]
    url_of: UrlOf

    def post_keys(self, post: DesiredPost) -> list[str]:
        return self.keys[post.start : post.end]

    def post_cdns(self, post: DesiredPost) -> dict[str, list[str]]:
        keys = self.post_keys(post)
        return media_cdns(keys, [self.url_of(k) for k in keys])


def _post_of(key: str) -> tuple[str, str]:
    model, post, _ = split_media_key(key)
    return model, post


def describe(scan: BucketScan, url_of: UrlOf) -> Catalogue:
    """The models and posts of the scanned bucket, with the models' aggregates:
    post_count, icon/banner, and the thumbnail = the first image (by key) of the model's
    last post by folder name THAT HAS AN IMAGE. A deliberate refinement of PRODUCT.md's
    "first image of its last post": a model whose newest post holds only videos still
    gets a thumbnail (from the latest post with an image); a model with no image in any
    post has none. (Posts' media_cdns are built by the diff, which needs the same URLs
    anyway.)"""
    keys = sorted(scan.media)
    posts: dict[tuple[str, str], DesiredPost] = {}
    thumbnails: dict[str, tuple[str, str]] = {}  # model -> (post folder, image key)
    start = 0
    # Keys sharing the prefix MODEL/POST/ are contiguous once sorted.
    for (model, folder), group in groupby(keys, key=_post_of):
        post_keys = list(group)
        assert (model, folder) not in posts, "sorted keys keep a post's media together"
        end = start + len(post_keys)
        posts[(model, folder)] = DesiredPost(model, folder, start, end)
        first_image = next((k for k in post_keys if media_type_of(k) == "image"), None)
        if first_image is not None and (model not in thumbnails or folder > thumbnails[model][0]):
            thumbnails[model] = (folder, first_image)
        start = end
    counts = Counter(model for model, _ in posts)
    models = {}
    for folder, (icon, banner) in scan.models.items():
        thumb = thumbnails.get(folder)
        models[folder] = DesiredModel(
            folder=folder,
            icon_url=url_of(icon) if icon else None,
            banner_url=url_of(banner) if banner else None,
            thumbnail_url=url_of(thumb[1]) if thumb else None,
            post_count=counts[folder],
        )
    return Catalogue(keys=keys, media=scan.media, models=models, posts=posts, url_of=url_of)

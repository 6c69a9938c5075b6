"""Use cases of the media uploads: keep a file an admin sent (through the app, or
straight to the bucket with a presigned form), with its thumbnail or poster frame."""

from __future__ import annotations

from collections.abc import Callable

from attrs import frozen

from domain.common.errors import NotFound, TooLarge, UnsupportedMedia, ValidationError
from domain.media.keys import THUMB_MAX_WIDTH, THUMB_TYPE, is_upload_key, thumbnail_key
from domain.media.kinds import ACCEPTED_TYPES, IMAGE, SNIFF_BYTES, MediaKind, sniff
from ports.media import MediaStorage, Thumbnailer

REFUSED = (
    "only JPEG, PNG, WebP or GIF images and MP4 or WebM videos are accepted "
    f"({', '.join(ACCEPTED_TYPES)}), told by the file's content"
)


@frozen
class StoredMedia:
    key: str
    url: str  # what a creator, post or brand stores (public_url)
    thumbnail_url: str  # the thumbnail (images) or poster frame (videos)
    content_type: str
    kind: str  # image | video: the post type it makes
    width: int
    height: int
    size: int


def kind_of(head: bytes) -> MediaKind:
    """The kind of a file from its first bytes; UnsupportedMedia (415) otherwise."""
    found = sniff(head[:SNIFF_BYTES])
    if found is None:
        raise UnsupportedMedia(REFUSED, field="file")
    return found


def store_file(
    storage: MediaStorage,
    thumbnailer: Thumbnailer,
    source: str,
    head: bytes,
    size: int,
    scratch: str,
    key: str,
) -> StoredMedia:
    """Keep the file at `source` (`size` bytes, starting with `head`) under `key` plus
    the sniffed kind's extension, with its thumbnail, made in `scratch` first: a file
    that does not decode is refused and nothing is stored."""
    kind = kind_of(head)
    key = _with_extension(key, kind)
    width, height = _thumbnail(thumbnailer, kind, source, scratch)
    storage.put_file(key, source, kind.content_type)
    storage.put_file(thumbnail_key(key), scratch, THUMB_TYPE)
    return _stored(storage, key, kind, width, height, size)


def confirm_presigned(
    storage: MediaStorage,
    thumbnailer: Thumbnailer,
    key: str,
    source: str,
    scratch: str,
    max_bytes: int,
    read_head: Callable[[str], bytes],
) -> StoredMedia:
    """A file the browser posted straight to the bucket at `key`: its bytes are read
    back and checked as an upload through the app is; one that is none of the accepted
    kinds (or too large) is deleted from the bucket and refused."""
    if not is_upload_key(key):
        raise ValidationError("key: not the key of a presigned upload", field="key")
    size = storage.object_size(key)
    if size is None:
        raise NotFound("nothing was uploaded at this key", field="key")
    if size > max_bytes:
        storage.delete_object(key)
        raise TooLarge(f"the file exceeds {max_bytes} bytes", field="file")
    storage.fetch_to(key, source, max_bytes)
    try:
        kind = kind_of(read_head(source))
        if not key.endswith("." + kind.extension):
            raise UnsupportedMedia(
                f"the file is {kind.content_type}, not what its key was presigned for", field="file"
            )
        width, height = _thumbnail(thumbnailer, kind, source, scratch)
    except UnsupportedMedia:
        storage.delete_object(key)
        raise
    storage.put_file(thumbnail_key(key), scratch, THUMB_TYPE)
    return _stored(storage, key, kind, width, height, size)


def _with_extension(key: str, kind: MediaKind) -> str:
    return f"{key}.{kind.extension}"


def _thumbnail(
    thumbnailer: Thumbnailer, kind: MediaKind, source: str, scratch: str
) -> tuple[int, int]:
    try:
        if kind.kind == IMAGE:
            return thumbnailer.image_thumbnail(source, scratch, THUMB_MAX_WIDTH)
        return thumbnailer.video_poster(source, scratch, THUMB_MAX_WIDTH)
    except ValueError as exc:
        raise UnsupportedMedia(
            f"the file looks like {kind.content_type} but cannot be decoded: {exc}", field="file"
        ) from None


def _stored(
    storage: MediaStorage, key: str, kind: MediaKind, width: int, height: int, size: int
) -> StoredMedia:
    return StoredMedia(
        key=key,
        url=storage.public_url(key),
        thumbnail_url=storage.public_url(thumbnail_key(key)),
        content_type=kind.content_type,
        kind=kind.kind,
        width=width,
        height=height,
        size=size,
    )

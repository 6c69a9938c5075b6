"""Ports of the media uploads: the storage's file-sized writes and reads, and the
library that makes thumbnails and poster frames."""

from __future__ import annotations

from typing import Protocol

from attrs import frozen

from ports.storage import ObjectStorage


@frozen
class PresignedPost:
    """A form the browser posts a file to, straight to the bucket: `url` and `fields`
    (the policy and its signature; the file goes last, as `file`)."""

    url: str
    fields: dict
    key: str
    max_bytes: int
    expires_in: int


class MediaStorage(ObjectStorage, Protocol):
    """The storage, with files too large for memory. Failures raise ServiceUnavailable."""

    def put_file(self, key: str, path: str, content_type: str) -> None:
        """Store the file at `path` under `key`, streamed (never whole in memory)."""

    def object_size(self, key: str) -> int | None:
        """The size of the object at `key`, None when there is none."""

    def fetch_to(self, key: str, path: str, max_bytes: int) -> int:
        """Copy at most `max_bytes` of the object at `key` into the file `path`,
        streamed; its size. NotFound when there is none."""

    def presigned_post(self, key: str, max_bytes: int, expires_in: int) -> PresignedPost | None:
        """A browser form to upload at most `max_bytes` at exactly `key`; None when the
        storage takes uploads through the app only (the local folder)."""


class Thumbnailer(Protocol):
    """Makes a JPEG at most `max_width` wide of an image or of a video's first frame.
    Raises ValueError when the file cannot be decoded as its kind."""

    def image_thumbnail(self, source: str, target: str, max_width: int) -> tuple[int, int]:
        """(width, height) of the source image; the thumbnail written to `target`."""

    def video_poster(self, source: str, target: str, max_width: int) -> tuple[int, int]:
        """(width, height) of the video; a poster frame written to `target`."""

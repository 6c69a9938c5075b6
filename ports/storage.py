"""Port of the object storage holding the white-label media (an S3 bucket, MinIO,
DigitalOcean Spaces, or a local folder)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from typing import NamedTuple, Protocol


class StoredObject(NamedTuple):
    """One object of the bucket. `etag` and `size` together are its change token (as
    rclone uses them); a NamedTuple keeps 100,000 of them compact."""

    key: str
    size: int
    etag: str
    last_modified: datetime | None = None


class ObjectStorage(Protocol):
    """Failures to reach the storage raise domain ServiceUnavailable."""

    def list_objects(self, prefix: str = "") -> Iterator[StoredObject]:
        """Every object whose key starts with `prefix`, in key order, streamed page by
        page (never the whole bucket in memory at once)."""

    def signed_url(self, key: str, expires_in: int) -> str:
        """A URL that lets anyone holding it GET the object for `expires_in` seconds."""

    def public_url(self, key: str) -> str:
        """The unsigned URL of the object: what the database stores."""

    def key_from_url(self, url: str) -> str | None:
        """The key of a URL made by `public_url`, or None for a URL of elsewhere (e.g. a
        CDN URL copied from the original database)."""

    # Private objects (age-assurance documents): written, read by an admin and deleted
    # by the app only; never listed to visitors, never signed.
    def put_object(self, key: str, data: bytes, content_type: str) -> None:
        """Store `data` at `key` (replacing what was there)."""

    def read_object(self, key: str) -> bytes:
        """The bytes at `key`; domain NotFound when there is none."""

    def delete_object(self, key: str) -> None:
        """Remove `key` (nothing to do when it is not there)."""

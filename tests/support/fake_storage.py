"""An in-memory ObjectStorage for tests: a dict of key -> (size, etag), listed in key
order, optionally failing part-way through the listing like a dropped connection."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from urllib.parse import quote, unquote

from domain.common.errors import ServiceUnavailable
from ports.storage import StoredObject

BASE = "https://bucket.example/"


class FakeStorage:
    def __init__(self, objects: Mapping[str, tuple[int, str]] | None = None):
        self.objects: dict[str, tuple[int, str]] = dict(objects or {})
        self.fail_after: int | None = None  # raise after listing this many objects

    def put(self, key: str, size: int = 1, etag: str = "e1") -> None:
        self.objects[key] = (size, etag)

    def remove(self, key: str) -> None:
        del self.objects[key]

    def list_objects(self, prefix: str = "") -> Iterator[StoredObject]:
        for n, key in enumerate(sorted(k for k in self.objects if k.startswith(prefix))):
            if self.fail_after is not None and n >= self.fail_after:
                raise ServiceUnavailable("the storage cannot be listed: connection reset")
            size, etag = self.objects[key]
            yield StoredObject(key, size, etag)

    def public_url(self, key: str) -> str:
        return BASE + quote(key, safe="/")

    def key_from_url(self, url: str) -> str | None:
        return unquote(url[len(BASE) :]) if url.startswith(BASE) else None

    def put_object(self, key: str, data: bytes, content_type: str) -> None:
        self.objects[key] = (len(data), "e1")

    def read_object(self, key: str) -> bytes:
        from domain.common.errors import NotFound

        if key not in self.objects:
            raise NotFound("no such object")
        return b"x" * self.objects[key][0]

    def delete_object(self, key: str) -> None:
        self.objects.pop(key, None)

    def signed_url(self, key: str, expires_in: int) -> str:
        return f"{self.public_url(key)}?signed={expires_in}"

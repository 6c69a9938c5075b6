"""GET /media/{key}?exp=&sig=: the files of the local-folder storage, for holders of a
signed link (adapters.storage.local_folder). With an S3 storage the bucket serves the
media itself and this route answers 404."""

from __future__ import annotations

from typing import BinaryIO

import falcon

from adapters.storage.local_folder import LocalFolderStorage
from domain.common.errors import Forbidden, NotFound
from entrypoints.bootstrap import Deps
from entrypoints.http.routes import ADULT_FILE, PUBLIC, Operation, Param, Route
from ports.storage import ObjectStorage

BINARY = {
    "type": "string",
    "format": "binary",
    "description": "the file, as image/* or video/* by its extension (the layout's "
    "media types; see adapters.storage.local_folder.CONTENT_TYPES)",
}
# One documented content type per operation: the range that covers both image/* and
# video/* (OpenAPI allows media type ranges; response checkers match them).
SERVED_TYPES = "*/*"


class _Slice:
    """The bytes [start, start + length) of a file, for a Range request."""

    def __init__(self, stream: BinaryIO, start: int, length: int):
        stream.seek(start)
        self.stream, self.left = stream, length

    def read(self, size: int | None = -1, /) -> bytes:
        size = self.left if size is None or size < 0 else min(size, self.left)
        data = self.stream.read(size) if size else b""
        self.left -= len(data)
        return data

    def close(self) -> None:
        self.stream.close()


def _byte_range(req: falcon.Request, size: int) -> tuple[int, int] | None:
    """(first, last) of a satisfiable `Range: bytes=` request, None without one."""
    if req.range is None or req.range_unit != "bytes":
        return None
    first, last = req.range
    if first < 0:  # bytes=-N: the last N bytes
        first, last = max(size + first, 0), size - 1
    elif last < 0 or last >= size:
        last = size - 1
    if first >= size or first > last:
        raise falcon.HTTPRangeNotSatisfiable(size)
    return first, last


class MediaResource:
    """Adult media: declared ADULT_FILE, so only age-assured callers reach this (the
    browser sends the assurance cookie with the image and video requests it makes)."""

    def __init__(self, storage: ObjectStorage):
        self.storage = storage

    def on_get(self, req: falcon.Request, resp: falcon.Response, key: str) -> None:
        storage = self.storage
        if not isinstance(storage, LocalFolderStorage):
            raise NotFound("media are served by the storage bucket, not by this app")
        # The signature is checked before the file is looked for: an invalid link
        # tells nothing about what exists.
        if not storage.verify(key, req.get_param("exp"), req.get_param("sig")):
            raise Forbidden("this media link is invalid or has expired", code="invalid_signature")
        opened = storage.open(key)
        resp.content_type = opened.content_type
        resp.set_header("X-Content-Type-Options", "nosniff")
        resp.set_header("Cache-Control", "private, max-age=300")
        resp.set_header("Accept-Ranges", "bytes")
        resp.last_modified = opened.modified
        try:
            wanted = _byte_range(req, opened.size)
        except falcon.HTTPError:
            opened.stream.close()
            raise
        if wanted is None:
            resp.set_stream(opened.stream, opened.size)
            return
        first, last = wanted
        resp.status = falcon.HTTP_206
        resp.content_range = (first, last, opened.size)
        resp.set_stream(_Slice(opened.stream, first, last - first + 1), last - first + 1)


def routes(deps: Deps) -> list[Route]:
    return [
        Route(
            "/media/{key:path}",
            MediaResource(deps.storage),
            (
                Operation(
                    "GET",
                    "An image or video of the local-folder storage (image/* or "
                    "video/*), for the holder of a signed link (403 when the signature is "
                    "wrong or expired; 404 for anything but the layout's media)",
                    PUBLIC,
                    tags=("whitelabel",),
                    content_type=SERVED_TYPES,
                    params=(
                        Param(
                            "exp",
                            {"type": "string", "pattern": "^[0-9]{1,12}$"},
                            "expiry, seconds since the epoch",
                            required=True,
                        ),
                        Param(
                            "sig", {"type": "string", "maxLength": 100}, "signature", required=True
                        ),
                    ),
                    responses={200: BINARY, 206: BINARY, 403: None, 416: None},
                    serves=ADULT_FILE,
                ),
            ),
        )
    ]

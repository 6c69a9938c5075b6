"""POST /api/admin/media (an upload through the app, streamed to the storage), and the
presigned browser upload straight to an S3 bucket (presign, then confirm).

The upload is admin-only and authenticated before its body is read: AuthMiddleware
runs in process_resource, before the responder touches the stream. The body is read
in chunks into a temporary file (the thumbnail libraries read files), never whole in
memory, up to CREATORFLIX_MAX_UPLOAD_BYTES — this route's own limit, in place of
CREATORFLIX_MAX_BODY_BYTES (entrypoints/http/app.py BodyLimitMiddleware.streaming).
Behind `creatorflix serve` its body is read by a thread (a streaming route of the
server's request buffering), so at most UPLOAD_SLOTS uploads run at once per process:
uploads never hold every thread. The server bounds such a body by a deadline (its
BODY_TIMEOUT after the head: a few seconds, right for a form, not for a video), so an
upload earns time as its bytes arrive: the deadline moves to what a sender keeping
MIN_UPLOAD_RATE would need, never further — a sender that stalls still loses its thread."""

from __future__ import annotations

import os
import secrets
import shutil
import tempfile
import threading
from typing import Any

import falcon
from attrs import frozen

from domain.common.errors import ServiceUnavailable, TooLarge, ValidationError
from domain.media import uploads
from domain.media.keys import THUMB_TYPE, thumbnail_key, upload_key
from domain.media.kinds import ACCEPTED, ACCEPTED_TYPES, SNIFF_BYTES
from entrypoints.bootstrap import Deps
from entrypoints.http.json_io import RequestTimeout, read_json
from entrypoints.http.routes import ADMIN, Operation, Route
from ports.clock import Clock
from ports.media import MediaStorage, Thumbnailer

UPLOAD_PATH = "/api/admin/media"
CHUNK = 1024 * 1024
# What multipart framing (boundaries, part headers) may add to the file's own bytes.
MULTIPART_OVERHEAD = 64 * 1024
UPLOAD_SLOTS = 2
# The slowest sending an upload may keep (bytes per second) without being cut off.
MIN_UPLOAD_RATE = 64 * 1024
PRESIGN_SECONDS = 3600
TAGS = ("admin: media",)

MEDIA_SCHEMA = {
    "type": "object",
    "properties": {
        "key": {"type": "string"},
        "url": {"type": "string", "description": "what a creator, post or brand stores"},
        "thumbnail_url": {
            "type": "string",
            "description": "JPEG ≤ 480 px wide: the image's thumbnail or the video's poster frame",
        },
        "signed_url": {"type": "string", "description": "the file, viewable now (signed)"},
        "signed_thumbnail_url": {"type": "string"},
        "content_type": {"type": "string", "enum": list(ACCEPTED_TYPES)},
        "kind": {"type": "string", "enum": ["image", "video"]},
        "width": {"type": "integer"},
        "height": {"type": "integer"},
        "size": {"type": "integer"},
    },
}
UPLOAD_BODY = {
    "type": "object",
    "required": ["file"],
    "properties": {"file": {"type": "string", "format": "binary"}},
}
PRESIGN_BODY = {
    "type": "object",
    "required": ["content_type"],
    "properties": {"content_type": {"type": "string", "enum": list(ACCEPTED_TYPES)}},
}
PRESIGN_SCHEMA = {
    "type": "object",
    "properties": {
        "direct": {
            "type": "boolean",
            "description": "false: the storage takes uploads through "
            "POST /api/admin/media only (the local folder); the rest is then null",
        },
        "url": {"type": "string", "nullable": True},
        "fields": {"type": "object", "nullable": True, "additionalProperties": {"type": "string"}},
        "key": {"type": "string", "nullable": True},
        "max_bytes": {"type": "integer"},
        "expires_in": {"type": "integer", "nullable": True},
    },
}
CONFIRM_BODY = {
    "type": "object",
    "required": ["key"],
    "properties": {"key": {"type": "string", "maxLength": 200}},
}


@frozen
class Uploading:
    """What the upload routes work with: the storage, the thumbnailer, the clock (keys
    are dated), CREATORFLIX_MAX_UPLOAD_BYTES, the body limit of the JSON routes and the
    signed-URL lifetime (seconds)."""

    storage: MediaStorage
    thumbnailer: Thumbnailer
    clock: Clock
    max_upload: int
    max_body: int
    ttl: int

    @classmethod
    def of(cls, deps: Deps) -> Uploading:
        config = deps.config
        return cls(
            deps.storage,
            deps.thumbnailer,
            deps.clock,
            config.max_upload_bytes,
            config.max_body_bytes,
            config.signed_url_ttl_seconds,
        )


def media_json(up: Uploading, stored: uploads.StoredMedia) -> dict[str, Any]:
    ttl = up.ttl
    return {
        "key": stored.key,
        "url": stored.url,
        "thumbnail_url": stored.thumbnail_url,
        "signed_url": up.storage.signed_url(stored.key, ttl),
        "signed_thumbnail_url": up.storage.signed_url(thumbnail_key(stored.key), ttl),
        "content_type": stored.content_type,
        "kind": stored.kind,
        "width": stored.width,
        "height": stored.height,
        "size": stored.size,
    }


class _Slots:
    """At most `n` uploads at once in this process; one more is a 503 at once."""

    def __init__(self, n: int):
        self._semaphore = threading.BoundedSemaphore(n)

    def __enter__(self) -> None:
        if not self._semaphore.acquire(blocking=False):
            raise ServiceUnavailable(
                "other uploads are under way; retry in a moment", code="uploads_busy"
            )

    def __exit__(self, *exc: object) -> None:
        self._semaphore.release()


class _Scratch:
    """A temporary folder for one upload (the spooled file and its thumbnail)."""

    def __enter__(self) -> str:
        self.path = tempfile.mkdtemp(prefix="creatorflix-upload-")
        return self.path

    def __exit__(self, *exc: object) -> None:
        shutil.rmtree(self.path, ignore_errors=True)


class _Allowance:
    """Moves the server's deadline on the request body (entrypoints/slow_clients.py
    DeadlineBody: its `deadline`, time.monotonic()) to `start` plus the server's own
    bound plus the time MIN_UPLOAD_RATE takes for the bytes received so far. Without
    such a body (the test client, another server) there is nothing to move."""

    def __init__(self, req: falcon.Request):
        body = req.env.get("wsgi.input")
        self.body = body if isinstance(getattr(body, "deadline", None), float) else None
        self.base = self.body.deadline if self.body is not None else 0.0

    def received(self, total: int) -> None:
        if self.body is not None:
            self.body.deadline = max(self.body.deadline, self.base + total / MIN_UPLOAD_RATE)


def _spool(
    stream, target: str, max_bytes: int, allowance: _Allowance | None = None
) -> tuple[bytes, int]:
    """Copy a part's stream into `target` in chunks: (first bytes, size). The kind is
    told from the first chunk: a refused file is refused before the rest is read."""
    head, size = b"", 0
    with open(target, "wb") as out:
        while True:
            try:
                chunk = stream.read(CHUNK)
            except TimeoutError:
                raise RequestTimeout("the upload did not arrive in time", field="file") from None
            if not chunk:
                break
            if not head:
                head = chunk[:SNIFF_BYTES]
                uploads.kind_of(head)  # 415 now, not after 500 MB
            size += len(chunk)
            if allowance is not None:
                allowance.received(size)
            if size > max_bytes:
                raise TooLarge(f"the file exceeds {max_bytes} bytes", field="file")
            out.write(chunk)
    if size == 0:
        raise ValidationError("file: the file is empty", field="file")
    return head, size


def _read_head(path: str) -> bytes:
    with open(path, "rb") as handle:
        return handle.read(SNIFF_BYTES)


class UploadResource:
    def __init__(self, up: Uploading):
        self.up = up
        self.slots = _Slots(UPLOAD_SLOTS)

    def on_post(self, req: falcon.Request, resp: falcon.Response) -> None:
        max_bytes = self.up.max_upload
        if not (req.content_type or "").lower().startswith("multipart/form-data"):
            raise ValidationError(
                "send the file as multipart/form-data, field 'file'", field="file"
            )
        if req.content_length is None:
            # Browsers always send one; a chunked body would not be bounded up front.
            raise falcon.HTTPLengthRequired(description="send the upload with a Content-Length")
        allowance = _Allowance(req)
        with self.slots, _Scratch() as scratch:
            source = os.path.join(scratch, "upload")
            found = None
            try:
                for part in req.get_media():
                    if part.name == "file" and found is None:
                        found = _spool(part.stream, source, max_bytes, allowance)
                    # Other parts are skipped: the iteration reads past them.
            except falcon.MediaMalformedError:
                raise ValidationError("malformed multipart body", field="file") from None
            except TimeoutError:  # the server's deadline passed between parts
                raise RequestTimeout("the upload did not arrive in time", field="file") from None
            if found is None:
                raise ValidationError("file is required", field="file")
            head, size = found
            key = upload_key(self.up.clock.now(), secrets.token_urlsafe(18), None)
            stored = uploads.store_file(
                self.up.storage,
                self.up.thumbnailer,
                source,
                head,
                size,
                os.path.join(scratch, "thumb.jpg"),
                key,
            )
        resp.status = falcon.HTTP_201
        resp.media = media_json(self.up, stored)


class PresignResource:
    def __init__(self, up: Uploading):
        self.up = up

    def on_post(self, req: falcon.Request, resp: falcon.Response) -> None:
        body = read_json(req, self.up.max_body)
        wanted = body.get("content_type") if isinstance(body, dict) else None
        kind = next((k for k in ACCEPTED if k.content_type == wanted), None)
        if kind is None:
            raise ValidationError(
                f"content_type: one of {', '.join(ACCEPTED_TYPES)}", field="content_type"
            )
        key = upload_key(self.up.clock.now(), secrets.token_urlsafe(18), kind.extension)
        form = self.up.storage.presigned_post(key, self.up.max_upload, PRESIGN_SECONDS)
        if form is None:  # the local folder: uploads go through the app
            resp.media = {
                "direct": False,
                "url": None,
                "fields": None,
                "key": None,
                "max_bytes": self.up.max_upload,
                "expires_in": None,
            }
            return
        resp.media = {
            "direct": True,
            "url": form.url,
            "fields": form.fields,
            "key": form.key,
            "max_bytes": form.max_bytes,
            "expires_in": form.expires_in,
        }


class ConfirmResource:
    def __init__(self, up: Uploading):
        self.up = up
        self.slots = _Slots(UPLOAD_SLOTS)

    def on_post(self, req: falcon.Request, resp: falcon.Response) -> None:
        body = read_json(req, self.up.max_body)
        key = body.get("key") if isinstance(body, dict) else None
        if not isinstance(key, str):
            raise ValidationError("key is required", field="key")
        with self.slots, _Scratch() as scratch:
            stored = uploads.confirm_presigned(
                self.up.storage,
                self.up.thumbnailer,
                key,
                os.path.join(scratch, "upload"),
                os.path.join(scratch, "thumb.jpg"),
                self.up.max_upload,
                _read_head,
            )
        resp.status = falcon.HTTP_201
        resp.media = media_json(self.up, stored)


def routes(deps: Deps) -> list[Route]:
    up = Uploading.of(deps)
    refused = {"type": "object", "description": "the error shape"}
    return [
        Route(
            UPLOAD_PATH,
            UploadResource(up),
            (
                Operation(
                    "POST",
                    "Upload an image (JPEG, PNG, WebP, GIF) or video (MP4, WebM) "
                    "as multipart/form-data field `file`, streamed to the storage, up to "
                    "CREATORFLIX_MAX_UPLOAD_BYTES; the kind is told by the file's bytes "
                    "(415 otherwise); a thumbnail (images) or poster frame (videos) "
                    f"≤ 480 px wide is kept beside it as {THUMB_TYPE}",
                    ADMIN,
                    tags=TAGS,
                    request=UPLOAD_BODY,
                    request_type="multipart/form-data",
                    responses={
                        201: MEDIA_SCHEMA,
                        408: None,
                        411: None,
                        413: None,
                        415: refused,
                        503: None,
                    },
                ),
            ),
        ),
        Route(
            UPLOAD_PATH + "/presign",
            PresignResource(up),
            (
                Operation(
                    "POST",
                    "S3 storage: a form (url, fields) the browser posts a file of "
                    "`content_type` to, straight to the bucket, at a new key and up to "
                    "CREATORFLIX_MAX_UPLOAD_BYTES; then POST /api/admin/media/confirm. "
                    "With the local folder: direct false (upload through POST "
                    "/api/admin/media)",
                    ADMIN,
                    tags=TAGS,
                    request=PRESIGN_BODY,
                    responses={200: PRESIGN_SCHEMA},
                ),
            ),
        ),
        Route(
            UPLOAD_PATH + "/confirm",
            ConfirmResource(up),
            (
                Operation(
                    "POST",
                    "After a presigned upload: reads the object's bytes back, "
                    "checks its kind (415 and deleted otherwise) and makes its thumbnail",
                    ADMIN,
                    tags=TAGS,
                    request=CONFIRM_BODY,
                    responses={201: MEDIA_SCHEMA, 404: None, 413: None, 415: refused, 503: None},
                ),
            ),
        ),
    ]

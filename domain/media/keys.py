"""Where uploads are kept in the storage: `uploads/YYYY/MM/<random>.<ext>`, the
thumbnail beside it as `<random>.thumb.jpg`. Random names: a key never tells what it
holds nor collides with another upload (or with the white-label layout's folders)."""

from __future__ import annotations

import re
from datetime import datetime

UPLOAD_PREFIX = "uploads/"
THUMB_SUFFIX = ".thumb.jpg"
THUMB_TYPE = "image/jpeg"
THUMB_MAX_WIDTH = 480
_KEY = re.compile(r"uploads/[0-9]{4}/[0-9]{2}/[a-zA-Z0-9_-]{16,64}(\.[a-z0-9]{2,5})?")


def month_prefix(now: datetime) -> str:
    return f"{UPLOAD_PREFIX}{now:%Y/%m}/"


def upload_key(now: datetime, token: str, extension: str | None) -> str:
    base = month_prefix(now) + token
    return f"{base}.{extension}" if extension else base


def thumbnail_key(key: str) -> str:
    stem = key.rsplit(".", 1)[0] if "." in key.rsplit("/", 1)[-1] else key
    return stem + THUMB_SUFFIX


def is_upload_key(key: str) -> bool:
    """A key an upload of ours could have (a presigned upload's confirm names one)."""
    return isinstance(key, str) and bool(_KEY.fullmatch(key))

"""The white-label bucket layout (PRODUCT.md): what each object key of the bucket means.

    MODEL/anything.ext            registers the model
    MODEL/profile/icon.<image>    the model's icon      (banner.<image>: its banner)
    MODEL/profile/other           ignored
    MODEL/POST/file.<image|video> a media file of the post; the post's title is POST

Decisions the layout leaves open, taken here:
- The panel's uploads (`uploads/…`, domain.media.keys) share the bucket and are no
  model's: ignored (reason panel_upload), so no model may be named "uploads".
- Every other key is ignored and counted by reason: files at the bucket root, hidden
  files and folders (a segment starting with "."), extensions that are neither image nor
  video, other files under profile/, folder markers ("MODEL/" objects some consoles
  create), names that are empty or hold control characters, and keys nested deeper than
  MODEL/POST/file (MODEL/POST/sub/file.jpg is ignored, not flattened into POST).
- Extensions and the reserved names (profile, icon, banner) match case-insensitively.
- An icon or banner must be an image; when several match (icon.jpg and icon.png) the
  first by key wins.
- An ignored key registers nothing: a model folder holding only ignored files is no model.
- A model's thumbnail is the first image of its last post (by folder name) that has an
  image: a newest post of videos only does not leave the model without one
  (domain.whitelabel.scan.describe).
"""

from __future__ import annotations

import re
from typing import NamedTuple

from domain.media.keys import UPLOAD_PREFIX

VIDEO_EXTENSIONS = frozenset({"mp4", "mov", "webm", "m4v", "mkv", "avi", "wmv", "flv"})
IMAGE_EXTENSIONS = frozenset({"jpg", "jpeg", "png", "webp", "gif", "avif"})
PROFILE_FOLDER = "profile"
PROFILE_IMAGES = ("icon", "banner")

# What a key is.
MODEL_FILE = "model_file"
ICON = "icon"
BANNER = "banner"
MEDIA = "media"
IGNORED = "ignored"

# Why a key is ignored (the sync report counts each).
AT_ROOT = "outside_model_folder"
HIDDEN = "hidden"
UNSUPPORTED = "unsupported_extension"
OTHER_PROFILE_FILE = "other_profile_file"
TOO_DEEP = "nested_too_deep"
FOLDER_MARKER = "folder_marker"
INVALID_NAME = "invalid_name"
PANEL_UPLOAD = "panel_upload"  # a file uploaded in the panel (domain.media.keys)


class ParsedKey(NamedTuple):
    kind: str
    model: str | None = None
    post: str | None = None
    media_type: str | None = None  # "image" | "video" for MEDIA
    reason: str | None = None  # for IGNORED


_TYPE_OF_EXTENSION = {
    **{ext: "image" for ext in IMAGE_EXTENSIONS},
    **{ext: "video" for ext in VIDEO_EXTENSIONS},
}


def media_type_of(name: str) -> str | None:
    """'image' or 'video' by the (case-insensitive) extension of a file name, else None."""
    stem, _, ext = name.rpartition(".")
    return _TYPE_OF_EXTENSION.get(ext.lower()) if stem else None


# Control characters and lone surrogates (what an undecodable file name becomes) cannot
# make a usable URL or database text.
_INVALID_CHARS = re.compile(r"[\x00-\x1f\x7f-\x9f\ud800-\udfff]")


def printable_key(key: str) -> str:
    """`key` with its control characters and lone surrogates written as escapes (\\x00,
    \\udcff): text that every database, JSON and terminal accept, for the sync report."""
    return _INVALID_CHARS.sub(lambda m: m.group().encode("unicode_escape").decode("ascii"), key)


def _ignored(reason: str) -> ParsedKey:
    return ParsedKey(IGNORED, reason=reason)


def _profile_file(model: str, name: str) -> ParsedKey:
    stem = name.rpartition(".")[0].lower()
    if stem in PROFILE_IMAGES and media_type_of(name) == "image":
        return ParsedKey(ICON if stem == "icon" else BANNER, model)
    return _ignored(OTHER_PROFILE_FILE)


def parse_key(key: str) -> ParsedKey:
    """What `key` means in the bucket layout (see the module docstring)."""
    if key.endswith("/"):
        return _ignored(FOLDER_MARKER)
    # Plain substring tests: this runs once per object of a 100,000-object bucket.
    if key.startswith("/") or "//" in key or not key or _INVALID_CHARS.search(key):
        return _ignored(INVALID_NAME)
    if key.startswith(".") or "/." in key:
        return _ignored(HIDDEN)
    if key.startswith(UPLOAD_PREFIX):
        return _ignored(PANEL_UPLOAD)
    parts = key.split("/")
    if len(parts) == 1:
        return _ignored(AT_ROOT)
    if len(parts) == 2:
        return ParsedKey(MODEL_FILE, parts[0])
    if len(parts) > 3:
        return _ignored(TOO_DEEP)
    model, post, name = parts
    if post.lower() == PROFILE_FOLDER:
        return _profile_file(model, name)
    kind = media_type_of(name)
    if kind is None:
        return _ignored(UNSUPPORTED)
    return ParsedKey(MEDIA, model, post, kind)

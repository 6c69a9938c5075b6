"""What an uploaded file is, told by its first bytes (never by its name or the type the
browser declares: an SVG or HTML page declared image/png is refused)."""

from __future__ import annotations

from attrs import frozen

# Bytes of a file's head enough to tell every accepted kind (ISO-BMFF's ftyp box and
# EBML's DocType sit in the first few dozen bytes).
SNIFF_BYTES = 64
IMAGE, VIDEO = "image", "video"


@frozen
class MediaKind:
    content_type: str
    extension: str
    kind: str  # IMAGE or VIDEO: the post type it makes


JPEG = MediaKind("image/jpeg", "jpg", IMAGE)
PNG = MediaKind("image/png", "png", IMAGE)
GIF = MediaKind("image/gif", "gif", IMAGE)
WEBP = MediaKind("image/webp", "webp", IMAGE)
MP4 = MediaKind("video/mp4", "mp4", VIDEO)
WEBM = MediaKind("video/webm", "webm", VIDEO)
ACCEPTED = (JPEG, PNG, GIF, WEBP, MP4, WEBM)
ACCEPTED_TYPES = tuple(k.content_type for k in ACCEPTED)

# ISO-BMFF major brands that are still images (HEIF/AVIF), not MP4 video.
_IMAGE_BRANDS = (b"heic", b"heix", b"hevc", b"heim", b"heis", b"mif1", b"msf1", b"avif", b"avis")


def sniff(head: bytes) -> MediaKind | None:
    """The accepted kind whose signature starts `head`, or None."""
    if head.startswith(b"\xff\xd8\xff"):
        return JPEG
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if head[:6] in (b"GIF87a", b"GIF89a"):
        return GIF
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return WEBP
    if head[4:8] == b"ftyp" and head[8:12] not in _IMAGE_BRANDS:
        return MP4
    if head.startswith(b"\x1a\x45\xdf\xa3") and b"webm" in head[:SNIFF_BYTES]:
        return WEBM
    return None

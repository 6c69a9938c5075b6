"""What an uploaded file is, told by its first bytes (domain.media.kinds), where uploads
are kept (domain.media.keys), and the server's framing letting the upload stream."""

from __future__ import annotations

import pytest

from domain.media.keys import is_upload_key, thumbnail_key, upload_key
from domain.media.kinds import GIF, JPEG, MP4, PNG, WEBM, WEBP, sniff
from entrypoints.request_framing import HAND_OVER, TOO_LARGE, Framing


@pytest.mark.parametrize(
    "head,kind",
    [
        (b"\xff\xd8\xff\xe0\x00\x10JFIF", JPEG),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", PNG),
        (b"GIF89a\x01\x00", GIF),
        (b"GIF87a\x01\x00", GIF),
        (b"RIFF\x24\x00\x00\x00WEBPVP8 ", WEBP),
        (b"\x00\x00\x00\x20ftypisom\x00\x00\x02\x00", MP4),
        (b"\x00\x00\x00\x1cftypmp42", MP4),
        (b"\x1a\x45\xdf\xa3\x9f\x42\x86\x81\x01\x42\xf7\x81\x01\x42\x82\x84webm", WEBM),
    ],
)
def test_accepted_kinds_are_told_by_their_signature(head, kind):
    assert sniff(head) == kind


@pytest.mark.parametrize(
    "head",
    [
        b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg">',
        b"<!doctype html><html>",
        b"%PDF-1.7",
        b"PK\x03\x04",
        b"",
        b"\xff\xd8",
        b"RIFF\x24\x00\x00\x00WAVEfmt ",  # audio, not WebP
        b"\x00\x00\x00\x18ftypheic\x00\x00",  # a HEIF still image
        b"\x00\x00\x00\x1cftypavif",  # an AVIF still image
        b"\x1a\x45\xdf\xa3\x9f\x42\x86\x81\x01\x42\x82\x88matroska",  # Matroska, not WebM
    ],
)
def test_everything_else_is_refused(head):
    assert sniff(head) is None


def test_upload_keys_are_random_names_under_the_month():
    from datetime import datetime

    key = upload_key(datetime(2026, 12, 7), "AbCdEfGhIjKlMnOpQrStUvWx", "jpg")
    assert key == "uploads/2026/12/AbCdEfGhIjKlMnOpQrStUvWx.jpg" and is_upload_key(key)
    assert thumbnail_key(key) == "uploads/2026/12/AbCdEfGhIjKlMnOpQrStUvWx.thumb.jpg"
    for other in (
        "ana/profile/icon.png",
        "uploads/../secret.jpg",
        "uploads/2026/12/short.jpg",
        "uploads/2026/12/AbCdEfGhIjKlMnOp/x.jpg",
    ):
        assert not is_upload_key(other)


def test_the_server_hands_the_upload_over_once_its_head_is_in():
    head = b"POST /api/admin/media HTTP/1.1\r\nContent-Length: 300000000\r\n\r\n"
    assert Framing().state(head) == HAND_OVER
    assert Framing().state(head.replace(b"POST", b"PUT", 1)) == TOO_LARGE
    assert Framing().state(head.replace(b"media", b"media/confirm", 1)) == TOO_LARGE

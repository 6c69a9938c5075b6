"""The bucket layout: what each key means."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from domain.whitelabel.layout import (
    AT_ROOT,
    BANNER,
    FOLDER_MARKER,
    HIDDEN,
    ICON,
    IGNORED,
    IMAGE_EXTENSIONS,
    INVALID_NAME,
    MEDIA,
    MODEL_FILE,
    OTHER_PROFILE_FILE,
    PANEL_UPLOAD,
    TOO_DEEP,
    UNSUPPORTED,
    VIDEO_EXTENSIONS,
    ParsedKey,
    parse_key,
)


@pytest.mark.parametrize(
    "key, expected",
    [
        ("ana/cover.jpg", ParsedKey(MODEL_FILE, "ana")),
        ("ana/notes.txt", ParsedKey(MODEL_FILE, "ana")),  # any file registers the model
        ("ana/2024-01/a.jpg", ParsedKey(MEDIA, "ana", "2024-01", "image")),
        ("ana/2024-01/b.MP4", ParsedKey(MEDIA, "ana", "2024-01", "video")),
        ("ana/post one/é 👩‍🎤.webm", ParsedKey(MEDIA, "ana", "post one", "video")),
        ("ana/profile/icon.png", ParsedKey(ICON, "ana")),
        ("ana/Profile/Banner.WEBP", ParsedKey(BANNER, "ana")),
    ],
)
def test_keys_that_mean_something(key, expected):
    assert parse_key(key) == expected


@pytest.mark.parametrize(
    "key, reason",
    [
        ("root.jpg", AT_ROOT),
        ("ana/p/readme.txt", UNSUPPORTED),
        ("ana/p/data.json", UNSUPPORTED),
        ("ana/p/noextension", UNSUPPORTED),
        ("ana/p/.jpg", HIDDEN),
        ("ana/p/.DS_Store", HIDDEN),
        ("ana/.thumbs/a.jpg", HIDDEN),
        (".trash/p/a.jpg", HIDDEN),
        ("ana/.keep", HIDDEN),
        ("ana/profile/icon.txt", OTHER_PROFILE_FILE),
        ("ana/profile/icon.mp4", OTHER_PROFILE_FILE),  # an icon must be an image
        ("ana/profile/photo.jpg", OTHER_PROFILE_FILE),
        ("ana/p/extra/a.jpg", TOO_DEEP),
        ("ana/profile/old/icon.jpg", TOO_DEEP),
        ("ana/", FOLDER_MARKER),
        ("ana/p/", FOLDER_MARKER),
        ("ana//a.jpg", INVALID_NAME),
        ("/ana/p/a.jpg", INVALID_NAME),
        ("ana/p/a\x07.jpg", INVALID_NAME),
        ("ana/p/\udcff.jpg", INVALID_NAME),  # an undecodable file name
        ("uploads/2026/12/AbCdEfGhIjKlMnOpQrStUvWx.jpg", PANEL_UPLOAD),  # the panel's uploads
        ("uploads/2026/12/AbCdEfGhIjKlMnOpQrStUvWx.thumb.jpg", PANEL_UPLOAD),
    ],
)
def test_keys_that_are_ignored_and_why(key, reason):
    assert parse_key(key) == ParsedKey(IGNORED, reason=reason)


segment = st.text(
    st.characters(blacklist_categories=("Cs", "Cc"), blacklist_characters="/."),
    min_size=1,
    max_size=8,
).filter(lambda text: text != "uploads")
extension = st.sampled_from(sorted(IMAGE_EXTENSIONS | VIDEO_EXTENSIONS))


@given(model=segment, post=segment, stem=segment, ext=extension, upper=st.booleans())
def test_every_media_extension_in_any_case_is_a_media_file(model, post, stem, ext, upper):
    parsed = parse_key(f"{model}/{post}/{stem}.{ext.upper() if upper else ext}")
    if post.lower() == "profile":
        assert parsed.kind in (ICON, BANNER, IGNORED)
    else:
        assert parsed == ParsedKey(
            MEDIA, model, post, "image" if ext in IMAGE_EXTENSIONS else "video"
        )


@given(st.text(max_size=40))
def test_any_key_parses_without_error_and_ignored_keys_name_no_model(key):
    parsed = parse_key(key)
    assert (parsed.reason is not None) == (parsed.kind == IGNORED)
    if parsed.kind == IGNORED:
        assert parsed.model is None
    else:
        assert key.startswith(parsed.model + "/")

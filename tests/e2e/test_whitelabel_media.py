"""GET /media: the local-folder storage's signed links, served by the app (on the
memory adapters): ranges, tampering, expiry, malformed links, what is served and how
it is documented."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest

from tests.support.api import assert_error
from tests.support.whitelabel_files import get_link, media_root  # noqa: F401 (a fixture)


def test_signed_media_links_refuse_tampering_and_expiry(client, deps, clock, media_root):
    url = deps.storage.signed_url("ana/2024-01/b.mp4", deps.config.signed_url_ttl_seconds)
    parts = urlsplit(url)
    assert get_link(client, url).content == b"0123456789"
    ranged = client.simulate_get(
        parts.path, query_string=parts.query, headers={"Range": "bytes=2-5"}
    )
    assert ranged.status_code == 206 and ranged.content == b"2345"
    assert ranged.headers["content-range"] == "bytes 2-5/10"
    tail = client.simulate_get(parts.path, query_string=parts.query, headers={"Range": "bytes=-3"})
    assert tail.status_code == 206 and tail.content == b"789"
    beyond = client.simulate_get(
        parts.path, query_string=parts.query, headers={"Range": "bytes=10-20"}
    )
    assert beyond.status_code == 416 and beyond.headers["content-range"] == "bytes */10"
    assert beyond.json["error"]["message"]
    other = deps.storage.signed_url("ana/2024-01/a.jpg", 60)
    forged = [
        parts.path.replace("b.mp4", "a.jpg") + "?" + parts.query,
        parts.path + "?" + urlsplit(other).query,
        url.replace("sig=", "sig=x"),
        parts.path + "?exp=99999999999&sig=abc",
        parts.path,
    ]
    for bad in forged:
        assert_error(get_link(client, bad), 403, "invalid_signature")
    clock.advance(seconds=deps.config.signed_url_ttl_seconds)
    assert_error(get_link(client, url), 403, "invalid_signature")
    escape = deps.storage.signed_url("../../etc/passwd", 60)
    assert_error(get_link(client, escape), 404, "not_found")
    gone = deps.storage.signed_url("ana/2024-01/gone.jpg", 60)
    assert_error(get_link(client, gone), 404, "not_found")


@pytest.mark.parametrize(
    "query",
    [
        "exp=%C2%B2&sig=abc",  # '²': str.isdigit() accepts it, int() not
        "exp=%D9%A1%D9%A2&sig=abc",  # Arabic-Indic digits
        "exp=99999999999&sig=%C3%A9",  # a non-ASCII signature
        "exp=99999999999&sig=%C3%A9%C3%A9%C3%A9%C3%A9%C3%A9%C3%A9%C3%A9%C3%A9",
        "exp=99999999999&sig=%00",
        "exp=1%20&sig=a",
        "exp=1&exp=2&sig=a",
        "exp=&sig=",
        "sig=abc",
        "exp=99999999999",
    ],
)
def test_malformed_media_links_are_403s(client, media_root, query):
    result = client.simulate_get("/media/ana/2024-01/a.jpg", query_string=query)
    assert_error(result, 403, "invalid_signature")


def test_only_the_layouts_media_are_served_even_when_signed(client, deps, media_root):
    assert_error(
        get_link(client, deps.storage.signed_url("bia/2024-03/notes.txt", 60)), 404, "not_found"
    )


def _covers(documented: str, served: str) -> bool:
    kind, _, sub = documented.partition("/")
    served_kind, _, served_sub = served.split(";")[0].strip().partition("/")
    return kind in ("*", served_kind) and sub in ("*", served_sub)


def test_media_responses_are_documented_with_their_content_types(client, deps, media_root):
    spec = client.simulate_get("/openapi.json").json
    responses = spec["paths"]["/media/{key}"]["get"]["responses"]
    for key in ("ana/2024-01/a.jpg", "ana/2024-01/b.mp4", "ana/2024-02/c.png"):
        url = urlsplit(deps.storage.signed_url(key, 60))
        for headers in ({}, {"Range": "bytes=0-1"}):
            result = client.simulate_get(url.path, query_string=url.query, headers=headers)
            served = result.headers["content-type"]
            assert served.startswith(("image/", "video/"))
            documented = responses[str(result.status_code)]["content"]
            assert any(_covers(d, served) for d in documented), (documented, served)

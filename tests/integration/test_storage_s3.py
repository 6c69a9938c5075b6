"""The S3 storage adapter against moto's S3 server on loopback: paginated listing in key
order, object metadata, URLs, failures, and a whole sync through it."""

from __future__ import annotations

import time
import urllib.request
import uuid

import pytest

from adapters.storage import storage_from_url
from adapters.storage.minio_s3 import S3Storage
from domain.common.errors import ServiceUnavailable
from entrypoints.config import Config
from tests.support.s3 import free_port, moto  # noqa: F401 (a fixture)
from tests.support.whitelabel import catalogue_view, catalogue_writes, run_sync


@pytest.fixture
def bucket(moto) -> str:
    return moto.new_bucket(f"media-{uuid.uuid4().hex[:10]}")


def storage(moto, bucket) -> S3Storage:
    return storage_from_url(Config(storage_url=moto.url(bucket), secret_key="s" * 32))


def test_listing_streams_every_page_in_key_order(moto, bucket):
    keys = [f"m{i % 7}/p{i % 13}/f{i:05}.jpg" for i in range(2345)] + [
        "a-b/x.jpg",
        "a/b.jpg",
        "a.b/c.jpg",
        "ünï/cödé/ü 1.jpg",
        "z/p/+&?#%.jpg",
    ]
    moto.fill(bucket, {k: b"x" * (len(k) % 5) for k in keys})
    listed = list(storage(moto, bucket).list_objects())
    assert [o.key for o in listed] == sorted(keys, key=lambda k: k.encode())
    assert len(listed) > 2 * 1000  # three pages of ListObjectsV2
    first = listed[0]
    assert first.size == len(first.key) % 5 and len(first.etag) == 32
    assert '"' not in first.etag and first.last_modified.tzinfo is None


def test_listing_with_a_prefix(moto, bucket):
    moto.fill(bucket, {"ana/p/a.jpg": b"1", "anabel/p/b.jpg": b"2", "bia/p/c.jpg": b"3"})
    assert [o.key for o in storage(moto, bucket).list_objects("ana/")] == ["ana/p/a.jpg"]


def test_urls_round_trip_keys_and_presigned_urls_fetch_the_object(moto, bucket):
    moto.fill(bucket, {"ana/post 1/é+?.jpg": b"image-bytes"})
    s3 = storage(moto, bucket)
    url = s3.public_url("ana/post 1/é+?.jpg")
    assert url.startswith(f"http://{moto.endpoint}/{bucket}/ana/post%201/")
    assert s3.key_from_url(url) == "ana/post 1/é+?.jpg"
    assert s3.key_from_url("https://cdn.example.com/ana/x.jpg") is None
    signed = s3.signed_url("ana/post 1/é+?.jpg", 60)
    assert "X-Amz-Signature=" in signed and "X-Amz-Expires=60" in signed
    assert urllib.request.urlopen(signed, timeout=10).read() == b"image-bytes"


def test_a_missing_bucket_is_service_unavailable(moto):
    with pytest.raises(ServiceUnavailable, match="NoSuchBucket"):
        list(storage(moto, "no-such-bucket").list_objects())


def test_an_unreachable_server_fails_fast(moto):
    closed = S3Storage(f"127.0.0.1:{free_port()}", "a", "b", "bucket", secure=False)
    started = time.monotonic()
    with pytest.raises(ServiceUnavailable, match="cannot be listed"):
        list(closed.list_objects())
    assert time.monotonic() - started < 10  # bounded retries, not minio's defaults


def test_the_storage_url_is_parsed():
    s3 = S3Storage.from_url("s3://AK:se%2Fcr%2Bet@spaces.example.com/media?region=nyc3")
    assert (s3.endpoint, s3.bucket, s3.secure) == ("spaces.example.com", "media", True)
    assert s3.public_url("a/b.jpg") == "https://spaces.example.com/media/a/b.jpg"
    assert s3.client._provider.retrieve().secret_key == "se/cr+et"
    local = S3Storage.from_url("s3://AK:SK@127.0.0.1:9000/media?secure=false")
    assert local.public_url("k") == "http://127.0.0.1:9000/media/k"
    for bad in ("s3://AK:SK@host/", "s3://AK:SK@host/a/b"):
        with pytest.raises(ValueError):
            S3Storage.from_url(bad)


def test_a_sync_through_the_s3_server(moto, bucket, backend, clock):
    moto.fill(
        bucket,
        {
            "ana/profile/icon.png": b"i",
            "ana/2024-01/a.jpg": b"a",
            "ana/2024-01/b.mp4": b"bb",
            "bia/2024-02/c.webp": b"c",
            "bia/p/readme.txt": b"r",
            "x.json": b"{}",
        },
    )
    s3 = storage(moto, bucket)
    run = run_sync(backend, s3, clock)
    assert run.report["created"] == {"models": 2, "posts": 2, "media": 3}
    models, posts, media = catalogue_view(backend)
    assert models["ana"][1] == s3.public_url("ana/profile/icon.png")
    url, kind, etag, size, post = media["ana/2024-01/b.mp4"]
    assert (url, kind, size, post) == (
        s3.public_url("ana/2024-01/b.mp4"),
        "video",
        2,
        ("ana", "2024-01"),
    )
    assert len(etag) == 32
    assert run.report["ignored"]["count"] == 2
    with catalogue_writes(backend) as writes:
        again = run_sync(backend, s3, clock)
    assert writes.value == 0 and again.report["write_statements"] == 0

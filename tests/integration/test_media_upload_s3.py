"""Uploads on an S3 storage (issue 23): through the app (moto's server), and straight from
the browser to the bucket with a presigned POST (SeaweedFS, which enforces the form's
policy: the key and the size range), then confirmed by the app, which reads the bytes
back and refuses (and deletes) anything but the accepted kinds."""

from __future__ import annotations

import io

import attrs
import pytest
import requests
from falcon.testing import TestClient
from PIL import Image

from adapters.clock import FakeClock, utcnow
from entrypoints.http.app import create_app
from tests.support.api import assert_error
from tests.support.deps import Actors, deps_for
from tests.support.media_files import SVG, image_bytes, upload, video_bytes
from tests.support.s3 import MotoS3, SeaweedS3

BUCKET = "creatorflix-uploads"
LIMIT = 300_000


@pytest.fixture
def clock():
    """Now: the bucket checks the form's expiry against its own clock."""
    return FakeClock(utcnow())


def app_on(storage_url: str, memory_backend, config, clock):
    deps = deps_for(
        memory_backend, attrs.evolve(config, storage_url=storage_url, max_upload_bytes=LIMIT), clock
    )
    return deps, TestClient(create_app(deps)), Actors(deps).admin()


@pytest.fixture(scope="module")
def moto_s3():
    server = MotoS3()
    server.new_bucket(BUCKET)
    yield server
    server.stop()


@pytest.fixture(scope="module")
def seaweed(tmp_path_factory):
    server = SeaweedS3(tmp_path_factory.mktemp("seaweed"))
    try:
        server.wait_ready(BUCKET)
        yield server
    finally:
        server.stop()


def test_an_upload_through_the_app_lands_in_the_bucket(
    moto_s3, memory_backend, config, clock, tmp_path
):
    deps, client, admin = app_on(moto_s3.url(BUCKET), memory_backend, config, clock)
    data = video_bytes(tmp_path, "mp4")
    sent = upload(client, admin, data, filename="a.mov", content_type="video/quicktime")
    assert sent.status_code == 201, sent.text
    key = sent.json["key"]
    assert moto_s3.client.get_object(BUCKET, key).read() == data
    assert moto_s3.client.stat_object(BUCKET, key).content_type == "video/mp4"
    poster = moto_s3.client.get_object(BUCKET, key.rsplit(".", 1)[0] + ".thumb.jpg").read()
    assert Image.open(io.BytesIO(poster)).size == (480, 270)
    assert sent.json["url"] == f"http://{moto_s3.endpoint}/{BUCKET}/{key}"
    assert sent.json["signed_url"].startswith(sent.json["url"] + "?")


def test_refused_content_never_reaches_the_bucket(moto_s3, memory_backend, config, clock):
    deps, client, admin = app_on(moto_s3.url(BUCKET), memory_backend, config, clock)
    before = {o.object_name for o in moto_s3.client.list_objects(BUCKET, recursive=True)}
    assert_error(
        upload(client, admin, SVG, filename="a.png", content_type="image/png"),
        415,
        "unsupported_media_type",
        "file",
    )
    after = {o.object_name for o in moto_s3.client.list_objects(BUCKET, recursive=True)}
    assert after == before


def post_form(form: dict, data: bytes, content_type: str = "image/png", **changed):
    fields = {**form["fields"], **changed}
    return requests.post(
        form["url"], data=fields, timeout=30, files={"file": ("x", data, content_type)}
    )


def presign(client, admin, content_type: str) -> dict:
    sent = client.simulate_post(
        "/api/admin/media/presign", headers=admin, json={"content_type": content_type}
    )
    assert sent.status_code == 200, sent.text
    assert sent.json["direct"] is True and sent.json["max_bytes"] == LIMIT
    assert sent.json["key"].startswith("uploads/")
    return sent.json


def test_a_presigned_post_goes_to_the_bucket_and_is_confirmed(
    seaweed, memory_backend, config, clock
):
    deps, client, admin = app_on(seaweed.url(BUCKET), memory_backend, config, clock)
    form = presign(client, admin, "image/jpeg")
    data = image_bytes("JPEG", (960, 640))
    posted = post_form(form, data, "image/jpeg")
    assert posted.status_code in (200, 201, 204), posted.text
    confirmed = client.simulate_post(
        "/api/admin/media/confirm", headers=admin, json={"key": form["key"]}
    )
    assert confirmed.status_code == 201, confirmed.text
    assert confirmed.json["content_type"] == "image/jpeg"
    assert (confirmed.json["width"], confirmed.json["size"]) == (960, len(data))
    thumb = seaweed.client.get_object(BUCKET, form["key"].rsplit(".", 1)[0] + ".thumb.jpg")
    assert Image.open(io.BytesIO(thumb.read())).size == (480, 320)


def test_the_bucket_refuses_a_file_over_the_limit_or_at_another_key(
    seaweed, memory_backend, config, clock
):
    deps, client, admin = app_on(seaweed.url(BUCKET), memory_backend, config, clock)
    form = presign(client, admin, "image/png")
    too_big = image_bytes("PNG") + b"\0" * LIMIT
    refused = post_form(form, too_big)
    assert refused.status_code == 400 and "EntityTooLarge" in refused.text, refused.text
    for key in ("uploads/elsewhere.png", "index.html"):
        refused = post_form(form, image_bytes("PNG"), key=key)
        assert refused.status_code == 403 and "Policy" in refused.text, refused.text
    assert_error(
        client.simulate_post("/api/admin/media/confirm", headers=admin, json={"key": form["key"]}),
        404,
        "not_found",
        "key",
    )


def test_a_presigned_upload_of_other_content_is_refused_and_deleted(
    seaweed, memory_backend, config, clock
):
    deps, client, admin = app_on(seaweed.url(BUCKET), memory_backend, config, clock)
    form = presign(client, admin, "image/png")
    assert post_form(form, SVG, "image/png").status_code in (200, 201, 204)
    assert_error(
        client.simulate_post("/api/admin/media/confirm", headers=admin, json={"key": form["key"]}),
        415,
        "unsupported_media_type",
        "file",
    )
    assert deps.storage.object_size(form["key"]) is None


def test_confirm_takes_only_keys_of_uploads(seaweed, memory_backend, config, clock):
    deps, client, admin = app_on(seaweed.url(BUCKET), memory_backend, config, clock)
    for key in ("ana/profile/icon.png", "uploads/../x.png", ""):
        assert_error(
            client.simulate_post("/api/admin/media/confirm", headers=admin, json={"key": key}),
            400,
            "invalid",
            "key",
        )

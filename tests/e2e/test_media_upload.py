"""POST /api/admin/media on the local folder (issue 23): admins upload images and videos,
told by their bytes; each gets a thumbnail ≤ 480 px; the rest is refused by content."""

from __future__ import annotations

import io

import pytest
from PIL import Image

from tests.support.api import assert_error
from tests.support.media_files import HTML, SVG, fetch, image_bytes, multipart, upload, video_bytes


@pytest.mark.parametrize(
    "fmt,content_type",
    [("JPEG", "image/jpeg"), ("PNG", "image/png"), ("WEBP", "image/webp"), ("GIF", "image/gif")],
)
def test_an_admin_uploads_an_image_and_gets_a_thumbnail(client, actors, deps, fmt, content_type):
    data = image_bytes(fmt, (1200, 800))
    # The declared name and type are wrong on purpose: the bytes decide.
    sent = upload(
        client, actors.admin(), data, filename="x.bin", content_type="application/octet-stream"
    )
    assert sent.status_code == 201, sent.text
    found = sent.json
    assert found["content_type"] == content_type and found["kind"] == "image"
    assert (found["width"], found["height"], found["size"]) == (1200, 800, len(data))
    assert found["key"].startswith("uploads/") and found["url"].endswith(found["key"])
    assert deps.storage.key_from_url(found["url"]) == found["key"]
    original = fetch(client, found["signed_url"])
    assert original.status_code == 200 and original.content == data
    thumb = fetch(client, found["signed_thumbnail_url"])
    assert thumb.status_code == 200 and thumb.headers["content-type"] == "image/jpeg"
    assert Image.open(io.BytesIO(thumb.content)).size == (480, 320)
    # The stored URL itself is not a link anyone can use.
    assert fetch(client, found["url"]).status_code == 403


@pytest.mark.parametrize("container", ["mp4", "webm"])
def test_a_video_gets_a_poster_frame(client, actors, tmp_path, container):
    data = video_bytes(tmp_path, container)
    sent = upload(client, actors.admin(), data, filename="clip", content_type="video/x")
    assert sent.status_code == 201, sent.text
    assert sent.json["content_type"] == f"video/{container}"
    assert sent.json["kind"] == "video" and sent.json["key"].endswith("." + container)
    assert (sent.json["width"], sent.json["height"]) == (640, 360)
    poster = fetch(client, sent.json["signed_thumbnail_url"])
    assert Image.open(io.BytesIO(poster.content)).size == (480, 270)


@pytest.mark.parametrize("data", [SVG, HTML, b"GIF89 not quite", b"%PDF-1.7\n..."])
def test_other_content_is_refused_whatever_it_declares(client, actors, deps, data):
    assert_error(
        upload(client, actors.admin(), data, filename="cat.png", content_type="image/png"),
        415,
        "unsupported_media_type",
        "file",
    )
    assert not list(deps.storage.list_objects("uploads/"))


def test_a_file_with_a_signature_but_broken_content_is_refused_and_not_kept(client, actors, deps):
    broken = image_bytes("PNG")[:40]
    assert_error(upload(client, actors.admin(), broken), 415, "unsupported_media_type", "file")
    assert not list(deps.storage.list_objects("uploads/"))


def test_only_admins_upload(client, actors):
    body, headers = multipart(image_bytes())
    assert_error(
        client.simulate_post("/api/admin/media", body=body, headers=headers), 401, "unauthenticated"
    )
    assert_error(
        client.simulate_post("/api/admin/media", body=body, headers={**actors.user(), **headers}),
        403,
        "forbidden",
    )


def test_the_upload_limit_is_its_own_not_the_body_limit(client, actors, deps):
    data = image_bytes("PNG", (1500, 1500)) + b"\0" * (deps.config.max_body_bytes + 10)
    assert len(data) > deps.config.max_body_bytes
    assert upload(client, actors.admin(), data).status_code == 201


class TestASmallUploadLimit:
    @pytest.fixture
    def config(self, config):
        import attrs

        return attrs.evolve(config, max_upload_bytes=200_000)

    def test_a_file_over_the_upload_limit_is_413(self, client, actors, deps):
        data = image_bytes("PNG") + b"\0" * 250_000
        assert_error(upload(client, actors.admin(), data), 413, "payload_too_large")
        assert not list(deps.storage.list_objects("uploads/"))

    def test_one_declared_larger_is_refused_before_its_body_is_read(self, client, actors):
        body, headers = multipart(image_bytes("PNG"))
        sent = client.simulate_post(
            "/api/admin/media",
            body=body,
            headers={**actors.admin(), **headers, "Content-Length": str(300_000)},
        )
        assert_error(sent, 413, "payload_too_large", "body")


def test_a_body_without_the_file_field_names_it(client, actors):
    assert_error(
        upload(client, actors.admin(), image_bytes(), field="photo"), 400, "invalid", "file"
    )
    assert_error(
        client.simulate_post("/api/admin/media", json={"file": "x"}, headers=actors.admin()),
        400,
        "invalid",
        "file",
    )


def test_the_local_folder_takes_uploads_through_the_app_only(client, actors):
    sent = client.simulate_post(
        "/api/admin/media/presign", json={"content_type": "image/png"}, headers=actors.admin()
    )
    assert sent.status_code == 200 and sent.json["direct"] is False
    assert sent.json["url"] is None and sent.json["fields"] is None
    assert_error(
        client.simulate_post(
            "/api/admin/media/presign",
            json={"content_type": "image/svg+xml"},
            headers=actors.admin(),
        ),
        400,
        "invalid",
        "content_type",
    )


def test_uploaded_media_is_served_signed_gated_and_paywalled(client, actors, deps, tmp_path):
    admin = actors.admin()
    icon = upload(client, admin, image_bytes("PNG")).json
    clip = upload(client, admin, video_bytes(tmp_path, "mp4")).json
    creator = client.simulate_post(
        "/api/admin/models",
        headers=admin,
        json={"name": "Ana", "icon_url": icon["url"], "status": "active"},
    ).json
    assert creator["icon_url"] == icon["url"]  # stored as uploaded, not signed
    assert fetch(client, creator["signed"]["icon_url"]).status_code == 200
    post = client.simulate_post(
        "/api/admin/posts",
        headers=admin,
        json={"model_id": creator["id"], "content_url": clip["url"], "type": clip["kind"]},
    )
    assert post.status_code == 201, post.text

    public = client.simulate_get(f"/api/models/{creator['id']}").json
    assert public["icon_url"].startswith(icon["url"] + "?exp=")
    assert fetch(client, public["icon_url"]).status_code == 200
    [locked] = client.simulate_get(f"/api/models/{creator['id']}/posts").json["data"]
    assert locked["locked"] and locked["content_url"] is None
    [shown] = client.simulate_get(f"/api/models/{creator['id']}/posts", headers=admin).json["data"]
    assert shown["content_url"].startswith(clip["url"] + "?exp=")
    assert fetch(client, shown["content_url"]).content == fetch(client, clip["signed_url"]).content


def test_a_third_upload_at_once_is_turned_away_with_503(client, actors, deps):
    # Uploads read their body in a thread (a streaming route): two at once per process
    # at most, so they never hold every thread. Two are made to hold their slots here.
    from entrypoints.http.media_admin import UPLOAD_SLOTS

    route = next(r for r in client.app.routes if r.path == "/api/admin/media")
    held = [route.resource.slots.__enter__() for _ in range(UPLOAD_SLOTS)]
    try:
        sent = upload(client, actors.admin(), image_bytes())
        assert_error(sent, 503, "uploads_busy")
    finally:
        for _ in held:
            route.resource.slots.__exit__(None, None, None)
    assert upload(client, actors.admin(), image_bytes()).status_code == 201

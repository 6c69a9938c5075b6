"""The white-label catalogue over the REST API (smoke tests on every backend), with the
local-folder storage: sync, administration, the public catalogue behind the paywall,
and the signed /media links."""

from __future__ import annotations

import os
from datetime import timedelta

import pytest

from domain.payments.subscriptions import Subscription
from tests.support.api import assert_error
from tests.support.whitelabel_files import get_link, media_root  # noqa: F401  (fixture)


@pytest.fixture
def admin(actors) -> dict:
    return actors.admin()


def synced(client, admin, **body) -> dict:
    result = client.simulate_post("/api/admin/whitelabel/sync", json=body or None, headers=admin)
    assert result.status_code == 200, result.json
    return result.json


def model_ids(client, admin) -> dict[str, int]:
    found = client.simulate_get("/api/admin/whitelabel/models", headers=admin).json["data"]
    return {m["folder_name"]: m["id"] for m in found}


def activate(client, admin, model_id: int, status: str = "active") -> dict:
    result = client.simulate_patch(
        f"/api/admin/whitelabel/models/{model_id}", json={"status": status}, headers=admin
    )
    assert result.status_code == 200, result.json
    return result.json


def published_model(client, admin, root, posts: list[str]) -> int:
    """Model "ana" with one image in each of `posts`, synced and made active: its id."""
    for post in posts:
        (root / f"ana/{post}").mkdir(parents=True)
        (root / f"ana/{post}/x.jpg").write_bytes(b"x")
    synced(client, admin)
    ana = model_ids(client, admin)["ana"]
    activate(client, admin, ana)
    return ana


def subscriber(deps, actors, clock, email="fan@example.com") -> dict:
    headers = actors.user(email)
    with deps.uow() as uow:
        user = uow.users.get_by_email(email)
        uow.subscriptions.add(
            Subscription(
                id=None,
                user_id=user.id,
                status="active",
                start_date=clock.now() - timedelta(days=1),
                end_date=clock.now() + timedelta(days=30),
            )
        )
        uow.commit()
    return headers


@pytest.mark.smoke
def test_sync_reports_and_the_last_report_is_kept(client, admin, media_root):
    assert_error(client.simulate_get("/api/admin/whitelabel/sync", headers=admin), 404, "not_found")
    run = synced(client, admin)
    assert run["status"] == "succeeded" and run["dry_run"] is False
    assert run["report"]["created"] == {"models": 2, "posts": 3, "media": 4}
    assert run["report"]["ignored"]["examples"] == ["bia/2024-03/notes.txt"]
    again = synced(client, admin, dry_run=True)
    assert again["dry_run"] and again["report"]["created"]["media"] == 0
    last = client.simulate_get("/api/admin/whitelabel/sync", headers=admin).json
    assert last == again


@pytest.mark.smoke
def test_a_file_name_that_is_not_utf8_is_reported_not_fatal(client, admin, media_root):
    # A zip made on Windows: the name's bytes are not UTF-8 (listed as lone surrogates).
    os.makedirs(os.fsencode(media_root) + b"/ana/p2")
    with open(os.fsencode(media_root) + b"/ana/p2/\xff\xfe.jpg", "wb") as f:
        f.write(b"x")
    run = synced(client, admin)
    assert run["status"] == "succeeded"
    assert run["report"]["created"] == {"models": 2, "posts": 3, "media": 4}
    assert run["report"]["ignored"]["by_reason"]["invalid_name"] == 1
    assert "ana/p2/\\udcff\\udcfe.jpg" in run["report"]["ignored"]["examples"]
    assert client.simulate_get("/api/admin/whitelabel/sync", headers=admin).json == run


def test_sync_is_for_admins_and_validates_its_body(client, actors, admin, media_root):
    user = actors.user()
    assert_error(client.simulate_post("/api/admin/whitelabel/sync"), 401, "unauthenticated")
    assert_error(client.simulate_post("/api/admin/whitelabel/sync", headers=user), 403, "forbidden")
    assert_error(
        client.simulate_post("/api/admin/whitelabel/sync", json={"dry_run": "yes"}, headers=admin),
        400,
        "invalid",
        "dry_run",
    )
    assert_error(
        client.simulate_post("/api/admin/whitelabel/sync", json={"force": True}, headers=admin),
        400,
        "invalid",
        "force",
    )


def test_sync_conflicts_refusals_and_storage_errors(client, deps, admin, media_root):
    with deps.sync_lock.hold():
        assert_error(
            client.simulate_post("/api/admin/whitelabel/sync", headers=admin),
            409,
            "sync_in_progress",
        )
    synced(client, admin)
    for key in ["ana/2024-01/a.jpg", "ana/2024-01/b.mp4", "ana/2024-02/c.png"]:
        (media_root / key).unlink()
    dry = synced(client, admin, dry_run=True)  # reports, writes nothing: no 409
    assert (dry["status"], dry["report"]["deleted"]) == (
        "succeeded",
        {"models": 0, "posts": 2, "media": 3},
    )
    assert dry["report"]["refusal"] == "the sync would delete 2 of 3 posts (more than half)"
    refused = client.simulate_post("/api/admin/whitelabel/sync", headers=admin)
    assert_error(refused, 409, "mass_delete_refused", "allow_mass_delete")
    last = client.simulate_get("/api/admin/whitelabel/sync", headers=admin).json
    assert last["status"] == "refused" and last["report"]["deleted"]["media"] == 3
    assert last["report"]["refusal"] == dry["report"]["refusal"]
    assert synced(client, admin, allow_mass_delete=True)["report"]["deleted"]["posts"] == 2
    media_root.rename(media_root.with_name("gone"))
    media_root.write_bytes(b"a file, not a folder")
    assert_error(
        client.simulate_post("/api/admin/whitelabel/sync", headers=admin), 503, "unavailable"
    )


def test_admins_list_every_synced_model_and_set_its_status(client, admin, media_root):
    synced(client, admin)
    everyone = client.simulate_get("/api/admin/whitelabel/models", headers=admin).json
    assert [m["folder_name"] for m in everyone["data"]] == ["ana", "bia"]
    assert everyone["data"][0]["post_count"] == 2 and everyone["data"][0]["status"] == "new"
    ids = model_ids(client, admin)
    assert activate(client, admin, ids["bia"])["status"] == "active"
    active = client.simulate_get(
        "/api/admin/whitelabel/models", params={"status": "active"}, headers=admin
    ).json
    assert [m["folder_name"] for m in active["data"]] == ["bia"]
    assert_error(
        client.simulate_patch(
            f"/api/admin/whitelabel/models/{ids['ana']}", json={"status": "public"}, headers=admin
        ),
        400,
        "invalid",
        "status",
    )
    assert_error(
        client.simulate_patch(
            "/api/admin/whitelabel/models/999", json={"status": "hidden"}, headers=admin
        ),
        404,
        "not_found",
    )
    synced(client, admin)  # a sync never touches the status
    assert model_ids(client, admin) == ids
    assert (
        client.simulate_get(
            "/api/admin/whitelabel/models", params={"status": "active"}, headers=admin
        ).json["total"]
        == 1
    )


@pytest.mark.smoke
def test_the_public_catalogue_shows_active_models_only(client, admin, media_root):
    synced(client, admin)
    ids = model_ids(client, admin)
    assert client.simulate_get("/api/whitelabel/models").json["data"] == []
    assert_error(client.simulate_get(f"/api/whitelabel/models/{ids['ana']}"), 404, "not_found")
    activate(client, admin, ids["ana"])
    listed = client.simulate_get("/api/whitelabel/models").json
    assert [m["folder_name"] for m in listed["data"]] == ["ana"] and listed["total"] == 1
    model = client.simulate_get(f"/api/whitelabel/models/{ids['ana']}").json
    assert model["post_count"] == 2 and "status" not in model
    thumb = get_link(client, model["thumbnail_url"])  # signed, for everyone
    assert thumb.status_code == 200 and thumb.content == b"png-bytes"
    assert thumb.headers["content-type"] == "image/png"
    assert get_link(client, model["icon_url"]).content == b"icon-bytes"
    activate(client, admin, ids["ana"], "hidden")
    assert_error(
        client.simulate_get(f"/api/whitelabel/models/{ids['ana']}/posts"), 404, "not_found"
    )


@pytest.mark.smoke
def test_media_urls_only_for_subscribers_and_admins(client, deps, actors, admin, clock, media_root):
    synced(client, admin)
    ana = model_ids(client, admin)["ana"]
    activate(client, admin, ana)
    path = f"/api/whitelabel/models/{ana}/posts"
    for headers in (None, actors.user("nosub@example.com")):
        posts = client.simulate_get(path, headers=headers).json
        assert [p["title"] for p in posts["data"]] == ["2024-02", "2024-01"]
        assert all(p["locked"] and p["media_cdns"] is None for p in posts["data"])
        assert posts["data"][1]["media_count"] == {"images": 1, "videos": 1}
    for headers in (subscriber(deps, actors, clock), admin):
        posts = client.simulate_get(path, headers=headers).json["data"]
        assert not posts[1]["locked"]
        [image], [video] = posts[1]["media_cdns"]["images"], posts[1]["media_cdns"]["videos"]
        assert get_link(client, image).content == b"jpeg-bytes-a"
        assert get_link(client, video).headers["content-type"] == "video/mp4"
    paged = client.simulate_get(path, params={"limit": 1, "page": 2}, headers=admin).json
    assert (paged["total"], paged["total_pages"], paged["data"][0]["title"]) == (2, 2, "2024-01")


def test_a_posts_page_costs_the_same_queries_whatever_its_size(pony_backend, config, clock):
    from falcon.testing import TestClient

    from entrypoints.http.app import create_app
    from tests.support.deps import Actors, deps_for

    deps = deps_for(pony_backend, config, clock)
    client, admin = TestClient(create_app(deps)), Actors(deps).admin()
    ana = published_model(client, admin, deps.storage.root, [f"2025-{n:02}" for n in range(12)])
    path = f"/api/whitelabel/models/{ana}/posts"
    costs = []
    for limit in (2, 12):
        pony_backend.reset_query_count()
        page = client.simulate_get(path, params={"limit": limit}, headers=admin).json
        assert len(page["data"]) == limit and not page["data"][0]["locked"]
        costs.append(pony_backend.query_count())
    assert 0 < costs[0] == costs[1]


def test_responses_match_the_openapi_document(client, deps, actors, admin, clock, media_root):
    from tests.support.openapi_check import assert_documented

    sync = "/api/admin/whitelabel/sync"
    assert_documented(client, sync, "GET", client.simulate_get(sync, headers=admin))
    assert_documented(client, sync, "POST", client.simulate_post(sync, headers=admin))
    assert_documented(client, sync, "GET", client.simulate_get(sync, headers=admin))
    with deps.sync_lock.hold():
        assert_documented(client, sync, "POST", client.simulate_post(sync, headers=admin))
    ids = model_ids(client, admin)
    item = "/api/admin/whitelabel/models/{id:id}"
    assert_documented(
        client,
        item,
        "PATCH",
        client.simulate_patch(
            f"/api/admin/whitelabel/models/{ids['ana']}", json={"status": "active"}, headers=admin
        ),
    )
    assert_documented(
        client,
        "/api/admin/whitelabel/models",
        "GET",
        client.simulate_get("/api/admin/whitelabel/models", headers=admin),
    )
    assert_documented(
        client, "/api/whitelabel/models", "GET", client.simulate_get("/api/whitelabel/models")
    )
    assert_documented(
        client,
        "/api/whitelabel/models/{id:id}",
        "GET",
        client.simulate_get(f"/api/whitelabel/models/{ids['ana']}"),
    )
    posts = f"/api/whitelabel/models/{ids['ana']}/posts"
    for headers in (None, subscriber(deps, actors, clock)):
        assert_documented(
            client,
            "/api/whitelabel/models/{id:id}/posts",
            "GET",
            client.simulate_get(posts, headers=headers),
        )


def test_a_posts_page_holds_at_most_24_posts(client, deps, admin):
    ana = published_model(client, admin, deps.storage.root, [f"p{n:02}" for n in range(30)])
    page = client.simulate_get(
        f"/api/whitelabel/models/{ana}/posts", params={"limit": 100}, headers=admin
    ).json
    assert (len(page["data"]), page["total"], page["total_pages"]) == (24, 30, 2)
    assert all(len(p["media_cdns"]["images"]) == 1 for p in page["data"])
    spec = client.simulate_get("/openapi.json").json
    [limit] = [
        p
        for p in spec["paths"]["/api/whitelabel/models/{id}/posts"]["get"]["parameters"]
        if p["name"] == "limit"
    ]
    assert "capped at 24" in limit["description"]

"""The document method as the web client uses it (issue 16): a member follows their own
documents' outcome (GET /api/age-assurance/documents, never the photo), and the photo
under review reaches admins only, uncached, and is gone once decided."""

from __future__ import annotations

import base64

import attrs
import pytest

from tests.support.api import assert_error

PHOTO = b"\x89PNG\r\n\x1a\n an ID photo"


@pytest.fixture
def config(config):
    return attrs.evolve(config, age_gate=True, age_methods=("card", "document", "sandbox"))


def send(client, who) -> dict:
    sent = client.simulate_post(
        "/api/age-assurance/documents",
        headers=who,
        json={"content_type": "image/png", "data": base64.b64encode(PHOTO).decode()},
    )
    assert sent.status_code == 201, sent.text
    return sent.json


def mine(client, who) -> list[tuple[int, str]]:
    found = client.simulate_get("/api/age-assurance/documents", headers=who)
    assert found.status_code == 200, found.text
    assert found.headers["cache-control"] == "private, no-store"  # issue 20, 12
    return [(d["id"], d["outcome"]) for d in found.json["data"]]


def test_a_member_sees_the_outcome_of_their_own_documents_only(client, actors):
    admin = actors.admin()
    alice, bob = actors.user("alice@example.com"), actors.user("bob@example.com")
    assert mine(client, alice) == []
    first = send(client, alice)
    assert mine(client, alice) == [(first["id"], "pending")]
    assert mine(client, bob) == []
    client.simulate_post(f"/api/admin/age-assurance/documents/{first['id']}/reject", headers=admin)
    second = send(client, alice)
    assert mine(client, alice) == [(second["id"], "pending"), (first["id"], "rejected")]
    client.simulate_post(
        f"/api/admin/age-assurance/documents/{second['id']}/approve", headers=admin
    )
    listed = client.simulate_get("/api/age-assurance/documents", headers=alice).json
    assert [(d["id"], d["outcome"]) for d in listed["data"]] == [
        (second["id"], "assured"),
        (first["id"], "rejected"),
    ]
    assert listed["data"][0]["expires_at"]
    assert all(
        set(d)
        <= {
            "id",
            "method",
            "outcome",
            "user_id",
            "provider_ref",
            "created_at",
            "decided_at",
            "expires_at",
        }
        for d in listed["data"]
    )
    assert_error(client.simulate_get("/api/age-assurance/documents"), 401, "unauthenticated")


def test_the_photo_is_for_admins_only_uncached_and_gone_once_decided(client, actors):
    admin, alice = actors.admin(), actors.user("alice@example.com")
    sent = send(client, alice)
    path = f"/api/admin/age-assurance/documents/{sent['id']}/photo"
    assert client.simulate_get(path).status_code == 401
    assert client.simulate_get(path, headers=alice).status_code == 403
    shown = client.simulate_get(path, headers=admin)
    assert shown.status_code == 200 and shown.content == PHOTO
    assert shown.headers["cache-control"] == "private, no-store"  # issue 20, 12
    assert shown.headers["content-type"] == "application/octet-stream"
    assert shown.headers["x-content-type-options"] == "nosniff"
    client.simulate_post(f"/api/admin/age-assurance/documents/{sent['id']}/approve", headers=admin)
    assert_error(client.simulate_get(path, headers=admin), 404, "not_found")

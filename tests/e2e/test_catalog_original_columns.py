"""The columns the original platform's plans and creators had, over the REST API: an
inactive plan is neither listed nor sold; creators have a unique slug (made from the
name when not given), links, a category, a post count kept current and a status (only
active creators are public)."""

from __future__ import annotations

import pytest

from domain.catalog.entities import Creator, Plan
from tests.support.api import assert_error
from tests.support.payments import checkout_body

MODELS = "/api/admin/models"
POSTS = "/api/admin/posts"


@pytest.fixture
def admin(actors) -> dict:
    return actors.admin()


def make(client, admin, path: str, body: dict) -> dict:
    result = client.simulate_post(path, json=body, headers=admin)
    assert result.status_code == 201, result.json
    return result.json


def public_names(client, path: str = "/api/models", **params) -> list[str]:
    result = client.simulate_get(path, params=params)
    assert result.status_code == 200, result.json
    return [item["name"] for item in result.json["data"]]


# -- plans ---------------------------------------------------------------------------


@pytest.mark.smoke
def test_an_inactive_plan_is_neither_listed_nor_sold(client, admin):
    on = make(
        client,
        admin,
        "/api/admin/plans",
        {"name": "Mensal", "price": 2990, "duration": 30, "card_style": "primary"},
    )
    off = make(
        client,
        admin,
        "/api/admin/plans",
        {"name": "Antigo", "price": 990, "duration": 7, "is_active": False},
    )
    assert (on["is_active"], on["card_style"]) == (True, "primary")
    assert (off["is_active"], off["card_style"]) == (False, "secondary")
    assert public_names(client, "/api/plans") == ["Mensal"]
    admin_list = client.simulate_get("/api/admin/plans", headers=admin).json["data"]
    assert [p["name"] for p in admin_list] == ["Antigo", "Mensal"]
    inactive = client.simulate_get(
        "/api/admin/plans", headers=admin, params={"is_active": "false"}
    ).json["data"]
    assert [p["name"] for p in inactive] == ["Antigo"]

    assert_error(
        client.simulate_post("/api/checkouts", json=checkout_body(off["id"])),
        400,
        "invalid",
        "plan_id",
    )
    assert client.simulate_post("/api/checkouts", json=checkout_body(on["id"])).status_code == 201
    client.simulate_patch(f"/api/admin/plans/{off['id']}", headers=admin, json={"is_active": True})
    assert public_names(client, "/api/plans") == ["Antigo", "Mensal"]


@pytest.mark.parametrize(
    "body, field",
    [
        ({"card_style": "gold"}, "card_style"),
        ({"card_style": None}, "card_style"),
        ({"is_active": "no"}, "is_active"),
        ({"is_active": None}, "is_active"),
    ],
)
def test_plan_columns_are_validated(client, admin, body, field):
    result = client.simulate_post(
        "/api/admin/plans", headers=admin, json={"name": "X", "price": 1, "duration": 1, **body}
    )
    assert_error(result, 400, "invalid", field)


# -- creators ------------------------------------------------------------------------


@pytest.mark.smoke
def test_slugs_are_made_from_the_name_unique_and_searchable(client, admin):
    julia = make(client, admin, MODELS, {"name": "Júlia Ávila"})
    again = make(client, admin, MODELS, {"name": "Julia Avila"})
    chosen = make(client, admin, MODELS, {"name": "Bia", "slug": "bia-oficial"})
    assert (julia["slug"], again["slug"], chosen["slug"]) == (
        "julia-avila",
        "julia-avila-2",
        "bia-oficial",
    )
    assert (julia["status"], julia["post_count"]) == ("active", 0)

    assert_error(
        client.simulate_post(MODELS, headers=admin, json={"name": "Outra", "slug": "julia-avila"}),
        409,
        "conflict",
        "slug",
    )
    assert_error(
        client.simulate_patch(
            f"{MODELS}/{chosen['id']}", headers=admin, json={"slug": "julia-avila-2"}
        ),
        409,
        "conflict",
        "slug",
    )
    renamed = client.simulate_patch(
        f"{MODELS}/{julia['id']}", headers=admin, json={"name": "Júlia Á."}
    )
    assert renamed.json["slug"] == "julia-avila"  # a page's address stays

    assert public_names(client, slug="julia-avila") == ["Júlia Á."]
    assert public_names(client, slug="nobody") == []
    by_slug = client.simulate_get(MODELS, headers=admin, params={"slug": "bia-oficial"}).json
    assert [m["name"] for m in by_slug["data"]] == ["Bia"]


@pytest.mark.parametrize(
    "body, field",
    [
        ({"slug": "Julia"}, "slug"),
        ({"slug": "julia_avila"}, "slug"),
        ({"slug": "-a"}, "slug"),
        ({"slug": "a--b"}, "slug"),
        ({"slug": "a" * 81}, "slug"),
        ({"slug": None}, "slug"),
        ({"slug": ""}, "slug"),
        ({"thumbnail_url": "ftp://cdn.example.com/t.png"}, "thumbnail_url"),
        ({"external_url": "javascript:alert(1)"}, "external_url"),
        ({"category": "x" * 121}, "category"),
        ({"status": "archived"}, "status"),
        ({"status": None}, "status"),
        ({"post_count": 3}, "post_count"),
    ],
)
def test_creator_columns_are_validated(client, admin, body, field):
    result = client.simulate_post(MODELS, headers=admin, json={"name": "Luna", **body})
    assert_error(result, 400, "invalid", field)


def test_every_column_round_trips(client, admin):
    body = {
        "name": "Luna",
        "slug": "luna",
        "thumbnail_url": "https://cdn.example.com/t.jpg",
        "external_url": "https://instagram.com/luna",
        "category": "Fitness",
        "status": "draft",
    }
    created = make(client, admin, MODELS, body)
    assert {k: created[k] for k in body} == body
    read = client.simulate_get(f"{MODELS}/{created['id']}", headers=admin).json
    assert read == created


@pytest.mark.smoke
def test_hidden_and_draft_creators_are_never_public(client, admin, deps):
    make(client, admin, MODELS, {"name": "Luna"})
    hidden = make(client, admin, MODELS, {"name": "Mia", "status": "hidden"})
    draft = make(client, admin, MODELS, {"name": "Bia", "status": "draft", "is_featured": True})
    make(
        client,
        admin,
        POSTS,
        {"model_id": hidden["id"], "type": "image", "content_url": "https://cdn.example.com/m.jpg"},
    )
    assert public_names(client) == ["Luna"]
    assert public_names(client, is_featured="true") == []
    assert public_names(client, slug="mia") == []
    for creator in (hidden, draft):
        for path in (f"/api/models/{creator['id']}", f"/api/models/{creator['id']}/posts"):
            assert_error(client.simulate_get(path), 404, "not_found")
    everyone = client.simulate_get(MODELS, headers=admin).json
    assert sorted(m["name"] for m in everyone["data"]) == ["Bia", "Luna", "Mia"]
    hidden_only = client.simulate_get(MODELS, headers=admin, params={"status": "hidden"}).json
    assert [m["name"] for m in hidden_only["data"]] == ["Mia"]
    client.simulate_patch(f"{MODELS}/{hidden['id']}", headers=admin, json={"status": "active"})
    assert client.simulate_get(f"/api/models/{hidden['id']}/posts").json["total"] == 1


@pytest.mark.smoke
def test_the_post_count_follows_posts_created_moved_and_deleted(client, admin):
    luna = make(client, admin, MODELS, {"name": "Luna"})
    mia = make(client, admin, MODELS, {"name": "Mia"})

    def counts() -> tuple[int, int]:
        return tuple(
            client.simulate_get(f"{MODELS}/{c['id']}", headers=admin).json["post_count"]
            for c in (luna, mia)
        )

    posts = [
        make(
            client,
            admin,
            POSTS,
            {
                "model_id": luna["id"],
                "type": "image",
                "content_url": f"https://cdn.example.com/{i}.jpg",
            },
        )
        for i in range(3)
    ]
    assert counts() == (3, 0)
    client.simulate_patch(f"{POSTS}/{posts[0]['id']}", headers=admin, json={"model_id": mia["id"]})
    assert counts() == (2, 1)
    client.simulate_patch(f"{POSTS}/{posts[1]['id']}", headers=admin, json={"title": "x"})
    assert counts() == (2, 1)
    assert client.simulate_delete(f"{POSTS}/{posts[2]['id']}", headers=admin).status_code == 204
    assert counts() == (1, 1)
    assert_error(
        client.simulate_post(
            POSTS,
            headers=admin,
            json={"model_id": 999, "type": "image", "content_url": "https://cdn.example.com/x.jpg"},
        ),
        400,
        "invalid",
        "model_id",
    )
    assert counts() == (1, 1)
    assert public_names(client) == ["Mia", "Luna"]
    assert client.simulate_get(f"/api/models/{luna['id']}").json["post_count"] == 1


def test_creators_copied_without_a_slug_stay_public_and_editable(client, admin, deps):
    with deps.uow() as uow:
        first = uow.creators.add(Creator(id=None, name="Antiga"))
        uow.creators.add(Creator(id=None, name="Outra antiga"))
        uow.plans.add(Plan(id=None, name="Plano", price=100, duration=1))
        uow.commit()
    assert sorted(public_names(client)) == ["Antiga", "Outra antiga"]
    result = client.simulate_patch(f"{MODELS}/{first.id}", headers=admin, json={"category": "Moda"})
    assert result.status_code == 200 and result.json["slug"] is None

"""Administering the catalogue over the REST API (smoke tests on every backend): create,
read, update, delete, list (pagination, filters, order), refusals naming the field."""

from __future__ import annotations

import pytest
from attrs import frozen

from domain.payments.checkout import Checkout
from domain.payments.subscriptions import Subscription
from tests.support.api import assert_error


@frozen
class Case:
    path: str
    create: dict
    update: dict
    bad: tuple[dict, str]  # a body and the field it breaks


CREATOR = {"name": "Luna", "description": "Viagens", "icon_url": "https://cdn.example.com/i.png"}
CASES = {
    "plans": Case(
        "/api/admin/plans",
        {
            "name": "Mensal",
            "price": 2990,
            "duration": 30,
            "benefits_json": ["Tudo liberado", "HD"],
            "accepts_pix": True,
        },
        {"price": 3490, "benefits_json": [], "checkout_url": "https://pay.example.com/x"},
        ({"duration": 0}, "duration"),
    ),
    "order-bumps": Case(
        "/api/admin/order-bumps",
        {"name": "Pack", "price": 990, "display_order": 2},
        {"is_active": False, "description": "Fotos"},
        ({"price": -1}, "price"),
    ),
    "models": Case(
        "/api/admin/models",
        CREATOR,
        {"is_featured": True, "icon_url": None},
        ({"banner_url": "ftp://cdn.example.com/b.png"}, "banner_url"),
    ),
    "posts": Case(
        "/api/admin/posts",
        {"content_url": "https://cdn.example.com/1.jpg", "type": "image", "title": "Praia"},
        {"type": "video", "content_url": "https://cdn.example.com/1.mp4"},
        ({"type": "audio"}, "type"),
    ),
    "support-contacts": Case(
        "/api/admin/support-contacts",
        {"platform": "other", "url": "https://help.example.com"},
        {"is_active": False},
        ({"platform": "fax"}, "platform"),
    ),
}


@pytest.fixture
def admin(actors) -> dict:
    return actors.admin()


def make(client, admin, path: str, body: dict) -> dict:
    result = client.simulate_post(path, json=body, headers=admin)
    assert result.status_code == 201, result.json
    return result.json


def creator(client, admin, **extra) -> dict:
    return make(client, admin, "/api/admin/models", {**CREATOR, **extra})


def body_for(client, admin, case: Case) -> dict:
    if case.path.endswith("/posts"):
        return {**case.create, "model_id": creator(client, admin)["id"]}
    return dict(case.create)


@pytest.mark.smoke
@pytest.mark.parametrize("name", CASES)
def test_create_read_update_delete(client, admin, name):
    case = CASES[name]
    body = body_for(client, admin, case)
    created = make(client, admin, case.path, body)
    assert {k: created[k] for k in body} == body and created["id"] >= 1
    item = f"{case.path}/{created['id']}"
    assert client.simulate_get(item, headers=admin).json == created

    updated = client.simulate_patch(item, json=case.update, headers=admin)
    assert updated.status_code == 200
    assert updated.json == {
        **created,
        **case.update,
        **{k: updated.json[k] for k in ("updated_at", "signed") if k in created},
    }
    assert client.simulate_get(item, headers=admin).json == updated.json
    listed = client.simulate_get(case.path, headers=admin).json
    assert listed["data"] == [updated.json] and listed["total"] == 1

    assert client.simulate_delete(item, headers=admin).status_code == 204
    for result in (
        client.simulate_get(item, headers=admin),
        client.simulate_patch(item, json=case.update, headers=admin),
        client.simulate_delete(item, headers=admin),
    ):
        assert_error(result, 404, "not_found")
    assert client.simulate_get(case.path, headers=admin).json["total"] == 0


@pytest.mark.parametrize("name", CASES)
def test_refusals_name_the_field(client, admin, name):
    case = CASES[name]
    body = body_for(client, admin, case)
    bad, field = case.bad
    assert_error(
        client.simulate_post(case.path, json={**body, **bad}, headers=admin), 400, "invalid", field
    )
    assert_error(
        client.simulate_post(case.path, json={**body, "nope": 1}, headers=admin),
        400,
        "invalid",
        "nope",
    )
    required = next(iter(body))
    assert_error(
        client.simulate_post(
            case.path, json={k: v for k, v in body.items() if k != required}, headers=admin
        ),
        400,
        "invalid",
        required,
    )
    created = make(client, admin, case.path, body)
    item = f"{case.path}/{created['id']}"
    assert_error(client.simulate_patch(item, json=bad, headers=admin), 400, "invalid", field)
    assert_error(
        client.simulate_patch(item, json={required: None}, headers=admin), 400, "invalid", required
    )
    assert_error(
        client.simulate_patch(item, json=["not", "an", "object"], headers=admin),
        400,
        "invalid",
        "body",
    )
    assert client.simulate_get(item, headers=admin).json == created


@pytest.mark.parametrize("name", CASES)
def test_lists_are_paginated(client, admin, name):
    case = CASES[name]
    body = body_for(client, admin, case)
    ids = [make(client, admin, case.path, body)["id"] for _ in range(3)]
    first = client.simulate_get(case.path, params={"limit": "2"}, headers=admin).json
    second = client.simulate_get(case.path, params={"limit": "2", "page": "2"}, headers=admin).json
    assert (first["total"], first["page"], first["total_pages"]) == (3, 1, 2)
    assert (second["total"], second["page"], second["total_pages"]) == (3, 2, 2)
    assert sorted(x["id"] for x in first["data"] + second["data"]) == ids
    beyond = client.simulate_get(case.path, params={"page": "9"}, headers=admin).json
    assert beyond == {"data": [], "total": 3, "page": 9, "total_pages": 1}
    for params, field in [
        ({"page": "0"}, "page"),
        ({"limit": "x"}, "limit"),
        ({"limit": "-5"}, "limit"),
        ({"page": "1.5"}, "page"),
    ]:
        assert_error(
            client.simulate_get(case.path, params=params, headers=admin), 400, "invalid", field
        )


def test_plans_list_cheapest_first_and_keep_their_benefits(client, admin):
    for name, price in [("Anual", 19990), ("Semanal", 990), ("Mensal", 2990)]:
        make(
            client,
            admin,
            "/api/admin/plans",
            {"name": name, "price": price, "duration": 7, "benefits_json": [f"{name} ✓"]},
        )
    data = client.simulate_get("/api/admin/plans", headers=admin).json["data"]
    assert [p["name"] for p in data] == ["Semanal", "Mensal", "Anual"]
    assert data[0]["benefits_json"] == ["Semanal ✓"] and data[0]["accepts_card"] is True


def test_a_plan_in_use_cannot_be_deleted(client, admin, deps, actors):
    plans = [
        make(client, admin, "/api/admin/plans", {"name": n, "price": 990, "duration": 7})["id"]
        for n in ("A", "B", "C")
    ]
    actors.user("buyer@example.com")
    with deps.uow() as uow:
        buyer = uow.users.get_by_email("buyer@example.com")
        uow.subscriptions.add(Subscription(id=None, user_id=buyer.id, plan_id=plans[0]))
        uow.checkouts.add(Checkout(id=None, plan_id=plans[1], total_amount=990))
        uow.commit()
    for plan_id in plans[:2]:
        # Says why, in Portuguese (issue 23): tests/e2e/test_sales_admin.py.
        assert_error(
            client.simulate_delete(f"/api/admin/plans/{plan_id}", headers=admin),
            409,
            "plan_has_sales",
        )
        assert client.simulate_get(f"/api/admin/plans/{plan_id}", headers=admin).status_code == 200
    assert client.simulate_delete(f"/api/admin/plans/{plans[2]}", headers=admin).status_code == 204


def test_order_bumps_filter_on_is_active_in_display_order(client, admin):
    for name, order, active in [("C", 3, True), ("A", 1, True), ("B", 2, False), ("A2", 1, True)]:
        make(
            client,
            admin,
            "/api/admin/order-bumps",
            {"name": name, "price": 100, "display_order": order, "is_active": active},
        )

    def names(**params):
        return [
            b["name"]
            for b in client.simulate_get(
                "/api/admin/order-bumps", params=params, headers=admin
            ).json["data"]
        ]

    assert names() == ["A", "A2", "B", "C"]
    assert names(is_active="true") == ["A", "A2", "C"]
    assert names(is_active="false") == ["B"]
    assert_error(
        client.simulate_get("/api/admin/order-bumps", params={"is_active": "maybe"}, headers=admin),
        400,
        "invalid",
        "is_active",
    )


def test_posts_must_belong_to_an_existing_model(client, admin):
    body = {**CASES["posts"].create, "model_id": 4242}
    assert_error(
        client.simulate_post("/api/admin/posts", json=body, headers=admin),
        400,
        "invalid",
        "model_id",
    )
    post = make(
        client, admin, "/api/admin/posts", {**body, "model_id": creator(client, admin)["id"]}
    )
    assert_error(
        client.simulate_patch(
            f"/api/admin/posts/{post['id']}", json={"model_id": 4242}, headers=admin
        ),
        400,
        "invalid",
        "model_id",
    )


def test_posts_filter_on_model_and_type_newest_first(client, admin, clock):
    luna, mia = creator(client, admin)["id"], creator(client, admin, name="Mia")["id"]
    for model_id, kind in [(luna, "image"), (mia, "video"), (luna, "video"), (luna, "image")]:
        make(
            client,
            admin,
            "/api/admin/posts",
            {"model_id": model_id, "type": kind, "content_url": "https://cdn.example.com/x"},
        )
        clock.advance(minutes=1)

    def ids(**params):
        return [
            p["id"]
            for p in client.simulate_get("/api/admin/posts", params=params, headers=admin).json[
                "data"
            ]
        ]

    assert ids() == [4, 3, 2, 1]
    assert ids(model_id=str(luna)) == [4, 3, 1]
    assert ids(model_id=str(luna), type="video") == [3]
    assert ids(model_id="999") == []
    for params, field in [
        ({"type": "gif"}, "type"),
        ({"model_id": "x"}, "model_id"),
        ({"model_id": "0"}, "model_id"),
    ]:
        assert_error(
            client.simulate_get("/api/admin/posts", params=params, headers=admin),
            400,
            "invalid",
            field,
        )


@pytest.mark.smoke
def test_deleting_a_model_deletes_its_posts_only(client, admin):
    luna, mia = creator(client, admin)["id"], creator(client, admin, name="Mia")["id"]
    for model_id in (luna, luna, mia):
        make(client, admin, "/api/admin/posts", {**CASES["posts"].create, "model_id": model_id})
    assert client.simulate_delete(f"/api/admin/models/{luna}", headers=admin).status_code == 204
    left = client.simulate_get("/api/admin/posts", headers=admin).json["data"]
    assert [p["model_id"] for p in left] == [mia]


def test_models_filter_on_featured(client, admin):
    creator(client, admin, is_featured=True)
    creator(client, admin, name="Mia")
    featured = client.simulate_get(
        "/api/admin/models", params={"is_featured": "1"}, headers=admin
    ).json
    assert [m["name"] for m in featured["data"]] == ["Luna"] and featured["total"] == 1


def test_support_contacts_store_the_normalised_link(client, admin):
    path = "/api/admin/support-contacts"
    whatsapp = make(client, admin, path, {"platform": "whatsapp", "url": "+55 (11) 98888-7777"})
    assert whatsapp["url"] == "https://wa.me/5511988887777" and whatsapp["is_active"] is True
    telegram = make(client, admin, path, {"platform": "telegram", "url": "@creatorflix"})
    assert telegram["url"] == "https://t.me/creatorflix"
    item = f"{path}/{telegram['id']}"
    # The link must fit the platform, whichever of the two a PATCH changes.
    assert_error(
        client.simulate_patch(item, json={"platform": "whatsapp"}, headers=admin),
        400,
        "invalid",
        "url",
    )
    assert_error(
        client.simulate_patch(item, json={"url": "+55 11 98888-7777"}, headers=admin),
        400,
        "invalid",
        "url",
    )
    moved = client.simulate_patch(
        item, json={"platform": "whatsapp", "url": "5511977776666"}, headers=admin
    ).json
    assert moved["url"] == "https://wa.me/5511977776666"
    for bad in ["not a phone", "https://t.me/creatorflix", ""]:
        assert_error(
            client.simulate_post(path, json={"platform": "whatsapp", "url": bad}, headers=admin),
            400,
            "invalid",
            "url",
        )
    listed = client.simulate_get(path, params={"platform": "telegram"}, headers=admin).json
    assert listed["total"] == 0


def test_users_are_listed_and_read_without_passwords(client, admin, actors):
    actors.user("ana@example.com")
    actors.user("bia@example.com")
    everyone = client.simulate_get("/api/admin/users", headers=admin).json
    assert everyone["total"] == 3
    assert all("password" not in u for u in everyone["data"])
    users = client.simulate_get("/api/admin/users", params={"role": "user"}, headers=admin).json
    assert sorted(u["email"] for u in users["data"]) == ["ana@example.com", "bia@example.com"]
    found = client.simulate_get(
        "/api/admin/users", params={"email": " BIA@Example.com "}, headers=admin
    ).json["data"]
    assert [u["email"] for u in found] == ["bia@example.com"]
    one = client.simulate_get(f"/api/admin/users/{found[0]['id']}", headers=admin)
    assert one.json == found[0]
    assert_error(client.simulate_get("/api/admin/users/999", headers=admin), 404, "not_found")
    assert_error(
        client.simulate_get("/api/admin/users", params={"role": "root"}, headers=admin),
        400,
        "invalid",
        "role",
    )
    for method in ("POST", "PATCH", "DELETE"):
        path = "/api/admin/users" + ("" if method == "POST" else f"/{found[0]['id']}")
        assert client.simulate_request(method, path, json={}, headers=admin).status_code == 405


def test_settings_are_put_and_listed(client, admin):
    put = client.simulate_put(
        "/api/admin/settings/site.name", json={"value": "CreatorFlix"}, headers=admin
    )
    assert put.status_code == 200 and put.json == {"key": "site.name", "value": "CreatorFlix"}
    client.simulate_put(
        "/api/admin/settings/pix_discount-pct", json={"value": " 5 "}, headers=admin
    )
    client.simulate_put("/api/admin/settings/site.name", json={"value": ""}, headers=admin)
    listed = client.simulate_get("/api/admin/settings", headers=admin)
    assert listed.json == {"pix_discount-pct": "5", "site.name": ""}
    for key, body, field in [
        ("Site", {"value": "x"}, "key"),
        ("a" * 65, {"value": "x"}, "key"),
        ("ok", {}, "value"),
        ("ok", {"value": None}, "value"),
        ("ok", {"value": 5}, "value"),
        ("ok", {"value": "x", "k": 1}, "k"),
        ("ok", {"value": "x" * 10_001}, "value"),
    ]:
        assert_error(
            client.simulate_put(f"/api/admin/settings/{key}", json=body, headers=admin),
            400,
            "invalid",
            field,
        )
    assert client.simulate_get("/api/admin/settings", headers=admin).json == listed.json


@pytest.mark.parametrize(
    "body, field",
    [
        ('{"name": "a\\ud800b"}', "name"),
        ('{"name": "a\\u0000b"}', "name"),
        ('{"name": "Luna", "\\udfff": 1}', "?"),
    ],
)
def test_text_no_database_can_store_is_a_400_not_a_500(client, admin, body, field):
    result = client.simulate_post(
        "/api/admin/models", body=body, headers={**admin, "content-type": "application/json"}
    )
    assert_error(result, 400, "invalid", field)

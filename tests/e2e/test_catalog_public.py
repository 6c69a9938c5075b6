"""What visitors browse (smoke tests on every backend): plans, active order bumps and
contacts, creators and their posts — and the paywall over post content."""

from __future__ import annotations

from datetime import timedelta

import pytest

from domain.catalog.entities import Creator, OrderBump, Plan, Post, SupportContact
from domain.payments.subscriptions import Subscription
from tests.support.api import assert_error

SECRET = "https://cdn.example.com/premium/"


def add(deps, repo: str, *entities) -> list:
    with deps.uow() as uow:
        added = [getattr(uow, repo).add(e) for e in entities]
        uow.commit()
    return added


def add_posts(deps, model_id: int, count: int, clock) -> list[Post]:
    posts = []
    for i in range(count):
        posts += add(
            deps,
            "posts",
            Post(
                id=None,
                model_id=model_id,
                type="image",
                content_url=f"{SECRET}{model_id}-{i}.jpg",
                title=f"post {i}",
                created_at=clock.now(),
            ),
        )
        clock.advance(minutes=1)
    return posts


def subscribe(deps, actors, clock, email: str, status: str = "active", days: int = 30) -> dict:
    headers = actors.user(email)
    with deps.uow() as uow:
        user = uow.users.get_by_email(email)
        plan = uow.plans.add(Plan(id=None, name=f"plan {email}", price=990, duration=30))
        uow.subscriptions.add(
            Subscription(
                id=None,
                user_id=user.id,
                plan_id=plan.id,
                status=status,
                start_date=clock.now() - timedelta(days=1),
                end_date=clock.now() + timedelta(days=days),
            )
        )
        uow.commit()
    return headers


def test_plans_are_all_listed_cheapest_first(client, deps):
    add(
        deps,
        "plans",
        Plan(id=None, name="Anual", price=19990, duration=365, benefits_json=["1 ano"]),
        Plan(id=None, name="Semanal", price=990, duration=7, accepts_card=False),
    )
    result = client.simulate_get("/api/plans").json
    assert [p["name"] for p in result["data"]] == ["Semanal", "Anual"]
    assert result["data"][0] == {
        "id": 2,
        "name": "Semanal",
        "price": 990,
        "duration": 7,
        "benefits_json": [],
        "cta_text": None,
        "checkout_url": None,
        "accepts_pix": True,
        "accepts_card": False,
        "is_active": True,
        "card_style": "secondary",
        "max_installments": 12,
        "renewal": "manual",
    }
    assert (result["total"], result["page"], result["total_pages"]) == (2, 1, 1)


def test_only_active_order_bumps_in_display_order(client, deps):
    add(
        deps,
        "order_bumps",
        *[
            OrderBump(id=None, name=n, price=100, display_order=o, is_active=a)
            for n, o, a in [
                ("late", 5, True),
                ("off", 0, False),
                ("first", 1, True),
                ("tie", 1, True),
            ]
        ],
    )
    result = client.simulate_get("/api/order-bumps").json
    assert [b["name"] for b in result["data"]] == ["first", "tie", "late"]
    assert result["total"] == 3


def test_only_active_support_contacts(client, deps):
    add(
        deps,
        "support_contacts",
        SupportContact(id=None, platform="whatsapp", url="https://wa.me/5511999990000"),
        SupportContact(id=None, platform="telegram", url="https://t.me/old", is_active=False),
    )
    result = client.simulate_get("/api/support-contacts").json
    assert [c["platform"] for c in result["data"]] == ["whatsapp"]


def test_models_featured_first_then_newest(client, deps):
    add(
        deps,
        "creators",
        *[
            Creator(id=None, name=n, is_featured=f)
            for n, f in [("old", False), ("star", True), ("new", False)]
        ],
    )
    everyone = client.simulate_get("/api/models").json
    assert [m["name"] for m in everyone["data"]] == ["star", "new", "old"]
    featured = client.simulate_get("/api/models", params={"is_featured": "true"}).json
    assert [m["name"] for m in featured["data"]] == ["star"] and featured["total"] == 1
    assert_error(
        client.simulate_get("/api/models", params={"is_featured": "yes!"}),
        400,
        "invalid",
        "is_featured",
    )
    star = client.simulate_get("/api/models/2")
    assert star.status_code == 200 and star.json == everyone["data"][0]
    for path in ("/api/models/99", "/api/models/99/posts", "/api/models/0", "/api/models/x"):
        assert_error(client.simulate_get(path), 404, "not_found")


@pytest.mark.parametrize(
    "path",
    [
        "/api/plans",
        "/api/order-bumps",
        "/api/support-contacts",
        "/api/models",
        "/api/models/1/posts",
    ],
)
def test_pagination_errors_name_the_parameter(client, deps, path):
    add(deps, "creators", Creator(id=None, name="Luna"))
    for params, field in [
        ({"page": "0"}, "page"),
        ({"page": "two"}, "page"),
        ({"limit": "0"}, "limit"),
        ({"limit": "1e3"}, "limit"),
        ({"limit": "99999999"}, "limit"),
    ]:
        assert_error(client.simulate_get(path, params=params), 400, "invalid", field)
    assert_error(client.simulate_get(f"{path}?page=1&page=2"), 400, "invalid", "page")


def test_limit_is_capped(client, deps):
    add(deps, "plans", *[Plan(id=None, name=f"p{i}", price=i, duration=1) for i in range(101)])
    result = client.simulate_get("/api/plans", params={"limit": "1000"}).json
    assert len(result["data"]) == 100 and result["total_pages"] == 2
    last = client.simulate_get("/api/plans", params={"limit": "1000", "page": "2"}).json
    assert [p["name"] for p in last["data"]] == ["p100"]


@pytest.mark.smoke
def test_posts_newest_first_and_paginated(client, deps, clock):
    [luna, mia] = add(deps, "creators", Creator(id=None, name="Luna"), Creator(id=None, name="Mia"))
    posts = add_posts(deps, luna.id, 5, clock)
    add_posts(deps, mia.id, 2, clock)
    first = client.simulate_get(f"/api/models/{luna.id}/posts", params={"limit": "3"}).json
    rest = client.simulate_get(
        f"/api/models/{luna.id}/posts", params={"limit": "3", "page": "2"}
    ).json
    assert [p["id"] for p in first["data"] + rest["data"]] == [p.id for p in reversed(posts)]
    assert (first["total"], first["total_pages"], rest["page"]) == (5, 2, 2)
    assert first["data"][0] == {
        "id": posts[-1].id,
        "model_id": luna.id,
        "title": "post 4",
        "type": "image",
        "content_url": None,
        "locked": True,
        "created_at": posts[-1].created_at.isoformat() + "Z",
    }
    empty = client.simulate_get(f"/api/models/{luna.id}/posts", params={"page": "3"}).json
    assert empty["data"] == [] and empty["total"] == 5


# -- the paywall -------------------------------------------------------------------------------


@pytest.fixture
def catalogue(deps, clock) -> int:
    [luna] = add(deps, "creators", Creator(id=None, name="Luna"))
    add_posts(deps, luna.id, 3, clock)
    return luna.id


def posts_seen_by(client, model_id: int, headers: dict | None = None):
    result = client.simulate_get(f"/api/models/{model_id}/posts", headers=headers or {})
    assert result.status_code == 200
    return result


def assert_locked(result) -> None:
    assert SECRET not in result.text  # not in any field, under any name
    assert all(p["locked"] is True and p["content_url"] is None for p in result.json["data"])
    assert len(result.json["data"]) == 3


def assert_unlocked(result) -> None:
    assert all(
        p["locked"] is False and p["content_url"].startswith(SECRET) for p in result.json["data"]
    )
    assert len(result.json["data"]) == 3


def test_anonymous_and_unsubscribed_visitors_never_get_content_urls(
    client, catalogue, actors, deps, clock
):
    assert_locked(posts_seen_by(client, catalogue))
    assert_locked(posts_seen_by(client, catalogue, actors.user("free@example.com")))
    for email, status in [
        ("pending@example.com", "pending"),
        ("canceled@example.com", "canceled"),
        ("expired@example.com", "expired"),
    ]:
        assert_locked(
            posts_seen_by(client, catalogue, subscribe(deps, actors, clock, email, status))
        )


def test_a_subscription_past_its_end_no_longer_unlocks(client, catalogue, actors, deps, clock):
    headers = subscribe(deps, actors, clock, "sub@example.com", days=3)
    assert_unlocked(posts_seen_by(client, catalogue, headers))
    clock.advance(days=4)  # still "active" until the expiry job runs: the end date rules
    assert_locked(posts_seen_by(client, catalogue, headers))


@pytest.mark.smoke
def test_admins_and_active_subscribers_get_content_urls(client, catalogue, actors, deps, clock):
    assert_unlocked(posts_seen_by(client, catalogue, actors.admin()))
    assert_unlocked(
        posts_seen_by(client, catalogue, subscribe(deps, actors, clock, "sub@example.com"))
    )


def test_a_bad_token_is_refused_rather_than_read_as_anonymous(client, catalogue):
    result = client.simulate_get(
        f"/api/models/{catalogue}/posts", headers={"Authorization": "Bearer forged.token"}
    )
    assert_error(result, 401, "unauthenticated")


def test_other_public_reads_never_carry_content_urls(client, catalogue):
    for path in (
        "/api/models",
        f"/api/models/{catalogue}",
        "/api/plans",
        "/api/order-bumps",
        "/api/support-contacts",
    ):
        result = client.simulate_get(path)
        assert result.status_code == 200 and SECRET not in result.text


# -- query counts (Pony only: the in-memory adapters send no queries) ---------------------------

LISTS = [
    "/api/plans",
    "/api/order-bumps",
    "/api/support-contacts",
    "/api/models",
    "/api/models/1/posts",
    "/api/admin/plans",
    "/api/admin/order-bumps",
    "/api/admin/models",
    "/api/admin/posts",
    "/api/admin/support-contacts",
    "/api/admin/users",
]


@pytest.fixture
def pony_api(pony_backend, config, clock):
    from falcon.testing import TestClient

    from entrypoints.http.app import create_app
    from tests.support.deps import Actors, deps_for

    deps = deps_for(pony_backend, config, clock)
    with deps.uow() as uow:
        luna = uow.creators.add(Creator(id=None, name="Luna"))
        for i in range(12):
            uow.plans.add(
                Plan(id=None, name=f"plan {i}", price=i, duration=7, benefits_json=["HD"])
            )
            uow.order_bumps.add(OrderBump(id=None, name=f"bump {i}", price=i))
            uow.support_contacts.add(
                SupportContact(id=None, platform="other", url=f"https://help.example.com/{i}")
            )
            uow.creators.add(Creator(id=None, name=f"model {i}"))
            uow.posts.add(
                Post(
                    id=None,
                    model_id=luna.id,
                    type="video",
                    content_url=f"{SECRET}{i}.mp4",
                    created_at=clock.now(),
                )
            )
        uow.commit()
    actors = Actors(deps)
    for i in range(12):
        actors.user(f"user{i}@example.com")
    viewers = {
        "anonymous": {},
        "admin": actors.admin(),
        "subscriber": subscribe(deps, actors, clock, "sub@example.com"),
    }
    return TestClient(create_app(deps)), pony_backend, viewers


@pytest.mark.parametrize("path", LISTS)
def test_lists_send_the_same_few_queries_whatever_the_page_size(pony_api, path):
    client, backend, viewers = pony_api
    for who in ["admin"] if "/admin/" in path else viewers:
        counts = {}
        for limit in ("1", "12"):
            backend.reset_query_count()
            result = client.simulate_get(path, params={"limit": limit}, headers=viewers[who])
            counts[limit] = backend.query_count()
            assert result.status_code == 200 and len(result.json["data"]) == int(limit)
        # At most: the caller's user (auth), the parent model, a count, a page and the
        # caller's subscriptions (paywall).
        assert counts["1"] == counts["12"] <= 5, (who, counts)


# -- the documentation tells the truth ------------------------------------------------------------


def strict(schema):
    """`schema` where objects with listed properties allow no others."""
    if isinstance(schema, dict):
        out = {k: strict(v) for k, v in schema.items()}
        if "properties" in out and "additionalProperties" not in out:
            out["additionalProperties"] = False
        return out
    if isinstance(schema, list):
        return [strict(v) for v in schema]
    return schema


@pytest.mark.smoke
def test_catalogue_responses_match_their_documented_schemas(client, deps, actors):
    from openapi_schema_validator import OAS30Validator, validate

    from entrypoints.seed import seed_demo

    list(seed_demo(deps))
    admin = actors.admin()
    spec = client.simulate_get("/openapi.json").json["paths"]
    calls = [
        ("get", "/api/plans", "/api/plans", {}),
        ("get", "/api/models/{id}/posts", "/api/models/1/posts", {}),
        ("get", "/api/models/{id}/posts", "/api/models/1/posts", admin),
        ("get", "/api/models/{id}", "/api/models/1", {}),
        ("get", "/api/order-bumps", "/api/order-bumps", {}),
        ("get", "/api/support-contacts", "/api/support-contacts", {}),
        ("get", "/api/models", "/api/models", {}),
        ("put", "/api/admin/settings/{key}", "/api/admin/settings/site", admin),
        ("get", "/api/admin/settings", "/api/admin/settings", admin),
    ]
    for name in ("plans", "order-bumps", "models", "posts", "support-contacts", "users"):
        calls += [
            ("get", f"/api/admin/{name}", f"/api/admin/{name}", admin),
            ("get", f"/api/admin/{name}/{{id}}", f"/api/admin/{name}/1", admin),
        ]
    for method, documented, path, headers in calls:
        result = client.simulate_request(
            method.upper(), path, headers=headers, json={"value": "x"} if method == "put" else None
        )
        assert result.status_code in (200, 201), path
        responses = spec[documented][method]["responses"]
        schema = responses[str(result.status_code)]["content"]["application/json"]["schema"]
        validate(result.json, strict(schema), cls=OAS30Validator)
        if result.json.get("data") is not None:
            assert result.json["data"], path  # something was checked

"""The repository and unit-of-work contract, run against the in-memory adapters,
Pony on SQLite and Pony on PostgreSQL: every adapter must behave the same."""

from __future__ import annotations

from datetime import datetime

import pytest

from domain.accounts.users import User
from domain.ads.rules import Ad, AdEvent
from domain.catalog.entities import Creator, Plan, Post, Setting
from domain.payments.subscriptions import Subscription
from domain.whitelabel.entities import WhitelabelMedia, WhitelabelModel, WhitelabelPost
from ports.repositories import NOT_NULL, DuplicateError, ReferencedError

T0 = datetime(2026, 3, 1, 10, 30, 15, 123456)


def plan(name: str, price: int, **kw) -> Plan:
    return Plan(id=None, name=name, price=price, duration=30, **kw)


def add_all(backend, *entities, repo: str):
    with backend.uow() as uow:
        added = [getattr(uow, repo).add(e) for e in entities]
        uow.commit()
    return added


def test_add_assigns_ids_and_get_round_trips_every_type(backend):
    [p] = add_all(
        backend, plan("Mensal", 2990, benefits_json=["HD", "Chat"], accepts_pix=False), repo="plans"
    )
    assert p.id == 1
    with backend.uow() as uow:
        assert uow.plans.get(p.id) == p
        assert uow.plans.get(999) is None
    [u] = add_all(backend, User(id=None, email="a@b.c", password="h", created_at=T0), repo="users")
    with backend.uow() as uow:
        assert uow.users.get(u.id).created_at == T0
        assert uow.users.get_by_email("a@b.c") == u


def test_nothing_is_kept_without_commit(backend):
    with backend.uow() as uow:
        uow.plans.add(plan("Lost", 1))
    with pytest.raises(RuntimeError):
        with backend.uow() as uow:
            uow.plans.add(plan("Also lost", 1))
            raise RuntimeError("use case failed")
    with backend.uow() as uow:
        assert uow.plans.count() == 0


def test_rollback_discards_changes_since_last_commit(backend):
    with backend.uow() as uow:
        kept = uow.plans.add(plan("Kept", 1))
        uow.commit()
        uow.plans.add(plan("Dropped", 2))
        uow.rollback()
        uow.commit()
    with backend.uow() as uow:
        assert [p.name for p in uow.plans.find().items] == ["Kept"]
        assert uow.plans.get(kept.id) == kept


def test_update_and_delete(backend):
    [p] = add_all(backend, plan("Old", 1), repo="plans")
    with backend.uow() as uow:
        uow.plans.update(Plan(id=p.id, name="New", price=5, duration=7, benefits_json=["x"]))
        uow.commit()
    with backend.uow() as uow:
        assert uow.plans.get(p.id).name == "New"
        assert uow.plans.delete(p.id) is True
        assert uow.plans.delete(p.id) is False
        uow.commit()
    with backend.uow() as uow:
        assert uow.plans.get(p.id) is None


def test_find_filters_orders_and_paginates(backend):
    add_all(
        backend,
        *[plan(f"P{i}", price=i % 3, accepts_card=i % 2 == 0) for i in range(1, 8)],
        repo="plans",
    )
    with backend.uow() as uow:
        page = uow.plans.find({"price": [1, 2]}, order_by=["-price", "id"], page=2, limit=2)
        assert page.total == 5 and page.total_pages == 3
        assert [p.name for p in page.items] == ["P1", "P4"]
        assert [p.name for p in uow.plans.find({"accepts_card": True}).items] == ["P2", "P4", "P6"]
        assert uow.plans.find({"cta_text": None}).total == 7
        assert uow.plans.find({"cta_text": NOT_NULL}).total == 0
        assert [p.name for p in uow.plans.find({"id": NOT_NULL, "price": 0}).items] == ["P3", "P6"]
        assert uow.plans.find(page=9, limit=2).items == []
        assert uow.plans.count({"price": 0}) == 2
        assert uow.plans.first({"price": 2}, order_by=["-id"]).name == "P5"
        assert [p.name for p in uow.plans.get_many([3, 99, 1])] == ["P3", "P1"]


def test_unique_constraints_raise_duplicate_error(backend):
    add_all(backend, User(id=None, email="x@y.z", password="h"), repo="users")
    with pytest.raises(DuplicateError) as caught:
        add_all(backend, User(id=None, email="x@y.z", password="h2"), repo="users")
    assert caught.value.fields == ("email",)


def test_text_primary_key(backend):
    add_all(
        backend,
        Setting(key="site_name", value="CreatorFlix"),
        Setting(key="empty", value=""),
        repo="settings",
    )
    with backend.uow() as uow:
        assert uow.settings.get("site_name").value == "CreatorFlix"
        assert uow.settings.get("empty").value == ""
        uow.settings.update(Setting(key="site_name", value="Other"))
        uow.commit()
    with backend.uow() as uow:
        assert [s.key for s in uow.settings.find(order_by=["key"]).items] == ["empty", "site_name"]
        assert uow.settings.get("site_name").value == "Other"


def test_referenced_rows_cannot_be_deleted(backend):
    [c] = add_all(backend, Creator(id=None, name="Ana"), repo="creators")
    add_all(
        backend,
        Post(id=None, model_id=c.id, content_url="https://x/y.jpg", type="image"),
        repo="posts",
    )
    with pytest.raises(ReferencedError):
        with backend.uow() as uow:
            uow.creators.delete(c.id)
    [u] = add_all(backend, User(id=None, email="s@s.s", password="h"), repo="users")
    add_all(backend, Subscription(id=None, user_id=u.id, status="active"), repo="subscriptions")
    with pytest.raises(ReferencedError):
        with backend.uow() as uow:
            uow.users.delete(u.id)


def test_deletes_cascade_where_the_schema_says(backend):
    [m] = add_all(backend, WhitelabelModel(id=None, folder_name="ana"), repo="whitelabel_models")
    [p] = add_all(
        backend,
        WhitelabelPost(
            id=None,
            whitelabel_model_id=m.id,
            folder_name="p1",
            media_cdns={"images": ["a.jpg"], "videos": []},
        ),
        repo="whitelabel_posts",
    )
    add_all(
        backend,
        WhitelabelMedia(
            id=None, whitelabel_post_id=p.id, s3_key="ana/p1/a.jpg", type="image", size=10**12
        ),
        repo="whitelabel_media",
    )
    [ad] = add_all(backend, Ad(id=None, name="a", title="t", link="https://x"), repo="ads")
    add_all(backend, AdEvent(id=None, ad_id=ad.id, ip="1.2.3.4"), repo="clicks")
    add_all(backend, AdEvent(id=None, ad_id=ad.id), repo="impressions")
    with backend.uow() as uow:
        assert uow.whitelabel_posts.get(p.id).media_cdns == {"images": ["a.jpg"], "videos": []}
        assert uow.whitelabel_media.first().size == 10**12
        uow.whitelabel_models.delete(m.id)
        uow.ads.delete(ad.id)
        uow.commit()
    with backend.uow() as uow:
        assert uow.whitelabel_posts.count() == 0
        assert uow.whitelabel_media.count() == 0
        assert uow.clicks.count() == 0 and uow.impressions.count() == 0


def test_list_queries_are_constant_whatever_the_page_size(pony_backend):
    backend = pony_backend
    add_all(backend, *[plan(f"P{i}", i) for i in range(30)], repo="plans")
    counts = []
    for limit in (1, 10, 30):
        with backend.uow() as uow:
            backend.reset_query_count()
            uow.plans.find(page=1, limit=limit)
            counts.append(backend.query_count())
    assert counts == [2, 2, 2]


def test_rows_written_by_plain_sql_defaults_can_be_updated(pony_backend):
    """Rows copied in by SQL get the schema's default timestamp (on SQLite without
    microseconds); updating them must not trip any optimistic check."""
    from pony.orm import db_session

    with db_session:
        pony_backend.database.db.execute("INSERT INTO models (name) VALUES ('Imported')")
    with pony_backend.uow() as uow:
        [creator] = uow.creators.find().items
        assert creator.created_at is not None
        uow.creators.update(Creator(id=creator.id, name="Renamed", created_at=creator.created_at))
        uow.commit()
    with pony_backend.uow() as uow:
        assert uow.creators.get(creator.id).name == "Renamed"


def test_the_last_of_two_overlapping_edits_wins(pony_backend):
    """An edit of a row another transaction changed after we read it is not an error
    (no optimistic check): the last write wins, as for any admin form."""
    import threading

    [p] = add_all(pony_backend, plan("Original", 1), repo="plans")

    def other_admin() -> None:
        with pony_backend.uow() as uow:
            uow.plans.update(Plan(id=p.id, name="Second", price=2, duration=30))
            uow.commit()

    with pony_backend.uow() as first:
        stale = first.plans.get(p.id)
        thread = threading.Thread(target=other_admin)
        thread.start()
        thread.join(timeout=10)
        first.plans.update(Plan(id=stale.id, name="First", price=stale.price, duration=30))
        first.commit()
    with pony_backend.uow() as uow:
        assert uow.plans.get(p.id).name == "First"


def test_the_original_columns_of_plans_and_creators_round_trip(backend):
    [p] = add_all(backend, plan("Velho", 990, is_active=False, card_style="outline"), repo="plans")
    [c] = add_all(
        backend,
        Creator(
            id=None,
            name="Júlia",
            slug="julia",
            thumbnail_url="https://cdn.example.com/t.jpg",
            external_url="https://instagram.com/julia",
            category="Moda",
            post_count=3,
            status="hidden",
            created_at=T0,
        ),
        repo="creators",
    )
    with backend.uow() as uow:
        assert uow.plans.get(p.id) == p and (p.is_active, p.card_style) == (False, "outline")
        assert uow.plans.find({"is_active": True}).items == []
        assert uow.creators.get(c.id) == c
        assert uow.creators.first({"slug": "julia", "status": "hidden"}) == c
        assert uow.creators.get_for_update(c.id) == c
        assert uow.creators.get_for_update(999) is None


def test_slugs_are_unique_but_many_creators_may_have_none(backend):
    add_all(
        backend,
        Creator(id=None, name="A", slug="a"),
        Creator(id=None, name="B"),
        Creator(id=None, name="C"),
        repo="creators",
    )
    with pytest.raises(DuplicateError) as caught:
        add_all(backend, Creator(id=None, name="A2", slug="a"), repo="creators")
    assert caught.value.fields == ("slug",)
    with backend.uow() as uow:
        assert uow.creators.count({"slug": None}) == 2


def test_a_locked_creator_stays_locked_until_the_unit_of_work_ends(pony_backend):
    from tests.support.concurrency import lock_is_held

    [c] = add_all(pony_backend, Creator(id=None, name="Ana"), repo="creators")
    sql = f"SELECT id FROM models WHERE id = {c.id}"
    with pony_backend.uow() as uow:
        assert uow.creators.get_for_update(c.id) == c
        assert lock_is_held(pony_backend, sql)
    assert not lock_is_held(pony_backend, sql)


def test_posts_written_at_once_keep_the_post_count_exact(pony_backend):
    """Each post write locks its creator first: concurrent ones queue, none is lost."""
    from adapters.clock import FakeClock
    from domain.catalog.admin import POSTS
    from domain.common import crud
    from tests.support.concurrency import at_once

    [luna, mia] = add_all(
        pony_backend, Creator(id=None, name="Luna"), Creator(id=None, name="Mia"), repo="creators"
    )
    clock = FakeClock()

    def create(i: int):
        return crud.create_item(
            POSTS,
            pony_backend.uow,
            clock,
            crud.CreateRecord(
                {"model_id": luna.id, "type": "image", "content_url": f"https://x.example/{i}.jpg"}
            ),
        )

    posts = at_once(8, create)
    at_once(
        4,
        lambda i: crud.update_item(
            POSTS, pony_backend.uow, clock, crud.UpdateRecord(posts[i].id, {"model_id": mia.id})
        ),
    )
    at_once(2, lambda i: crud.delete_item(POSTS, pony_backend.uow, posts[4 + i].id))
    with pony_backend.uow() as uow:
        counts = (uow.creators.get(luna.id).post_count, uow.creators.get(mia.id).post_count)
        assert (
            counts
            == (2, 4)
            == (uow.posts.count({"model_id": luna.id}), uow.posts.count({"model_id": mia.id}))
        )

"""Two app servers over one PostgreSQL database, each with its own connection pool and its
own serving cache (as two gunicorn workers or machines): a pause made through one is
seen by the other within the cache's TTL, a serve token of one counts on the other, and
their counts add up."""

from __future__ import annotations

import pytest
from falcon.testing import TestClient

from adapters.pony.database import PonyDatabase
from domain.ads.rules import Ad
from entrypoints.bootstrap import build_deps
from entrypoints.http.app import create_app
from tests.support.deps import FAST_HASHER, Actors, deps_for

BROWSER = {"User-Agent": "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0"}


@pytest.fixture
def second_database(postgres_url):
    pdb = PonyDatabase(postgres_url)
    yield pdb
    pdb.close()


def served_ids(client: TestClient) -> list[int]:
    body = client.simulate_get("/api/ads", params={"placements": "home_top", "track": "false"}).json
    return [ad["id"] for ad in body["home_top"]]


def test_two_app_servers_agree(pg_backend, second_database, config, clock):
    first_deps = deps_for(pg_backend, config, clock)
    second_deps = build_deps(config, clock=clock, hasher=FAST_HASHER, database=second_database)
    assert first_deps.ad_cache is not second_deps.ad_cache
    one, two = TestClient(create_app(first_deps)), TestClient(create_app(second_deps))
    admin = Actors(first_deps).admin()
    with pg_backend.uow() as uow:
        ad = uow.ads.add(
            Ad(
                id=None,
                name="n",
                title="t",
                link="https://example.com/",
                status="active",
                created_at=clock.now(),
            )
        )
        uow.commit()
    assert served_ids(one) == served_ids(two) == [ad.id]

    # Paused through the first server: each server's cached answer stands for at most
    # the TTL (0.5 s), then both read the pause.
    one.simulate_post(f"/api/admin/ads/{ad.id}/toggle", headers=admin)
    clock.advance(milliseconds=300)
    assert served_ids(two) == [ad.id]
    clock.advance(milliseconds=300)
    assert served_ids(one) == served_ids(two) == []

    # Resumed: clicks through either server, with the token either one served, and the
    # impressions of pages sent to either, all add up in the database.
    two.simulate_post(f"/api/admin/ads/{ad.id}/toggle", headers=admin)
    clock.advance(seconds=1)
    urls = [
        client.simulate_get("/api/ads", params={"placements": "home_top", "track": "false"}).json[
            "home_top"
        ][0]["click_url"]
        for client in (one, two)
    ]
    for n in range(10):
        visitor = f"198.51.100.{n + 1}"
        server = (one, two)[n % 2]
        assert (
            server.simulate_get(
                urls[(n // 2) % 2], headers=BROWSER, remote_addr=visitor
            ).status_code
            == 302
        )
        assert (
            server.simulate_post(
                "/api/ads/events",
                headers=BROWSER,
                remote_addr=visitor,
                json={"events": [{"ad_id": ad.id, "type": "impression", "placement": "home_top"}]},
            ).status_code
            == 204
        )
    with pg_backend.uow() as uow:
        stored = uow.ads.get(ad.id)
        assert (stored.impressions, stored.clicks) == (10, 10)
        assert uow.clicks.count({"ad_id": ad.id, "counted": True}) == 10
        assert uow.impressions.count({"ad_id": ad.id, "counted": True}) == 10

"""Acceptance: what many visitors do at once is all counted, on PostgreSQL, through the
HTTP API (each request its own transaction; counters and event rows together)."""
from __future__ import annotations

from typing import Callable

from falcon.testing import TestClient

from domain.ads.rules import Ad
from entrypoints.http.app import create_app
from tests.conftest import deps_for
from tests.support.concurrency import at_once

THREADS = 8
CLICKS_PER_THREAD = 500


def add_ad(backend, clock, ad_type: str = "banner", placement: str = "home_top") -> int:
    with backend.uow() as uow:
        ad_id = uow.ads.add(Ad(id=None, name="Hot", title="Hot", link="https://example.com/",
                               type=ad_type, placement=placement, status="active",
                               created_at=clock.now())).id
        uow.commit()
    return ad_id


def run_threads(count: int, work: Callable[[int, TestClient], list[str]], app) -> list[str]:
    """Run `work(thread_number, client)` in `count` threads started together; returns
    every failure they report."""
    return [failure for failures in at_once(count, lambda n: work(n, TestClient(app)))
            for failure in failures]


def test_concurrent_clicks_lose_nothing(pg_backend, config, clock):
    ad_id = add_ad(pg_backend, clock)
    app = create_app(deps_for(pg_backend, config, clock))

    def click(_: int, client: TestClient) -> list[str]:
        results = [client.simulate_post(f"/api/ads/{ad_id}/clicks",
                                        json={"placement": "home_top"})
                   for _ in range(CLICKS_PER_THREAD)]
        return [r.text for r in results if r.status_code != 204]

    assert run_threads(THREADS, click, app) == []
    with pg_backend.uow() as uow:
        assert uow.ads.get(ad_id).clicks == THREADS * CLICKS_PER_THREAD
        assert uow.clicks.count({"ad_id": ad_id}) == THREADS * CLICKS_PER_THREAD


def test_concurrent_pages_record_every_impression_without_deadlocks(pg_backend, config, clock):
    """Each page locks several hot ads; pages asking in different orders must neither
    deadlock nor lose an increment."""
    spots = [("banner", "home_top"), ("hero", "home_top"), ("spot", "sidebar"),
             ("banner", "login"), ("diamond", "feed_mix")]
    ids = [add_ad(pg_backend, clock, t, p) for t, p in spots]
    placements = ["home_top", "sidebar", "login", "feed_mix"]
    app = create_app(deps_for(pg_backend, config, clock))
    pages = 100

    def browse(number: int, client: TestClient) -> list[str]:
        order = placements[number % 4:] + placements[:number % 4]
        results = [client.simulate_get("/api/ads", params={"placements": ",".join(order)})
                   for _ in range(pages)]
        return [r.text for r in results if r.status_code != 200]

    assert run_threads(THREADS, browse, app) == []
    with pg_backend.uow() as uow:
        for ad_id in ids:
            assert uow.ads.get(ad_id).impressions == THREADS * pages
            assert uow.impressions.count({"ad_id": ad_id}) == THREADS * pages

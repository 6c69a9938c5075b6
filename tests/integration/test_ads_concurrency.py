"""Acceptance: what many visitors do at once is all recorded, on PostgreSQL, through the
HTTP API (each request its own transaction; counters and event rows together): every
event is a row, counted or filtered, and each counter equals its counted rows."""

from __future__ import annotations

from collections.abc import Callable

from falcon.testing import TestClient

from domain.ads.rules import Ad
from entrypoints.http.app import create_app
from tests.support.concurrency import at_once
from tests.support.deps import deps_for

THREADS = 8
CLICKS_PER_THREAD = 500


def add_ad(backend, clock, ad_type: str = "banner", placement: str = "home_top") -> int:
    with backend.uow() as uow:
        ad_id = uow.ads.add(
            Ad(
                id=None,
                name="Hot",
                title="Hot",
                link="https://example.com/",
                type=ad_type,
                placement=placement,
                status="active",
                created_at=clock.now(),
            )
        ).id
        uow.commit()
    return ad_id


def run_threads(count: int, work: Callable[[int, TestClient], list[str]], app) -> list[str]:
    """Run `work(thread_number, client)` in `count` threads started together; returns
    every failure they report."""
    return [
        failure
        for failures in at_once(count, lambda n: work(n, TestClient(app)))
        for failure in failures
    ]


def outcomes(backend, kind: str, ad_id: int) -> tuple[int, int, int, dict]:
    """(counter, counted rows, filtered rows, {reason: rows})."""
    with backend.uow() as uow:
        counter = getattr(uow.ads.get(ad_id), kind)
        events = getattr(uow, kind)
        counted = events.count({"ad_id": ad_id, "counted": True})
        reasons = {
            reason: events.count({"ad_id": ad_id, "filter_reason": reason})
            for reason in ("bot", "repeat", "no_token")
        }
        return counter, counted, events.count({"ad_id": ad_id, "counted": False}), reasons


def test_concurrent_clicks_lose_nothing(pg_backend, config, clock):
    """8 threads × 500 clicks: a quarter without a serve token, a quarter repeating the
    click before it, half counted (through the redirect or the beacon); counted +
    filtered = rows = 4000, and the counter is the counted rows."""
    ad_id = add_ad(pg_backend, clock)
    app = create_app(deps_for(pg_backend, config, clock))
    served = (
        TestClient(app)
        .simulate_get("/api/ads", params={"placements": "home_top", "track": "false"})
        .json
    )
    click_url = served["home_top"][0]["click_url"]
    token = click_url.split("&t=")[1]

    def click(thread: int, client: TestClient) -> list[str]:
        failures = []
        for i in range(CLICKS_PER_THREAD):
            # A new visitor every 2 clicks: 0 (no token) then 1 (the redirect) are one,
            # 2 (a beacon with the token) then 3 (the same again) another.
            visitor = f"10.{thread}.{i // 2 // 250}.{i // 2 % 250}"
            if i % 4 == 0:
                result = client.simulate_post(
                    f"/api/ads/{ad_id}/clicks", remote_addr=visitor, json={"placement": "home_top"}
                )
            elif i % 4 == 1:
                result = client.simulate_get(click_url, remote_addr=visitor)
            else:
                result = client.simulate_post(
                    f"/api/ads/{ad_id}/clicks",
                    remote_addr=visitor,
                    json={"placement": "home_top", "token": token},
                )
            if result.status_code not in (204, 302):
                failures.append(result.text)
        return failures

    assert run_threads(THREADS, click, app) == []
    total = THREADS * CLICKS_PER_THREAD
    counter, counted, filtered, reasons = outcomes(pg_backend, "clicks", ad_id)
    assert counted + filtered == total
    assert counter == counted == total // 2
    assert reasons == {"bot": 0, "repeat": total // 4, "no_token": total // 4}


def test_one_visitor_clicking_from_many_threads_at_once_counts_once(pg_backend, config, clock):
    """The repeat lookup runs after the ad is locked: requests of one visitor arriving
    together cannot each find the others missing."""
    ad_id = add_ad(pg_backend, clock)
    app = create_app(deps_for(pg_backend, config, clock))
    served = (
        TestClient(app)
        .simulate_get("/api/ads", params={"placements": "home_top", "track": "false"})
        .json
    )
    click_url = served["home_top"][0]["click_url"]

    def click(_: int, client: TestClient) -> list[str]:
        results = [client.simulate_get(click_url, remote_addr="203.0.113.77") for _ in range(25)]
        return [r.text for r in results if r.status_code != 302]

    assert run_threads(THREADS, click, app) == []
    counter, counted, filtered, reasons = outcomes(pg_backend, "clicks", ad_id)
    assert (counter, counted, filtered) == (1, 1, THREADS * 25 - 1)
    assert reasons["repeat"] == THREADS * 25 - 1


def test_concurrent_pages_record_every_impression_without_deadlocks(pg_backend, config, clock):
    """Each page locks several hot ads; pages asking in different orders must neither
    deadlock nor lose an event. Every second page is the previous visitor again: its
    impressions are recorded as repeats."""
    spots = [
        ("banner", "home_top"),
        ("hero", "home_top"),
        ("spot", "sidebar"),
        ("banner", "login"),
        ("diamond", "feed_mix"),
    ]
    ids = [add_ad(pg_backend, clock, t, p) for t, p in spots]
    placements = ["home_top", "sidebar", "login", "feed_mix"]
    app = create_app(deps_for(pg_backend, config, clock))
    pages = 100

    def browse(number: int, client: TestClient) -> list[str]:
        order = placements[number % 4 :] + placements[: number % 4]
        results = [
            client.simulate_get(
                "/api/ads",
                params={"placements": ",".join(order)},
                remote_addr=f"10.{number}.0.{page // 2}",
            )
            for page in range(pages)
        ]
        return [r.text for r in results if r.status_code != 200]

    assert run_threads(THREADS, browse, app) == []
    for ad_id in ids:
        counter, counted, filtered, reasons = outcomes(pg_backend, "impressions", ad_id)
        assert counted + filtered == THREADS * pages
        assert counter == counted == THREADS * pages // 2
        assert reasons["repeat"] == THREADS * pages // 2

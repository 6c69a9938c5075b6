"""Counting you can trust, through the API: every event is recorded, and bots, repeating
visitors and clicks without a serve token are filtered; a click through the served
click_url counts; the batched beacons; a paused ad stops being served within a second.
(`smoke` tests run on memory, SQLite and PostgreSQL.)"""

from __future__ import annotations

import json

import pytest

from domain.ads.commands import MAX_BATCH
from domain.ads.rules import Ad
from tests.support.ads_counting import ad, admin, counters, recorded, served  # noqa: F401
from tests.support.api import assert_error
from tests.support.openapi_check import assert_documented

BROWSER = {
    "User-Agent": "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 "
    "(KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36"
}
GOOGLEBOT = {
    "User-Agent": "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)"
}
EVENTS = "/api/ads/events"


# -- what is filtered --------------------------------------------------------------------
@pytest.mark.smoke
def test_a_bot_is_recorded_and_filtered(client, ad, backend):
    client.simulate_post(f"/api/ads/{ad.id}/impressions", headers=GOOGLEBOT)
    client.simulate_get("/api/ads", params={"placements": "home_top"}, headers=GOOGLEBOT)
    click_url = served(client, headers=GOOGLEBOT)["home_top"][0]["click_url"]
    assert client.simulate_get(click_url, headers=GOOGLEBOT).status_code == 302
    assert recorded(backend, "impressions", ad.id) == [(False, "bot")] * 2
    assert recorded(backend, "clicks", ad.id) == [(False, "bot")]
    assert counters(backend, ad.id) == (0, 0)


@pytest.mark.smoke
def test_a_repeating_visitor_is_recorded_and_filtered(client, ad, backend, clock):
    for _ in range(3):
        client.simulate_post(
            f"/api/ads/{ad.id}/impressions", headers=BROWSER, remote_addr="198.51.100.1"
        )
    # Another placement, another visitor (IP or user agent): other visits.
    client.simulate_post(
        f"/api/ads/{ad.id}/impressions",
        json={"placement": "sidebar"},
        headers=BROWSER,
        remote_addr="198.51.100.1",
    )
    client.simulate_post(
        f"/api/ads/{ad.id}/impressions", headers=BROWSER, remote_addr="198.51.100.2"
    )
    client.simulate_post(f"/api/ads/{ad.id}/impressions", remote_addr="198.51.100.1")
    clock.advance(minutes=30, seconds=1)
    client.simulate_post(
        f"/api/ads/{ad.id}/impressions", headers=BROWSER, remote_addr="198.51.100.1"
    )
    assert recorded(backend, "impressions", ad.id) == [
        (True, None),
        (False, "repeat"),
        (False, "repeat"),
        (True, None),
        (True, None),
        (True, None),
        (True, None),
    ]
    assert counters(backend, ad.id) == (5, 0)


@pytest.mark.smoke
def test_a_click_without_a_serve_token_is_recorded_and_filtered(client, ad, backend):
    other = served(client)["home_top"][0]["click_url"].split("&t=")[1]
    client.simulate_get(f"/r/ads/{ad.id}", headers=BROWSER, remote_addr="198.51.100.1")
    client.simulate_get(
        f"/r/ads/{ad.id}",
        params={"placement": "sidebar", "t": other},
        headers=BROWSER,
        remote_addr="198.51.100.2",
    )  # another placement's
    client.simulate_post(
        f"/api/ads/{ad.id}/clicks",
        json={"token": "1.forged"},
        headers=BROWSER,
        remote_addr="198.51.100.3",
    )
    assert recorded(backend, "clicks", ad.id) == [(False, "no_token")] * 3
    assert counters(backend, ad.id) == (0, 0)


@pytest.mark.smoke
def test_a_click_through_the_served_click_url_counts(client, ad, backend, clock):
    body = served(client, headers=BROWSER)
    click_url = body["home_top"][0]["click_url"]
    result = client.simulate_get(click_url, headers=BROWSER, remote_addr="198.51.100.1")
    assert_documented(client, "/r/ads/{id:id}", "GET", result)
    assert (result.status_code, result.headers["location"]) == (302, ad.link)
    client.simulate_get(click_url, headers=BROWSER, remote_addr="198.51.100.1")  # repeat
    clock.advance(seconds=31)
    client.simulate_get(click_url, headers=BROWSER, remote_addr="198.51.100.1")
    token = click_url.split("&t=")[1]
    client.simulate_post(
        f"/api/ads/{ad.id}/clicks",
        json={"token": token},
        headers=BROWSER,
        remote_addr="198.51.100.2",
    )
    assert recorded(backend, "clicks", ad.id) == [
        (True, None),
        (False, "repeat"),
        (True, None),
        (True, None),
    ]
    assert counters(backend, ad.id) == (0, 3)


def test_a_served_token_expires_after_an_hour(client, ad, backend, clock):
    click_url = served(client)["home_top"][0]["click_url"]
    clock.advance(hours=1, seconds=1)
    assert client.simulate_get(click_url, headers=BROWSER).status_code == 302
    assert recorded(backend, "clicks", ad.id) == [(False, "no_token")]


# -- the batch ------------------------------------------------------------------------
@pytest.mark.smoke
def test_a_page_sends_its_events_in_one_batch(client, ad, backend):
    with backend.uow() as uow:
        spot = uow.ads.add(
            Ad(
                id=None,
                name="s",
                title="s",
                link="https://example.com/s",
                type="spot",
                placement="sidebar",
                status="active",
                created_at=ad.created_at,
            )
        )
        uow.commit()
    body = served(client, "home_top,sidebar")
    token = body["home_top"][0]["click_url"].split("&t=")[1]
    events = [
        {"ad_id": ad.id, "placement": "home_top", "type": "impression"},
        {"ad_id": spot.id, "placement": "sidebar", "type": "impression"},
        {"ad_id": ad.id, "placement": "home_top", "type": "impression"},
        {"ad_id": 999, "placement": "home_top", "type": "impression"},
        {"ad_id": ad.id, "placement": "home_top", "type": "click", "token": token},
        {"ad_id": spot.id, "type": "click"},
    ]
    # As navigator.sendBeacon sends a string: text/plain.
    result = client.simulate_post(
        EVENTS,
        body=json.dumps({"events": events}),
        headers={**BROWSER, "Content-Type": "text/plain;charset=UTF-8"},
    )
    assert_documented(client, EVENTS, "POST", result)
    assert result.status_code == 204 and not result.text
    assert recorded(backend, "impressions", ad.id) == [(True, None), (False, "repeat")]
    assert recorded(backend, "impressions", spot.id) == [(True, None)]
    assert recorded(backend, "clicks", ad.id) == [(True, None)]
    assert recorded(backend, "clicks", spot.id) == [(False, "no_token")]
    assert counters(backend, ad.id) == (1, 1) and counters(backend, spot.id) == (1, 0)


@pytest.mark.parametrize(
    "body,field",
    [
        ({}, "events"),
        ({"events": []}, "events"),
        ({"events": "x"}, "events"),
        ({"events": [{"ad_id": 1, "type": "impression"}] * (MAX_BATCH + 1)}, "events"),
        ({"events": [{"ad_id": 1, "type": "impression"}], "more": 1}, "more"),
        ({"events": [1]}, "events[0]"),
        (
            {"events": [{"ad_id": 1, "type": "impression"}, {"ad_id": 1, "type": "view"}]},
            "events[1].type",
        ),
        ({"events": [{"type": "click"}]}, "events[0].ad_id"),
        ({"events": [{"ad_id": 0, "type": "click"}]}, "events[0].ad_id"),
        (
            {"events": [{"ad_id": 1, "type": "click", "placement": "nowhere"}]},
            "events[0].placement",
        ),
        ({"events": [{"ad_id": 1, "type": "click", "token": "x" * 101}]}, "events[0].token"),
        (
            {"events": [{"ad_id": 1, "type": "click", "url": "https://evil.example"}]},
            "events[0].url",
        ),
        ([], "body"),
    ],
)
def test_a_bad_batch_is_a_400_naming_the_field(client, body, field):
    result = client.simulate_post(EVENTS, json=body)
    assert_documented(client, EVENTS, "POST", result)
    assert_error(result, 400, "invalid", field)


def test_the_batch_route_and_the_new_fields_are_documented(client):
    paths = client.simulate_get("/openapi.json").json["paths"]
    batch = paths["/api/ads/events"]["post"]
    events = batch["requestBody"]["content"]["application/json"]["schema"]["properties"]
    assert events["events"]["maxItems"] == MAX_BATCH
    assert set(events["events"]["items"]["properties"]) == {"ad_id", "placement", "type", "token"}
    assert "content" not in batch["responses"]["204"]
    assert [p["name"] for p in paths["/r/ads/{id}"]["get"]["parameters"]][-2:] == ["placement", "t"]
    stats = paths["/api/admin/ads/{id}/stats"]["get"]["responses"]["200"]
    assert {"filtered_impressions", "filtered_clicks", "filtered"} <= set(
        stats["content"]["application/json"]["schema"]["properties"]
    )


# -- a paused ad stops being served within a second -------------------------------------
@pytest.mark.smoke
def test_a_paused_ad_is_not_served_after_one_second(client, ad, admin, clock):
    assert [a["id"] for a in served(client)["home_top"]] == [ad.id]
    paused = client.simulate_post(f"/api/admin/ads/{ad.id}/toggle", headers=admin)
    assert paused.json["status"] == "paused"
    # This process's answer may still stand for the cache's TTL (0.5 s)...
    clock.advance(milliseconds=400)
    assert [a["id"] for a in served(client)["home_top"]] == [ad.id]
    # ...and never a second: the ad is gone, and beacons for it are not recorded.
    clock.advance(milliseconds=600)
    assert served(client)["home_top"] == []
    page = client.simulate_get("/api/ads", params={"placements": "home_top"})
    assert page.json["home_top"] == []


def test_the_ads_stats_show_counted_and_filtered_side_by_side(client, ad, admin):
    click_url = served(client)["home_top"][0]["click_url"]
    for agent in (BROWSER, BROWSER, GOOGLEBOT):
        client.simulate_post(f"/api/ads/{ad.id}/impressions", headers=agent)
    client.simulate_get(click_url, headers=BROWSER)
    client.simulate_get(f"/r/ads/{ad.id}", headers=BROWSER, remote_addr="198.51.100.5")
    stats = client.simulate_get(f"/api/admin/ads/{ad.id}/stats", headers=admin).json
    assert (stats["impressions"], stats["filtered_impressions"]) == (1, 2)
    assert (stats["clicks"], stats["filtered_clicks"]) == (1, 1)
    assert stats["filtered"] == {
        "impressions": {"bot": 1, "repeat": 1, "no_token": 0, "ip_cap": 0},
        "clicks": {"bot": 0, "repeat": 0, "no_token": 1, "ip_cap": 0},
    }
    assert (
        stats["series"][-1]["filtered_impressions"],
        stats["series"][-1]["filtered_clicks"],
    ) == (2, 1)
    assert stats["lifetime"] == {"impressions": 1, "clicks": 1, "ctr": 1.0}

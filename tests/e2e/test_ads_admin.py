"""Administering ads over HTTP: CRUD with the placement rules, filters, CTR, toggle,
statistics and cascade deletion (on memory; the `smoke` tests on SQLite and PostgreSQL too)."""

from __future__ import annotations

from datetime import timedelta

import pytest

from tests.support.api import assert_error
from tests.support.openapi_check import assert_documented

ADS = "/api/admin/ads"


def new_ad(**changes) -> dict:
    return {
        "name": "Campanha",
        "title": "Assine já",
        "link": "https://example.com/promo",
        "status": "active",
        **changes,
    }


@pytest.fixture
def admin(actors) -> dict:
    return actors.admin()


def create(client, admin, **changes) -> dict:
    result = client.simulate_post(ADS, json=new_ad(**changes), headers=admin)
    assert result.status_code == 201, result.text
    return result.json


def test_ads_administration_is_for_admins_only(client, actors):
    assert_error(client.simulate_get(ADS), 401, "unauthenticated")
    assert_error(client.simulate_post(ADS, json=new_ad(), headers=actors.user()), 403, "forbidden")


def test_an_ad_is_created_with_the_defaults_and_its_ctr(client, admin, clock):
    result = client.simulate_post(
        ADS, json={"name": "N", "title": "T", "link": "https://example.com/x"}, headers=admin
    )
    assert_documented(client, ADS, "POST", result)
    body = result.json
    assert (body["type"], body["placement"], body["status"]) == ("banner", "home_top", "draft")
    assert (body["impressions"], body["clicks"], body["ctr"], body["priority"]) == (0, 0, 0, 0)
    assert body["created_at"] == clock.now().isoformat() + "Z"
    read = client.simulate_get(f"{ADS}/{body['id']}", headers=admin)
    assert read.json == body
    assert_documented(client, f"{ADS}/{{id:id}}", "GET", read)


def test_an_invalid_type_placement_pair_is_refused_naming_the_valid_placements(client, admin):
    result = client.simulate_post(
        ADS, json=new_ad(type="spot", placement="home_top"), headers=admin
    )
    assert_error(result, 400, "invalid", "placement")
    assert "sidebar, model_profile, model_sidebar" in result.json["error"]["message"]
    assert client.simulate_get(ADS, headers=admin).json["total"] == 0  # nothing replaced


@pytest.mark.parametrize(
    "body,field",
    [
        (new_ad(placement="footer"), "placement"),
        (new_ad(type="popup"), "type"),
        (new_ad(status="deleted"), "status"),
        (new_ad(type=None), "type"),
        (new_ad(start_date="2026-02-01T00:00:00Z", end_date="2026-01-31T23:59:59Z"), "end_date"),
        (new_ad(start_date="2026-02-01T00:00:00Z", end_date="2026-02-01T00:00:00Z"), "end_date"),
        (new_ad(end_date="yesterday"), "end_date"),
        (new_ad(link="//evil.example"), "link"),
        (new_ad(link="javascript:alert(1)"), "link"),
        (new_ad(link="https://example.com/\r\nSet-Cookie: a=b"), "link"),
        (new_ad(priority=10**7), "priority"),
        (new_ad(impressions=1000), "impressions"),
        ({"title": "no name", "link": "https://example.com"}, "name"),
    ],
)
def test_bad_ads_are_refused_naming_the_field(client, admin, body, field):
    assert_error(client.simulate_post(ADS, json=body, headers=admin), 400, "invalid", field)


def test_patch_revalidates_the_merged_ad(client, admin):
    ad = create(
        client, admin, type="banner", placement="home_top", start_date="2026-02-01T00:00:00Z"
    )
    item = f"{ADS}/{ad['id']}"
    assert_error(
        client.simulate_patch(item, json={"type": "spot"}, headers=admin),
        400,
        "invalid",
        "placement",
    )
    assert_error(
        client.simulate_patch(item, json={"end_date": "2026-01-01T00:00:00Z"}, headers=admin),
        400,
        "invalid",
        "end_date",
    )
    result = client.simulate_patch(
        item, json={"type": "spot", "placement": "sidebar", "priority": 5}, headers=admin
    )
    assert result.status_code == 200, result.text
    assert_documented(client, f"{ADS}/{{id:id}}", "PATCH", result)
    assert (result.json["type"], result.json["placement"], result.json["priority"]) == (
        "spot",
        "sidebar",
        5,
    )
    assert client.simulate_get(item, headers=admin).json["placement"] == "sidebar"
    assert_error(
        client.simulate_patch(f"{ADS}/999", json={"priority": 1}, headers=admin), 404, "not_found"
    )


def test_admin_edits_never_overwrite_the_counters(client, admin):
    ad = create(client, admin)
    served = client.simulate_get("/api/ads", params={"placements": "home_top"}).json
    client.simulate_get(served["home_top"][0]["click_url"])  # a click with its serve token
    result = client.simulate_patch(f"{ADS}/{ad['id']}", json={"title": "Novo"}, headers=admin)
    assert (result.json["impressions"], result.json["clicks"]) == (1, 1)
    stored = client.simulate_get(f"{ADS}/{ad['id']}", headers=admin).json
    assert (stored["title"], stored["impressions"], stored["clicks"]) == ("Novo", 1, 1)


def test_the_list_is_paginated_filtered_and_carries_the_ctr(client, admin):
    create(client, admin, name="a", type="banner", placement="login")
    create(client, admin, name="b", type="spot", placement="sidebar", status="paused")
    create(client, admin, name="c", type="hero", placement="home_top", status="draft")
    for visitor in range(4):  # four visitors: none of the impressions is a repeat
        served = client.simulate_get(
            "/api/ads", params={"placements": "login"}, remote_addr=f"198.51.100.{visitor + 1}"
        ).json
    client.simulate_get(served["login"][0]["click_url"])

    everything = client.simulate_get(ADS, headers=admin)
    assert_documented(client, ADS, "GET", everything)
    assert [a["name"] for a in everything.json["data"]] == ["c", "b", "a"]  # newest first
    page = client.simulate_get(ADS, params={"limit": "2", "page": "2"}, headers=admin).json
    assert (page["total"], page["total_pages"], [a["name"] for a in page["data"]]) == (3, 2, ["a"])
    for params, names in [
        ({"status": "paused"}, ["b"]),
        ({"placement": "login"}, ["a"]),
        ({"type": "hero"}, ["c"]),
        ({"type": "hero", "status": "active"}, []),
    ]:
        listed = client.simulate_get(ADS, params=params, headers=admin).json["data"]
        assert [a["name"] for a in listed] == names
    [listed] = client.simulate_get(ADS, params={"placement": "login"}, headers=admin).json["data"]
    assert (listed["impressions"], listed["clicks"], listed["ctr"]) == (4, 1, 0.25)
    assert_error(
        client.simulate_get(ADS, params={"status": "gone"}, headers=admin), 400, "invalid", "status"
    )
    assert_error(
        client.simulate_get(ADS, params={"placement": "x"}, headers=admin),
        400,
        "invalid",
        "placement",
    )


def test_toggle_switches_active_and_paused_only(client, admin):
    ad = create(client, admin, status="active")
    toggle = f"{ADS}/{ad['id']}/toggle"
    statuses = []
    for _ in range(3):
        result = client.simulate_post(toggle, headers=admin)
        assert_documented(client, f"{ADS}/{{id:id}}/toggle", "POST", result)
        statuses.append(result.json["status"])
    assert statuses == ["paused", "active", "paused"]
    assert_error(client.simulate_post(f"{ADS}/999/toggle", headers=admin), 404, "not_found")


def test_toggling_a_draft_does_not_publish_it(client, admin):
    draft = create(client, admin, status="draft")
    toggle = f"{ADS}/{draft['id']}/toggle"
    refused = client.simulate_post(toggle, headers=admin)
    assert_documented(client, f"{ADS}/{{id:id}}/toggle", "POST", refused)
    assert_error(refused, 409, "conflict", "status")
    assert "set its status to active" in refused.json["error"]["message"]
    assert client.simulate_get(f"{ADS}/{draft['id']}", headers=admin).json["status"] == "draft"
    published = client.simulate_patch(
        f"{ADS}/{draft['id']}", json={"status": "active"}, headers=admin
    )
    assert published.json["status"] == "active"
    assert client.simulate_post(toggle, headers=admin).json["status"] == "paused"


@pytest.mark.smoke
def test_stats_count_events_per_utc_day_with_zeros_and_lifetime_totals(client, admin, clock):
    ad = create(client, admin)
    start = clock.now()
    visitors = (f"198.51.100.{n}" for n in range(1, 200))  # one visit each: none repeats
    for days_ago, views, clicks in [(40, 3, 1), (2, 4, 1), (0, 2, 2)]:
        clock.current = start - timedelta(days=days_ago)
        for _ in range(views):
            served = client.simulate_get(
                "/api/ads", params={"placements": "home_top"}, remote_addr=next(visitors)
            ).json
        for _ in range(clicks):
            client.simulate_get(served["home_top"][0]["click_url"], remote_addr=next(visitors))
    # Recorded beside them, not counted: a crawler's view, a click without the serve
    # token, a visitor coming back within the window.
    clock.current = start
    client.simulate_get(
        "/api/ads",
        params={"placements": "home_top"},
        headers={"User-Agent": "Googlebot/2.1 (+http://www.google.com/bot.html)"},
    )
    client.simulate_get(f"/r/ads/{ad['id']}", remote_addr="203.0.113.1")
    for _ in range(2):
        client.simulate_get(
            "/api/ads", params={"placements": "home_top"}, remote_addr="203.0.113.2"
        )

    result = client.simulate_get(f"{ADS}/{ad['id']}/stats", params={"days": "7"}, headers=admin)
    assert_documented(client, f"{ADS}/{{id:id}}/stats", "GET", result)
    stats = result.json
    today = start.date()
    assert (stats["days"], stats["until"], stats["since"]) == (
        7,
        today.isoformat(),
        (today - timedelta(days=6)).isoformat(),
    )
    assert (stats["impressions"], stats["clicks"], stats["ctr"]) == (7, 3, 3 / 7)
    assert stats["lifetime"] == {"impressions": 10, "clicks": 4, "ctr": 4 / 10}
    assert [(d["impressions"], d["clicks"]) for d in stats["series"]] == [(0, 0)] * 4 + [
        (4, 1),
        (0, 0),
        (3, 2),
    ]
    assert stats["series"][-1] == {
        "date": today.isoformat(),
        "impressions": 3,
        "clicks": 2,
        "ctr": 2 / 3,
        "filtered_impressions": 2,
        "filtered_clicks": 1,
    }
    assert (stats["filtered_impressions"], stats["filtered_clicks"]) == (2, 1)
    assert stats["filtered"] == {
        "impressions": {"bot": 1, "repeat": 1, "no_token": 0, "ip_cap": 0},
        "clicks": {"bot": 0, "repeat": 0, "no_token": 1, "ip_cap": 0},
    }
    default = client.simulate_get(f"{ADS}/{ad['id']}/stats", headers=admin).json
    assert len(default["series"]) == 30 and default["impressions"] == 7
    whole = client.simulate_get(
        f"{ADS}/{ad['id']}/stats", params={"days": "365"}, headers=admin
    ).json
    assert (whole["impressions"], whole["clicks"]) == (10, 4)


@pytest.mark.parametrize("days", ["0", "366", "x"])
def test_stats_refuse_bad_days(client, admin, days):
    ad = create(client, admin)
    assert_error(
        client.simulate_get(f"{ADS}/{ad['id']}/stats", params={"days": days}, headers=admin),
        400,
        "invalid",
        "days",
    )


def test_stats_of_an_unknown_ad_are_a_404(client, admin):
    assert_error(client.simulate_get(f"{ADS}/42/stats", headers=admin), 404, "not_found")


def test_deleting_an_ad_deletes_its_events(client, admin, backend):
    doomed = create(client, admin, name="doomed")
    kept = create(client, admin, name="kept", type="spot", placement="sidebar")
    client.simulate_get("/api/ads", params={"placements": "home_top,sidebar"})
    client.simulate_post(f"/api/ads/{doomed['id']}/clicks")
    client.simulate_post(f"/api/ads/{kept['id']}/clicks")

    result = client.simulate_delete(f"{ADS}/{doomed['id']}", headers=admin)
    assert result.status_code == 204 and not result.text
    assert_error(client.simulate_get(f"{ADS}/{doomed['id']}", headers=admin), 404, "not_found")
    assert_error(client.simulate_delete(f"{ADS}/{doomed['id']}", headers=admin), 404, "not_found")
    with backend.uow() as uow:
        for events in (uow.impressions, uow.clicks):
            assert events.count({"ad_id": doomed["id"]}) == 0
            assert events.count({"ad_id": kept["id"]}) == 1

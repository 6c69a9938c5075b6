"""What pages call: serving several placements at once, impression and click beacons,
the click redirect (never an open redirect), the client IP recorded, and the meta."""

from __future__ import annotations

import ipaddress
from datetime import timedelta

import attrs
import pytest
from falcon.testing import TestClient

from domain.ads.rules import Ad
from entrypoints.http.app import create_app
from tests.support.api import assert_error
from tests.support.deps import deps_for
from tests.support.openapi_check import assert_documented


@pytest.fixture
def add_ad(backend, clock):
    """Store an ad directly (as a migrated row would be) and return it."""

    def add(**kw) -> Ad:
        values = {
            "id": None,
            "name": "n",
            "title": "t",
            "link": "https://example.com/landing",
            "status": "active",
            "created_at": clock.now(),
            "updated_at": clock.now(),
        }
        with backend.uow() as uow:
            ad = uow.ads.add(Ad(**{**values, **kw}))
            uow.commit()
        return ad

    return add


def events(backend, kind: str, ad_id: int) -> list:
    with backend.uow() as uow:
        return list(getattr(uow, kind).find({"ad_id": ad_id}, order_by=["id"]).items)


def counters(backend, ad_id: int) -> tuple[int, int]:
    with backend.uow() as uow:
        ad = uow.ads.get(ad_id)
    return ad.impressions, ad.clicks


# -- serving ---------------------------------------------------------------------------
@pytest.mark.smoke
def test_several_placements_are_served_in_one_call_best_first(client, add_ad, clock):
    old = add_ad(name="old", created_at=clock.now() - timedelta(days=2))
    new = add_ad(name="new", created_at=clock.now() - timedelta(days=1))
    top = add_ad(name="top", priority=9, created_at=clock.now() - timedelta(days=30))
    spot = add_ad(name="spot", type="spot", placement="sidebar")
    result = client.simulate_get("/api/ads", params={"placements": "home_top,sidebar,login"})
    assert_documented(client, "/api/ads", "GET", result)
    body = result.json
    assert list(body) == ["home_top", "sidebar", "login"]
    assert [a["id"] for a in body["home_top"]] == [top.id, new.id, old.id]
    assert [a["id"] for a in body["sidebar"]] == [spot.id] and body["login"] == []
    served = dict(body["sidebar"][0])
    # The click URL carries the serve token of this ad in this placement.
    assert served.pop("click_url").startswith(f"/r/ads/{spot.id}?placement=sidebar&t=")
    assert served == {
        "id": spot.id,
        "type": "spot",
        "placement": "sidebar",
        "title": "t",
        "subtitle": None,
        "cta_text": None,
        "image_url": None,
        "link": "https://example.com/landing",
        "category": None,
    }
    assert result.headers["cache-control"] == "private, no-store"  # issue 20, 12
    limited = client.simulate_get("/api/ads", params={"placements": "home_top", "limit": "2"})
    assert [a["id"] for a in limited.json["home_top"]] == [top.id, new.id]


def test_paused_draft_future_and_ended_ads_are_never_served(client, add_ad, clock, backend):
    now = clock.now()
    hidden = [
        add_ad(status="paused"),
        add_ad(status="draft"),
        add_ad(start_date=now + timedelta(seconds=1)),
        add_ad(end_date=now - timedelta(seconds=1)),
    ]
    shown = [
        add_ad(start_date=now, end_date=now + timedelta(days=1)),
        add_ad(start_date=now - timedelta(days=1), end_date=now),
    ]
    body = client.simulate_get("/api/ads", params={"placements": "home_top"}).json
    assert sorted(a["id"] for a in body["home_top"]) == sorted(a.id for a in shown)
    for ad in hidden:
        assert counters(backend, ad.id) == (0, 0)
        client.simulate_post(f"/api/ads/{ad.id}/impressions")
        client.simulate_post(f"/api/ads/{ad.id}/clicks")
        assert counters(backend, ad.id) == (0, 0)  # ignored, see domain.ads.serving
        assert events(backend, "impressions", ad.id) == []


@pytest.mark.smoke
def test_one_impression_is_recorded_per_served_ad_unless_track_is_false(
    client, add_ad, backend, clock
):
    a = add_ad()
    b = add_ad(type="spot", placement="sidebar")
    headers = {"User-Agent": "Mozilla/5.0 " + "x" * 600}
    client.simulate_get(
        "/api/ads",
        params={"placements": "home_top,sidebar"},
        headers=headers,
        remote_addr="198.51.100.4",
    )
    client.simulate_get("/api/ads", params={"placements": "home_top", "track": "false"})
    assert counters(backend, a.id) == (1, 0) and counters(backend, b.id) == (1, 0)
    [event] = events(backend, "impressions", b.id)
    assert (event.placement, event.ip, event.created_at) == ("sidebar", "198.51.100.4", clock.now())
    assert event.user_agent == headers["User-Agent"][:512]


def test_serving_five_placements_takes_one_query_then_a_constant_few(pony_backend, config, clock):
    client = TestClient(create_app(deps_for(pony_backend, config, clock)))
    with pony_backend.uow() as uow:
        for ad_type, placement in [
            ("hero", "home_top"),
            ("banner", "home_top"),
            ("diamond_block", "home_middle"),
            ("banner", "login"),
            ("spot", "sidebar"),
            ("banner", "home_bottom"),
        ]:
            uow.ads.add(
                Ad(
                    id=None,
                    name="n",
                    title="t",
                    link="https://example.com/",
                    type=ad_type,
                    placement=placement,
                    status="active",
                    created_at=clock.now(),
                )
            )
        uow.commit()
    params = {"placements": "home_top,home_middle,home_bottom,sidebar,login"}
    pony_backend.reset_query_count()
    body = client.simulate_get("/api/ads", params={**params, "track": "false"}).json
    assert pony_backend.query_count() == 1
    assert sum(len(ads) for ads in body.values()) == 6
    # (Once per connection, PostgreSQL prepares the recording statement: done here.)
    client.simulate_get("/api/ads", params=params, remote_addr="198.51.100.1")
    pony_backend.reset_query_count()
    client.simulate_get("/api/ads", params=params)
    # The read, the tracking transaction begun (the served ads read again), the repeat
    # lookup, the per-IP cap lookup (issue 20), then the 6 impressions: in one statement
    # on PostgreSQL; SQLite (no data-modifying CTE) checks the ads, raises the counters,
    # then inserts the rows.
    assert pony_backend.query_count() == {"postgres": 5, "sqlite": 7}[pony_backend.name]
    with pony_backend.uow() as uow:
        assert uow.impressions.count() == 12
        assert sum(ad.impressions for ad in uow.ads.find().items) == 12


@pytest.mark.parametrize(
    "params,field",
    [
        ({}, "placements"),
        ({"placements": "home_top,nowhere"}, "placements"),
        ({"placements": "home_top", "limit": "0"}, "limit"),
        ({"placements": "home_top", "limit": "many"}, "limit"),
        ({"placements": "home_top", "track": "perhaps"}, "track"),
    ],
)
def test_bad_serving_requests_are_400s_naming_the_field(client, params, field):
    assert_error(client.simulate_get("/api/ads", params=params), 400, "invalid", field)


# -- beacons ---------------------------------------------------------------------------
@pytest.mark.smoke
@pytest.mark.parametrize("kind", ["impressions", "clicks"])
def test_beacons_record_the_counter_and_the_event_together(client, add_ad, backend, kind):
    ad = add_ad()
    empty = client.simulate_post(
        f"/api/ads/{ad.id}/{kind}", headers={"User-Agent": "UA"}, remote_addr="203.0.113.9"
    )
    assert_documented(client, f"/api/ads/{{id:id}}/{kind}", "POST", empty)
    assert empty.status_code == 204 and not empty.text
    client.simulate_post(f"/api/ads/{ad.id}/{kind}", json={"placement": "post_detail"})
    client.simulate_post(f"/api/ads/{ad.id}/{kind}", json={"placement": None})
    first, second, third = events(backend, kind, ad.id)
    assert (first.placement, first.user_agent, first.ip) == ("home_top", "UA", "203.0.113.9")
    assert (second.placement, third.placement) == ("post_detail", "home_top")
    impressions, clicks = counters(backend, ad.id)
    if kind == "impressions":  # three visits (visitor or placement differ): three counted
        assert impressions == 3 and [e.counted for e in (first, second, third)] == [True] * 3
    else:  # no serve token in these bodies: recorded, not counted (test_ads_counting.py)
        assert clicks == 0
        assert [e.filter_reason for e in (first, second, third)] == ["no_token"] * 3


@pytest.mark.parametrize(
    "body,field",
    [
        ({"placement": "nowhere"}, "placement"),
        ({"placement": 3}, "placement"),
        ({"url": "https://evil.example"}, "url"),
        ([1], "body"),
    ],
)
def test_bad_beacon_bodies_are_400s(client, add_ad, body, field):
    ad = add_ad()
    assert_error(client.simulate_post(f"/api/ads/{ad.id}/clicks", json=body), 400, "invalid", field)


@pytest.mark.smoke
def test_beacons_for_unknown_ads_are_404s(client):
    for path in [
        "/api/ads/999/clicks",
        "/api/ads/999/impressions",
        "/api/ads/0/clicks",
        "/api/ads/abc/clicks",
        "/r/ads/999",
        "/r/ads/99999999999",
    ]:
        method = client.simulate_get if path.startswith("/r/") else client.simulate_post
        assert_error(method(path), 404, "not_found")


# -- the click redirect ----------------------------------------------------------------
@pytest.mark.parametrize(
    "query",
    [
        "",
        "placement=sidebar",
        "url=https://evil.example",
        "next=https://evil.example",
        "redirect=//evil.example&url=%2F%2Fevil.example",
        "placement=home_top&next=/%2F%2Fevil",
        "url=https%3A%2F%2Fevil.example%0d%0aLocation:%20https://evil.example",
    ],
)
def test_the_redirect_goes_to_the_stored_link_only(client, add_ad, backend, query):
    ad = add_ad(link="https://example.com/landing?utm_source=creatorflix")
    result = client.simulate_get(f"/r/ads/{ad.id}", query_string=query)
    assert_documented(client, "/r/ads/{id:id}", "GET", result)
    assert result.status_code == 302
    assert result.headers["location"] == "https://example.com/landing?utm_source=creatorflix"
    assert result.headers["cache-control"] == "no-store"
    [click] = events(backend, "clicks", ad.id)
    assert click.placement == ("sidebar" if "sidebar" in query else "home_top")


@pytest.mark.parametrize(
    "path",
    [
        "/r/ads/1//evil.example",
        "/r/ads//evil.example",
        "/r/ads/1%2F%2Fevil.example",
        "/r/ads/https://evil.example",
    ],
)
def test_path_tricks_do_not_reach_a_redirect(client, add_ad, path):
    add_ad()
    result = client.simulate_get(path)
    assert result.status_code == 404 and "location" not in result.headers


def test_a_bad_placement_on_the_redirect_is_a_400_not_a_header(client, add_ad):
    ad = add_ad()
    result = client.simulate_get(
        f"/r/ads/{ad.id}", query_string="placement=home_top%0d%0aLocation:%20//evil"
    )
    assert_error(result, 400, "invalid", "placement")
    assert "location" not in result.headers


def test_a_stored_link_that_is_not_safe_is_never_redirected_to(client, add_ad, backend):
    # Only a row copied from the original database could hold such a link.
    ad = add_ad(link="javascript:alert(document.cookie)")
    result = client.simulate_get(f"/r/ads/{ad.id}")
    assert_error(result, 404, "not_found")
    assert "location" not in result.headers
    assert counters(backend, ad.id) == (0, 0)


@pytest.mark.parametrize("once_public", [{"status": "paused"}, {"end_date": "yesterday"}])
def test_a_paused_or_ended_ad_still_redirects_but_the_click_is_not_counted(
    client, add_ad, backend, clock, once_public
):
    if "end_date" in once_public:
        once_public = {"end_date": clock.now() - timedelta(days=1)}
    ad = add_ad(**once_public)
    result = client.simulate_get(f"/r/ads/{ad.id}")
    assert (result.status_code, result.headers["location"]) == (302, ad.link)
    assert counters(backend, ad.id) == (0, 0)


@pytest.mark.parametrize(
    "unpublished",
    [
        {"status": "draft"},
        {"start_date": "tomorrow"},
        {"status": "paused", "start_date": "tomorrow"},
    ],
)
def test_the_link_of_an_ad_not_published_yet_is_never_revealed(
    client, add_ad, backend, clock, unpublished
):
    if "start_date" in unpublished:
        unpublished = {**unpublished, "start_date": clock.now() + timedelta(days=1)}
    ad = add_ad(link="https://secret-launch.example/promo", **unpublished)
    result = client.simulate_get(f"/r/ads/{ad.id}", query_string="placement=home_top")
    assert_documented(client, "/r/ads/{id:id}", "GET", result)
    assert_error(result, 404, "not_found")
    assert "location" not in result.headers and "secret-launch" not in result.text
    assert counters(backend, ad.id) == (0, 0)


# -- client IP behind proxies ------------------------------------------------------------
def test_the_ip_behind_trusted_proxies_is_the_right_most_untrusted_hop(
    backend, config, clock, add_ad
):
    trusting = attrs.evolve(config, trusted_proxies=(ipaddress.ip_network("10.0.0.0/8"),))
    client = TestClient(create_app(deps_for(backend, trusting, clock)))
    ad = add_ad()
    forwarded = {"X-Forwarded-For": "6.6.6.6, 198.51.100.23, 10.0.0.7"}
    client.simulate_post(f"/api/ads/{ad.id}/clicks", headers=forwarded, remote_addr="10.0.0.1")
    client.simulate_post(f"/api/ads/{ad.id}/clicks", headers=forwarded, remote_addr="203.0.113.50")
    # A load balancer appending the hop with its port: the forged entry does not win.
    client.simulate_post(
        f"/api/ads/{ad.id}/clicks",
        remote_addr="10.0.0.1",
        headers={"X-Forwarded-For": "6.6.6.6, 198.51.100.24:5678"},
    )
    first, second, third = events(backend, "clicks", ad.id)
    assert (first.ip, second.ip, third.ip) == ("198.51.100.23", "203.0.113.50", "198.51.100.24")


def test_forwarded_headers_are_ignored_without_trusted_proxies(client, add_ad, backend):
    ad = add_ad()
    client.simulate_post(
        f"/api/ads/{ad.id}/clicks",
        headers={"X-Forwarded-For": "6.6.6.6"},
        remote_addr="203.0.113.50",
    )
    assert events(backend, "clicks", ad.id)[0].ip == "203.0.113.50"


# -- meta and documentation ------------------------------------------------------------
def test_meta_lists_types_placements_rules_and_pt_br_labels(client):
    result = client.simulate_get("/api/ads/meta")
    assert_documented(client, "/api/ads/meta", "GET", result)
    meta = result.json
    assert len(meta["placements"]) == 12 and meta["statuses"] == ["active", "paused", "draft"]
    assert meta["valid_placements"]["hero"] == ["home_top"]
    assert meta["labels"]["placements"]["home_top"] == "Topo da home"
    assert set(meta["labels"]["types"]) == set(meta["types"])


def test_the_redirect_and_beacons_are_documented_as_such(client):
    paths = client.simulate_get("/openapi.json").json["paths"]
    redirect = paths["/r/ads/{id}"]["get"]["responses"]["302"]
    assert redirect["headers"]["Location"]["schema"]["format"] == "uri"
    assert "content" not in redirect
    beacon = paths["/api/ads/{id}/clicks"]["post"]
    assert "content" not in beacon["responses"]["204"]
    assert beacon["requestBody"]["required"] is False

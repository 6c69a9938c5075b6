"""Issue 20, finding 3: the repeat filter keys on IP + user agent, so one IP rotating
its user agent made 300 clicks count (CTR 274%). Counted events are now also capped per
IP (IPv6 grouped by /64) and ad, whatever the user agent:
CREATORFLIX_AD_CLICKS_PER_IP_HOUR (10) and CREATORFLIX_AD_IMPRESSIONS_PER_IP_HOUR (30);
the rest are stored as filtered with reason `ip_cap`, shown in the ad's statistics.
(`smoke` tests run on memory, SQLite and PostgreSQL.)"""

from __future__ import annotations

import pytest

from tests.support.ads_counting import ad, admin, counters, recorded, served  # noqa: F401

# Browser-like agents, each one a different visitor to the repeat filter
# (python-requests and the like are bots to crawlerdetect).
AGENTS = [
    {
        "User-Agent": f"Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 "
        f"(KHTML, like Gecko) Chrome/{100 + n}.0.{n}.0 Safari/537.36"
    }
    for n in range(60)
]
ATTACKER, OTHER = "203.0.113.9", "198.51.100.20"


@pytest.mark.smoke
def test_clicks_from_one_ip_are_capped_whatever_the_user_agent(client, ad, backend, admin, clock):
    click_url = served(client)["home_top"][0]["click_url"]
    for agent in AGENTS[:40]:
        assert (
            client.simulate_get(click_url, headers=agent, remote_addr=ATTACKER).status_code == 302
        )
    assert recorded(backend, "clicks", ad.id) == [(True, None)] * 10 + [(False, "ip_cap")] * 30
    assert counters(backend, ad.id) == (0, 10)
    # Another address is another visitor; the cap is per hour.
    client.simulate_get(click_url, headers=AGENTS[0], remote_addr=OTHER)
    clock.advance(hours=1, seconds=1)
    click_url = served(client)["home_top"][0]["click_url"]
    client.simulate_get(click_url, headers=AGENTS[50], remote_addr=ATTACKER)
    assert recorded(backend, "clicks", ad.id)[-2:] == [(True, None), (True, None)]
    stats = client.simulate_get(f"/api/admin/ads/{ad.id}/stats", headers=admin).json
    assert stats["filtered"]["clicks"]["ip_cap"] == 30
    assert stats["filtered"]["impressions"]["ip_cap"] == 0


@pytest.mark.smoke
def test_impressions_from_one_ip_are_capped_and_ipv6_counts_per_64(client, ad, backend, admin):
    for agent in AGENTS[:35]:
        client.simulate_post(f"/api/ads/{ad.id}/impressions", headers=agent, remote_addr=ATTACKER)
    # IPv6: addresses of one /64 are one visitor's; another /64 is another's.
    for n, agent in enumerate(AGENTS[:32]):
        client.simulate_post(
            f"/api/ads/{ad.id}/impressions", headers=agent, remote_addr=f"2001:db8:1:2::{n + 1:x}"
        )
    client.simulate_post(
        f"/api/ads/{ad.id}/impressions", headers=AGENTS[0], remote_addr="2001:db8:1:3::1"
    )
    rows = recorded(backend, "impressions", ad.id)
    assert rows == (
        [(True, None)] * 30
        + [(False, "ip_cap")] * 5
        + [(True, None)] * 30
        + [(False, "ip_cap")] * 2
        + [(True, None)]
    )
    assert counters(backend, ad.id) == (61, 0)
    stats = client.simulate_get(f"/api/admin/ads/{ad.id}/stats", headers=admin).json
    assert stats["filtered"]["impressions"]["ip_cap"] == 7


def test_a_batch_of_beacons_is_capped_too(client, ad, backend):
    events = [
        {"ad_id": ad.id, "placement": p, "type": "impression"}
        for p in ("home_top", "sidebar", "login", "register", "home_bottom")
    ]
    for agent in AGENTS[:7]:
        result = client.simulate_post(
            "/api/ads/events", json={"events": events}, headers=agent, remote_addr=ATTACKER
        )
        assert result.status_code == 204, result.text
    rows = recorded(backend, "impressions", ad.id)
    assert rows.count((True, None)) == 30 and rows.count((False, "ip_cap")) == 5

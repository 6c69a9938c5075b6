"""The serving and tracking use cases on the in-memory adapters: what is served and for
how long a cached answer stands, which events count, the batch, the click redirect, and
the retention of visitors' details."""

from __future__ import annotations

from datetime import timedelta

import attrs
import pytest

from adapters.clock import FakeClock
from adapters.memory.unit_of_work import MemoryStore
from domain.ads import retention, serving, tracking
from domain.ads.commands import Beacon, FollowClick, ServeAds, TrackEvent, TrackEvents, Visitor
from domain.ads.counting import RepeatWindows
from domain.ads.rules import Ad
from domain.ads.service import AdServices, ServingCache
from domain.common.errors import NotFound
from entrypoints.bootstrap import build_memory_deps
from entrypoints.config import Config

PERSON = Visitor("Mozilla/5.0 (X11; Linux x86_64) Firefox/128.0", "198.51.100.7")
CRAWLER = Visitor("ExampleBot/1.0", "198.51.100.8")


class FakeBots:
    """Bots are the user agents that say so."""

    def is_bot(self, user_agent: str) -> bool:
        return "bot" in user_agent.lower()


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def services(clock) -> AdServices:
    deps = build_memory_deps(
        Config(secret_key="k" * 40), clock=clock, store=MemoryStore(), bots=FakeBots()
    )
    return deps.ads


def add(services: AdServices, **changes) -> Ad:
    values = {
        "id": None,
        "name": "n",
        "title": "t",
        "link": "https://example.com/",
        "status": "active",
        "created_at": services.clock.now(),
        **changes,
    }
    with services.uow() as uow:
        ad = uow.ads.add(Ad(**values))
        uow.commit()
    return ad


def change(services: AdServices, ad: Ad, **changes) -> None:
    with services.uow() as uow:
        uow.ads.update(attrs.evolve(uow.ads.get(ad.id), **changes))
        uow.commit()


def rows(services: AdServices, kind: str) -> list[tuple[bool, str | None]]:
    with services.uow() as uow:
        return [
            (e.counted, e.filter_reason) for e in getattr(uow, kind).find(order_by=["id"]).items
        ]


def counters(services: AdServices, ad: Ad) -> tuple[int, int]:
    with services.uow() as uow:
        stored = uow.ads.get(ad.id)
    return stored.impressions, stored.clicks


def served_ids(
    services: AdServices,
    placement: str = "home_top",
    track: bool = False,
    visitor: Visitor = PERSON,
) -> list[int]:
    page = serving.serve_ads(services, ServeAds((placement,), track=track, visitor=visitor))
    return [s.ad.id for s in page.placements[placement]]


def token_of(services: AdServices, ad: Ad, placement: str = "home_top") -> str:
    page = serving.serve_ads(services, ServeAds((placement,), track=False))
    [served] = [s for s in page.placements[placement] if s.ad.id == ad.id]
    return served.click_token


# -- serving, and the cache ----------------------------------------------------------
def test_a_paused_ad_is_no_longer_served_once_the_cached_answer_expires(services, clock):
    ad = add(services)
    first = serving.serve_ads(services, ServeAds(("home_top",), track=False))
    change(services, ad, status="paused")
    clock.advance(milliseconds=499)
    assert serving.serve_ads(services, ServeAds(("home_top",), track=False)) is first
    clock.advance(milliseconds=1)  # the cache's TTL (0.5 s): well within the 1 s promised
    assert served_ids(services) == []


def test_a_new_ad_shows_within_the_ttl_and_an_end_is_never_overrun(services, clock):
    ad = add(services, end_date=clock.now() + timedelta(milliseconds=200))
    assert served_ids(services) == [ad.id]
    clock.advance(milliseconds=200, microseconds=1)  # past the end, within the TTL
    assert served_ids(services) == []
    other = add(services, name="other")
    assert served_ids(services) == []  # the answer cached a moment ago
    clock.advance(milliseconds=500)
    assert served_ids(services) == [other.id]


def test_requests_that_track_are_never_answered_from_the_cache(services, clock):
    ad = add(services)
    assert served_ids(services) == [ad.id]
    change(services, ad, status="paused")
    assert served_ids(services, track=True) == []
    assert rows(services, "impressions") == []


def test_a_zero_ttl_turns_the_cache_off(services, clock):
    services = attrs.evolve(services, cache=ServingCache(timedelta(0)))
    ad = add(services)
    assert served_ids(services) == [ad.id]
    change(services, ad, status="paused")
    assert served_ids(services) == []


def test_served_ads_carry_a_token_for_their_placement(services):
    ad = add(services, type="diamond_block", placement="home_middle")
    page = serving.serve_ads(services, ServeAds(("home_middle", "home_top"), track=False))
    [served] = page.placements["home_middle"]
    assert (served.ad.id, served.placement) == (ad.id, "home_middle")
    assert page.placements["home_top"] == ()
    assert served.click_token.count(".") == 1


# -- what counts ------------------------------------------------------------------------
def test_impressions_served_with_tracking_are_judged_like_beacons(services, clock):
    ad = add(services)
    served_ids(services, track=True)
    served_ids(services, track=True)  # the same visitor again
    served_ids(services, track=True, visitor=CRAWLER)
    clock.advance(minutes=30, seconds=1)
    served_ids(services, track=True)  # the window has passed
    assert rows(services, "impressions") == [
        (True, None),
        (False, "repeat"),
        (False, "bot"),
        (True, None),
    ]
    assert counters(services, ad) == (2, 0)


def test_a_batch_records_every_event_and_counts_what_counts(services, clock):
    a = add(services)
    b = add(services, type="spot", placement="sidebar")
    paused = add(services, status="paused")
    token = token_of(services, a)
    stored = tracking.track_events(
        services,
        TrackEvents(
            (
                Beacon("impressions", a.id, "home_top"),
                Beacon("impressions", a.id, "home_top"),  # a repeat within the batch
                Beacon("impressions", b.id),  # its own placement
                Beacon("impressions", paused.id),  # not served: dropped
                Beacon("impressions", 999),  # unknown: dropped
                Beacon("clicks", a.id, "home_top", token),
                Beacon("clicks", b.id, "sidebar", token),  # a's token: not b's
                Beacon("clicks", a.id, "home_top"),  # no token
            ),
            PERSON,
        ),
    )
    assert stored == 6
    assert rows(services, "impressions") == [(True, None), (False, "repeat"), (True, None)]
    assert rows(services, "clicks") == [(True, None), (False, "no_token"), (False, "no_token")]
    assert counters(services, a) == (1, 1) and counters(services, b) == (1, 0)
    with services.uow() as uow:
        assert uow.impressions.find({"ad_id": b.id}).items[0].placement == "sidebar"


def test_a_bots_batch_is_recorded_and_counts_nothing(services):
    ad = add(services)
    token = token_of(services, ad)
    tracking.track_events(
        services,
        TrackEvents(
            (Beacon("impressions", ad.id), Beacon("clicks", ad.id, "home_top", token)), CRAWLER
        ),
    )
    tracking.track_events(
        services, TrackEvents((Beacon("impressions", ad.id),), Visitor(None, "198.51.100.9"))
    )
    assert rows(services, "impressions") == [(False, "bot"), (False, "bot")]
    assert rows(services, "clicks") == [(False, "bot")]
    assert counters(services, ad) == (0, 0)


def test_clicks_count_with_a_token_once_per_30_seconds(services, clock):
    ad = add(services)
    token = token_of(services, ad)
    click = FollowClick(ad.id, "home_top", PERSON, token)
    for _ in range(2):
        assert tracking.follow_click(services, click) == ad.link
    clock.advance(seconds=31)
    tracking.follow_click(services, click)
    tracking.track_event(services, TrackEvent("clicks", ad.id, "home_top", PERSON, token))
    clock.advance(hours=1)  # the token has expired by now
    tracking.follow_click(services, click)
    assert rows(services, "clicks") == [
        (True, None),
        (False, "repeat"),
        (True, None),
        (False, "repeat"),
        (False, "no_token"),
    ]
    assert counters(services, ad) == (0, 2)


def test_the_windows_are_configurable(services):
    services = attrs.evolve(services, windows=RepeatWindows(timedelta(0), timedelta(0)))
    ad = add(services)
    for _ in range(3):
        tracking.track_event(services, TrackEvent("impressions", ad.id, None, PERSON))
    assert counters(services, ad) == (3, 0)


def test_paused_ads_redirect_unrecorded_and_drafts_are_unknown(services):
    paused = add(services, status="paused")
    draft = add(services, status="draft")
    assert tracking.follow_click(services, FollowClick(paused.id, None, PERSON)) == paused.link
    tracking.track_event(services, TrackEvent("impressions", paused.id, None, PERSON))
    assert rows(services, "clicks") == [] and rows(services, "impressions") == []
    for ad_id in (draft.id, 999):
        with pytest.raises(NotFound):
            tracking.follow_click(services, FollowClick(ad_id, None, PERSON))
    with pytest.raises(NotFound):
        tracking.track_event(services, TrackEvent("clicks", 999, None, PERSON))


# -- retention ----------------------------------------------------------------------------
def test_retention_forgets_who_saw_old_events_and_keeps_the_counts(services, clock):
    ad = add(services)
    for ip in ("10.0.0.1", "10.0.0.2", "10.0.0.3"):
        tracking.track_event(
            services, TrackEvent("impressions", ad.id, None, attrs.evolve(PERSON, ip=ip))
        )
    clock.advance(days=180, seconds=1)
    tracking.track_event(services, TrackEvent("impressions", ad.id, None, PERSON))
    assert retention.forget_old_visitors(services.uow, clock, 180, batch=2) == 3
    assert retention.forget_old_visitors(services.uow, clock, 180, batch=2) == 0
    with services.uow() as uow:
        kept = [
            (e.ip, e.user_agent, e.counted) for e in uow.impressions.find(order_by=["id"]).items
        ]
    assert kept == [(None, None, True)] * 3 + [(PERSON.ip, PERSON.user_agent, True)]
    assert counters(services, ad) == (4, 0)
    with pytest.raises(ValueError):
        retention.retention_cutoff(clock.now(), 0)

"""The ads repositories behave the same on memory, SQLite and PostgreSQL: the database's
pre-selection agrees with the domain's, counters move only by `record_events`."""
from __future__ import annotations

import threading
from datetime import date, datetime, timedelta

import attrs
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from domain.ads.rules import Ad, AdEvent, is_servable, select_ads

NOW = datetime(2026, 3, 10, 12, 0, 0, 250000)
PLACES = ("home_top", "sidebar", "login")
# Few distinct values, so that ties (priority, created_at) and bounds (== now) happen.
WHEN = st.sampled_from([None, NOW, NOW - timedelta(hours=1), NOW + timedelta(hours=1),
                        NOW - timedelta(microseconds=1)])
ADS = st.lists(st.builds(
    lambda place, status, priority, created, start, end: Ad(
        id=None, name="n", title="t", link="https://example.com/", placement=place,
        status=status, priority=priority, created_at=created, start_date=start, end_date=end),
    st.sampled_from(PLACES), st.sampled_from(["active", "active", "paused", "draft"]),
    st.integers(0, 2), st.sampled_from([NOW - timedelta(days=2), NOW - timedelta(days=1)]),
    WHEN, WHEN), max_size=14)


def reset(backend) -> None:
    with backend.uow() as uow:
        for ad in uow.ads.find().items:
            uow.ads.delete(ad.id)
        uow.commit()


@settings(max_examples=30, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(ads=ADS, limit=st.integers(1, 4), places=st.lists(st.sampled_from(PLACES), min_size=1,
                                                         max_size=3, unique=True))
def test_the_database_preselection_agrees_with_select_ads(backend, ads, limit, places):
    reset(backend)
    with backend.uow() as uow:
        stored = [uow.ads.add(ad) for ad in ads]
        uow.commit()
    with backend.uow() as uow:
        candidates = uow.ads.servable(places, NOW, limit)
    for place in places:
        expected = select_ads(stored, place, NOW, limit)
        assert [a.id for a in select_ads(candidates, place, NOW, limit)] == \
            [a.id for a in expected]
        assert sorted(a.id for a in candidates if a.placement == place) == \
            sorted(a.id for a in expected)


@settings(max_examples=30, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(ads=ADS, kind=st.sampled_from(["impressions", "clicks"]),
       placement=st.sampled_from([None, "sidebar"]))
def test_recording_if_servable_agrees_with_is_servable(backend, ads, kind, placement):
    reset(backend)
    with backend.uow() as uow:
        stored = [uow.ads.add(ad) for ad in ads]
        uow.commit()
    for ad in stored:
        with backend.uow() as uow:
            got = uow.ads.record_if_servable(
                kind, AdEvent(id=None, ad_id=ad.id, placement=placement, ip="10.0.0.1",
                              created_at=NOW), NOW)
            uow.commit()
        assert (got is not None) == is_servable(ad, NOW)
        with backend.uow() as uow:
            assert getattr(uow.ads.get(ad.id), kind) == (1 if got else 0)
            events = getattr(uow, kind).find({"ad_id": ad.id}).items
        assert [e.placement for e in events] == ([placement or ad.placement] if got else [])
        if got:
            assert got.link == ad.link and got.id == ad.id


def test_the_database_breaks_ties_like_the_domain(backend):
    """Same priority and age: the highest ids win the limited places."""
    reset(backend)
    with backend.uow() as uow:
        ids = [uow.ads.add(Ad(id=None, name="n", title="t", link="https://example.com/",
                              status="active", created_at=NOW)).id for _ in range(4)]
        uow.commit()
    with backend.uow() as uow:
        assert sorted(a.id for a in uow.ads.servable(["home_top"], NOW, 2)) == sorted(ids)[2:]


def add_ads(backend, count: int) -> list[Ad]:
    with backend.uow() as uow:
        ads = [uow.ads.add(Ad(id=None, name=f"ad{i}", title="t", link="https://example.com/",
                              status="active", created_at=NOW)) for i in range(count)]
        uow.commit()
    return ads


def event(ad_id: int, when: datetime = NOW) -> AdEvent:
    return AdEvent(id=None, ad_id=ad_id, placement="home_top", user_agent="UA", ip="127.0.0.1",
                   created_at=when)


def test_record_events_counts_repeats_and_drops_events_of_deleted_ads(backend):
    a, b, gone = add_ads(backend, 3)
    with backend.uow() as uow:
        uow.ads.delete(gone.id)
        uow.commit()
    with backend.uow() as uow:
        assert uow.ads.record_events("impressions", [event(a.id), event(b.id), event(a.id),
                                                     event(gone.id)]) == 3
        assert uow.ads.record_events("clicks", [event(b.id)]) == 1
        assert uow.ads.record_events("clicks", [event(gone.id)]) == 0
        uow.commit()
    with backend.uow() as uow:
        assert (uow.ads.get(a.id).impressions, uow.ads.get(b.id).impressions) == (2, 1)
        assert (uow.ads.get(a.id).clicks, uow.ads.get(b.id).clicks) == (0, 1)
        assert uow.impressions.count() == 3 and uow.clicks.count() == 1
        stored = uow.impressions.first({"ad_id": b.id})
        assert (stored.placement, stored.user_agent, stored.ip, stored.created_at) == \
            ("home_top", "UA", "127.0.0.1", NOW)


def test_recorded_events_are_rolled_back_with_their_unit_of_work(backend):
    [ad] = add_ads(backend, 1)
    with backend.uow() as uow:
        uow.ads.record_events("clicks", [event(ad.id)])
    with backend.uow() as uow:
        assert uow.ads.get(ad.id).clicks == 0 and uow.clicks.count() == 0


def test_an_update_made_while_visitors_click_keeps_their_clicks(pony_backend):
    [ad] = add_ads(pony_backend, 1)
    with pony_backend.uow() as admin:
        read = admin.ads.get(ad.id)

        def visitor() -> None:  # another connection, committed before the admin writes
            with pony_backend.uow() as uow:
                uow.ads.record_events("clicks", [event(ad.id)])
                uow.commit()

        thread = threading.Thread(target=visitor)
        thread.start()
        thread.join(timeout=30)
        # Even counters that are stale (or wrong) in the entity are not written.
        admin.ads.update(attrs.evolve(read, title="edited", clicks=0, impressions=0))
        admin.commit()
    with pony_backend.uow() as uow:
        stored = uow.ads.get(ad.id)
    assert (stored.title, stored.clicks) == ("edited", 1)


def test_events_are_counted_per_utc_day_within_the_window(backend):
    [ad] = add_ads(backend, 1)
    day = datetime(2026, 3, 10)
    moments = [day - timedelta(microseconds=1), day, day + timedelta(hours=23, minutes=59),
               day + timedelta(days=1), day + timedelta(days=2)]
    with backend.uow() as uow:
        uow.ads.record_events("clicks", [event(ad.id, when) for when in moments])
        uow.commit()
    with backend.uow() as uow:
        counts = uow.clicks.count_by_day(ad.id, day, day + timedelta(days=2))
        assert uow.impressions.count_by_day(ad.id, day, day + timedelta(days=2)) == {}
        assert uow.clicks.count_by_day(ad.id + 1, day, day + timedelta(days=2)) == {}
    assert counts == {date(2026, 3, 10): 2, date(2026, 3, 11): 1}

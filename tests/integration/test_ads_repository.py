"""The ads repositories behave the same on memory, SQLite and PostgreSQL: the database's
pre-selection agrees with the domain's, counters move only by `record_events` (and only
for counted events), the repeat lookup, the statistics per day and reason, the top ads
by CTR and the retention agree."""

from __future__ import annotations

import threading
from datetime import date, datetime, timedelta

import attrs
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from domain.ads.rules import Ad, AdEvent, select_ads

NOW = datetime(2026, 3, 10, 12, 0, 0, 250000)
PLACES = ("home_top", "sidebar", "login")
# Few distinct values, so that ties (priority, created_at) and bounds (== now) happen.
WHEN = st.sampled_from(
    [None, NOW, NOW - timedelta(hours=1), NOW + timedelta(hours=1), NOW - timedelta(microseconds=1)]
)
ADS = st.lists(
    st.builds(
        lambda place, status, priority, created, start, end: Ad(
            id=None,
            name="n",
            title="t",
            link="https://example.com/",
            placement=place,
            status=status,
            priority=priority,
            created_at=created,
            start_date=start,
            end_date=end,
        ),
        st.sampled_from(PLACES),
        st.sampled_from(["active", "active", "paused", "draft"]),
        st.integers(0, 2),
        st.sampled_from([NOW - timedelta(days=2), NOW - timedelta(days=1)]),
        WHEN,
        WHEN,
    ),
    max_size=14,
)


def reset(backend) -> None:
    with backend.uow() as uow:
        for ad in uow.ads.find().items:
            uow.ads.delete(ad.id)
        uow.commit()


@settings(
    max_examples=30,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(
    ads=ADS,
    limit=st.integers(1, 4),
    places=st.lists(st.sampled_from(PLACES), min_size=1, max_size=3, unique=True),
)
def test_the_database_preselection_agrees_with_select_ads(backend, ads, limit, places):
    reset(backend)
    with backend.uow() as uow:
        stored = [uow.ads.add(ad) for ad in ads]
        uow.commit()
    with backend.uow() as uow:
        candidates = uow.ads.servable(places, NOW, limit)
    for place in places:
        expected = select_ads(stored, place, NOW, limit)
        assert [a.id for a in select_ads(candidates, place, NOW, limit)] == [a.id for a in expected]
        assert sorted(a.id for a in candidates if a.placement == place) == sorted(
            a.id for a in expected
        )


@settings(
    max_examples=20,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(ads=ADS, extra=st.lists(st.integers(0, 20), max_size=4))
def test_locking_for_tracking_returns_the_stored_ads_that_exist(backend, ads, extra):
    reset(backend)
    with backend.uow() as uow:
        stored = [uow.ads.add(ad) for ad in ads]
        uow.commit()
    wanted = [ad.id for ad in reversed(stored)] + [1000 + n for n in extra]
    with backend.uow() as uow:
        locked = uow.ads.lock_for_tracking(wanted)
    assert locked == {ad.id: ad for ad in stored}


def test_the_database_breaks_ties_like_the_domain(backend):
    """Same priority and age: the highest ids win the limited places."""
    reset(backend)
    with backend.uow() as uow:
        ids = [
            uow.ads.add(
                Ad(
                    id=None,
                    name="n",
                    title="t",
                    link="https://example.com/",
                    status="active",
                    created_at=NOW,
                )
            ).id
            for _ in range(4)
        ]
        uow.commit()
    with backend.uow() as uow:
        assert sorted(a.id for a in uow.ads.servable(["home_top"], NOW, 2)) == sorted(ids)[2:]


def add_ads(backend, count: int) -> list[Ad]:
    with backend.uow() as uow:
        ads = [
            uow.ads.add(
                Ad(
                    id=None,
                    name=f"ad{i}",
                    title="t",
                    link="https://example.com/",
                    status="active",
                    created_at=NOW,
                )
            )
            for i in range(count)
        ]
        uow.commit()
    return ads


def event(ad_id: int, when: datetime = NOW, **changes) -> AdEvent:
    values = {
        "placement": "home_top",
        "user_agent": "UA",
        "ip": "127.0.0.1",
        "created_at": when,
        **changes,
    }
    return AdEvent(id=None, ad_id=ad_id, **values)


def filtered(ad_id: int, reason: str, when: datetime = NOW, **changes) -> AdEvent:
    return event(ad_id, when, counted=False, filter_reason=reason, **changes)


def test_record_events_counts_repeats_and_drops_events_of_deleted_ads(backend):
    a, b, gone = add_ads(backend, 3)
    with backend.uow() as uow:
        uow.ads.delete(gone.id)
        uow.commit()
    with backend.uow() as uow:
        assert (
            uow.ads.record_events(
                "impressions", [event(a.id), event(b.id), event(a.id), event(gone.id)]
            )
            == 3
        )
        assert uow.ads.record_events("clicks", [event(b.id)]) == 1
        assert uow.ads.record_events("clicks", [event(gone.id)]) == 0
        uow.commit()
    with backend.uow() as uow:
        assert (uow.ads.get(a.id).impressions, uow.ads.get(b.id).impressions) == (2, 1)
        assert (uow.ads.get(a.id).clicks, uow.ads.get(b.id).clicks) == (0, 1)
        assert uow.impressions.count() == 3 and uow.clicks.count() == 1
        stored = uow.impressions.first({"ad_id": b.id})
        assert (stored.placement, stored.user_agent, stored.ip, stored.created_at) == (
            "home_top",
            "UA",
            "127.0.0.1",
            NOW,
        )


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


def test_events_are_counted_per_utc_day_and_reason_within_the_window(backend):
    [ad] = add_ads(backend, 1)
    day = datetime(2026, 3, 10)
    moments = [
        day - timedelta(microseconds=1),
        day,
        day + timedelta(hours=23, minutes=59),
        day + timedelta(days=1),
        day + timedelta(days=2),
    ]
    with backend.uow() as uow:
        uow.ads.record_events(
            "clicks",
            [event(ad.id, when) for when in moments]
            + [
                filtered(ad.id, "bot", day),
                filtered(ad.id, "repeat", day),
                filtered(ad.id, "repeat", day + timedelta(days=1)),
            ],
        )
        uow.commit()
    with backend.uow() as uow:
        counts = uow.clicks.outcomes_by_day(ad.id, day, day + timedelta(days=2))
        assert uow.impressions.outcomes_by_day(ad.id, day, day + timedelta(days=2)) == {}
        assert uow.clicks.outcomes_by_day(ad.id + 1, day, day + timedelta(days=2)) == {}
    assert counts == {
        date(2026, 3, 10): {None: 2, "bot": 1, "repeat": 1},
        date(2026, 3, 11): {None: 1, "repeat": 1},
    }


def test_only_counted_events_move_the_counters_and_every_event_is_stored(backend):
    a, b = add_ads(backend, 2)
    with backend.uow() as uow:
        stored = uow.ads.record_all(
            {
                "impressions": [
                    event(a.id),
                    filtered(a.id, "bot"),
                    filtered(b.id, "repeat"),
                    event(b.id, ip="10.0.0.2"),
                ],
                "clicks": [filtered(a.id, "no_token"), event(a.id), event(999)],
            }
        )
        uow.commit()
    assert stored == 6  # the event of a missing ad is dropped
    with backend.uow() as uow:
        assert (uow.ads.get(a.id).impressions, uow.ads.get(a.id).clicks) == (1, 1)
        assert (uow.ads.get(b.id).impressions, uow.ads.get(b.id).clicks) == (1, 0)
        rows = uow.impressions.find({"ad_id": a.id}, order_by=["id"]).items
        assert [(e.counted, e.filter_reason) for e in rows] == [(True, None), (False, "bot")]
        assert uow.clicks.count({"counted": False}) == 1
        assert uow.impressions.count() + uow.clicks.count() == 6
    with backend.uow() as uow:  # one event alone takes the short statement
        assert uow.ads.record_all({"clicks": [filtered(b.id, "bot")]}) == 1
        assert uow.ads.record_all({"clicks": [event(b.id)], "impressions": []}) == 1
        assert uow.ads.record_all({"clicks": [filtered(999, "bot")]}) == 0
        uow.commit()
    with backend.uow() as uow:
        assert uow.ads.get(b.id).clicks == 1 and uow.clicks.count({"ad_id": b.id}) == 2


def test_the_repeat_lookup_finds_counted_events_of_the_same_visit_within_the_window(backend):
    a, b = add_ads(backend, 2)
    since = NOW - timedelta(minutes=30)
    with backend.uow() as uow:
        uow.ads.record_all(
            {
                "impressions": [
                    event(a.id, since),  # at the window's start
                    event(a.id, since, placement="sidebar", ip="10.0.0.9"),
                    event(b.id, since - timedelta(microseconds=1)),  # just before it
                    filtered(b.id, "bot", NOW, ip="10.0.0.7"),  # not counted
                ],
                "clicks": [event(b.id, NOW, ip="10.0.0.7")],
            }
        )
        uow.commit()
    keys = [
        (a.id, "home_top", "127.0.0.1", "UA"),
        (a.id, "home_top", "127.0.0.1", "UA2"),
        (a.id, "sidebar", "10.0.0.9", "UA"),
        (a.id, "sidebar", "127.0.0.1", "UA"),
        (b.id, "home_top", "127.0.0.1", "UA"),
        (b.id, "home_top", "10.0.0.7", "UA"),
    ]
    with backend.uow() as uow:
        assert uow.impressions.counted_since(keys, since) == {keys[0], keys[2]}
        assert uow.clicks.counted_since(keys, since) == {keys[5]}
        assert uow.impressions.counted_since(keys, since + timedelta(microseconds=1)) == set()
        assert uow.impressions.counted_since([], since) == set()


def test_the_top_ads_by_ctr_leave_out_those_with_too_few_impressions(backend):
    with backend.uow() as uow:
        for name, shown, clicked in [
            ("few", 99, 90),
            ("a", 100, 5),
            ("b", 200, 40),
            ("c", 0, 3),
            ("d", 150, 0),
            ("tie", 200, 40),
        ]:
            uow.ads.add(
                Ad(
                    id=None,
                    name=name,
                    title="t",
                    link="https://example.com/",
                    impressions=shown,
                    clicks=clicked,
                    created_at=NOW,
                )
            )
        uow.commit()
    with backend.uow() as uow:
        assert [ad.name for ad in uow.ads.top_by_ctr(10, 100)] == ["tie", "b", "a", "d"]
        assert [ad.name for ad in uow.ads.top_by_ctr(2, 100)] == ["tie", "b"]
        assert [ad.name for ad in uow.ads.top_by_ctr(10)] == ["few", "tie", "b", "a", "d"]


def test_retention_clears_the_ip_and_user_agent_of_old_events_in_batches(backend):
    [ad] = add_ads(backend, 1)
    before = NOW - timedelta(days=180)
    with backend.uow() as uow:
        uow.ads.record_all(
            {
                "impressions": [
                    event(ad.id, before - timedelta(days=1)),
                    filtered(ad.id, "repeat", before - timedelta(seconds=1)),
                    event(ad.id, before - timedelta(days=2), ip=None),
                    event(ad.id, before),
                ],
                "clicks": [event(ad.id, before - timedelta(days=3))],
            }
        )
        uow.commit()
    with backend.uow() as uow:
        assert uow.impressions.forget_visitors(before, 2) == 2
        assert uow.impressions.forget_visitors(before, 2) == 1
        assert uow.impressions.forget_visitors(before, 2) == 0
        uow.commit()
    with backend.uow() as uow:
        rows = uow.impressions.find({"ad_id": ad.id}, order_by=["created_at"]).items
        assert [(e.ip, e.user_agent) for e in rows] == [(None, None)] * 3 + [("127.0.0.1", "UA")]
        assert [e.counted for e in rows] == [True, True, False, True]
        assert uow.clicks.first({"ad_id": ad.id}).ip == "127.0.0.1"  # its own table
        assert uow.ads.get(ad.id).impressions == 3

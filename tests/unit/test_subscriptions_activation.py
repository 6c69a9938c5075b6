"""Activation and extension dates: a grant starts now, or where the access already paid
for ends; ending one grant early moves the later ones up, each keeping its length."""

from __future__ import annotations

from datetime import datetime, timedelta

import attrs
from hypothesis import given
from hypothesis import strategies as st

from domain.payments import subscriptions as subs
from domain.payments.subscriptions import Subscription

NOW = datetime(2026, 1, 1, 12)
durations = st.integers(min_value=1, max_value=400)
offsets = st.integers(min_value=-400 * 24, max_value=400 * 24)  # hours around now


@st.composite
def existing_grants(draw):
    grants = []
    for i in range(draw(st.integers(0, 6))):
        start = NOW + timedelta(hours=draw(offsets))
        end = start + timedelta(hours=draw(st.integers(1, 400 * 24)))
        grants.append(
            Subscription(
                id=i + 1,
                user_id=1,
                start_date=start,
                end_date=end,
                status=draw(st.sampled_from(subs.STATUSES)),
            )
        )
    return grants


def new_grant() -> Subscription:
    return Subscription(id=None, user_id=1, external_id="tx")


@given(existing_grants(), durations)
def test_a_grant_starts_where_the_paid_access_ends_and_lasts_the_plan(grants, days):
    granted = subs.activate(new_grant(), grants, days, NOW)
    running_ends = [g.end_date for g in grants if g.status == subs.ACTIVE and g.end_date > NOW]
    assert granted.status == subs.ACTIVE
    assert granted.start_date == max(running_ends, default=NOW)
    assert granted.end_date - granted.start_date == timedelta(days=days)
    assert granted.start_date >= NOW


def _with_id(sub: Subscription, sub_id: int) -> Subscription:
    return attrs.evolve(sub, id=sub_id)


def _buy(days_list: list[int]) -> list[Subscription]:
    owned: list[Subscription] = []
    for i, days in enumerate(days_list):
        owned.append(_with_id(subs.activate(new_grant(), owned, days, NOW), i + 1))
    return owned


@given(st.lists(durations, min_size=1, max_size=8))
def test_successive_grants_chain_without_gap_or_overlap(days_list):
    owned = _buy(days_list)
    for before, after in zip(owned, owned[1:]):
        assert after.start_date == before.end_date
    assert owned[-1].end_date == NOW + timedelta(days=sum(days_list))
    assert subs.subscription_status(owned, NOW) == 1


def _time_left(grants: list[Subscription], at: datetime) -> timedelta:
    return sum(
        (
            g.end_date - max(g.start_date, at)
            for g in grants
            if g.status == subs.ACTIVE and g.end_date > at
        ),
        timedelta(),
    )


@given(st.lists(durations, min_size=1, max_size=8), st.data(), st.integers(0, 24 * 30))
def test_ending_a_grant_moves_the_later_ones_up_keeping_their_length(days_list, data, hours):
    owned = _buy(days_list)
    later = NOW + timedelta(hours=hours)  # the refund comes some time after the purchases
    victim = data.draw(st.sampled_from(owned))
    ended = subs.end_now(victim, later)
    assert ended.status == subs.CANCELED and ended.end_date <= later
    owned = [ended if s.id == victim.id else s for s in owned]
    left = _time_left(owned, later)
    moved = {s.id: s for s in subs.rechain(owned, later)}
    after = [moved.get(s.id, s) for s in owned]
    for before, grant in zip(owned, after):
        assert grant.end_date - grant.start_date == before.end_date - before.start_date
    running = sorted(
        (s for s in after if s.status == subs.ACTIVE and s.end_date > later),
        key=lambda s: s.start_date,
    )
    for first, second in zip(running, running[1:]):
        assert second.start_date == first.end_date
    if running:
        assert running[0].start_date <= later  # no gap before the remaining access
        assert running[-1].end_date == later + left  # and none of it lost
    assert subs.subscription_status(after, later) == int(bool(running))


def test_a_refund_of_the_running_grant_brings_the_next_one_forward():
    first = _with_id(subs.activate(new_grant(), [], 30, NOW), 1)
    second = _with_id(subs.activate(new_grant(), [first], 30, NOW), 2)
    later = NOW + timedelta(days=10)
    owned = [subs.end_now(first, later), second]
    [moved] = subs.rechain(owned, later)
    assert (moved.start_date, moved.end_date) == (later, later + timedelta(days=30))
    assert subs.subscription_status([owned[0], moved], later) == 1


@given(st.sampled_from(subs.STATUSES), offsets)
def test_only_active_or_pending_grants_can_be_ended(status, hours):
    sub = Subscription(
        id=1, user_id=1, status=status, start_date=NOW, end_date=NOW + timedelta(days=30)
    )
    ended = subs.end_now(sub, NOW + timedelta(hours=hours))
    assert (ended is not None) == (status in (subs.ACTIVE, subs.PENDING))


@given(offsets, st.integers(1, 400 * 24))
def test_past_its_end_a_subscription_is_never_active(start_hours, length_hours):
    start = NOW + timedelta(hours=start_hours)
    sub = Subscription(
        id=1,
        user_id=1,
        status=subs.ACTIVE,
        start_date=start,
        end_date=start + timedelta(hours=length_hours),
    )
    assert sub.is_active_at(NOW) == (sub.start_date <= NOW < sub.end_date)
    assert (subs.expire(sub, NOW) is not None) == (sub.end_date <= NOW)
    assert subs.subscription_status([sub], NOW) == int(sub.is_active_at(NOW))

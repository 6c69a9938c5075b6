"""The pure rules of automatic renewal (domain.payments.renewals), with hypothesis:
renewal dates over month ends and leap years, the state machine active -> past_due ->
active | ended, the retry schedule, and later grants moved out of a renewed period."""

from __future__ import annotations

from datetime import datetime, timedelta

from hypothesis import given
from hypothesis import strategies as st

from domain.payments import renewals
from domain.payments import subscriptions as subs
from domain.payments.renewals import Renewal, Schedule
from domain.payments.subscriptions import Subscription

# Month ends and leap days are where calendar arithmetic usually breaks.
EDGES = st.sampled_from(
    [
        datetime(2024, 2, 28, 23, 30),
        datetime(2024, 2, 29, 12),
        datetime(2025, 2, 28, 0, 0),
        datetime(2026, 1, 31, 23, 59, 59),
        datetime(2027, 12, 31, 23, 0),
        datetime(2028, 2, 29, 0, 0),
    ]
)
MOMENTS = st.one_of(
    EDGES, st.datetimes(min_value=datetime(2024, 1, 1), max_value=datetime(2030, 12, 31))
)
DURATIONS = st.sampled_from([1, 7, 28, 29, 30, 31, 90, 365, 366])
SCHEDULES = st.builds(
    Schedule,
    charge_ahead=st.integers(0, 72).map(lambda h: timedelta(hours=h)),
    grace=st.integers(0, 10).map(lambda d: timedelta(days=d)),
    retries=st.lists(st.integers(1, 400), max_size=5, unique=True).map(
        lambda hours: tuple(timedelta(hours=h) for h in sorted(hours))
    ),
)


def renewing(end: datetime) -> Subscription:
    return Subscription(
        id=1,
        user_id=1,
        plan_id=1,
        external_id="tx",
        status=subs.ACTIVE,
        start_date=end - timedelta(days=30),
        end_date=end,
        auto_renew=True,
        renewal_state=renewals.RENEWING,
        card_ref="card_1",
    )


def renewal_of(sub: Subscription, days: int, now: datetime) -> Renewal:
    start, end = renewals.next_period(sub, days)
    return Renewal(
        id=1,
        subscription_id=1,
        period_start=start,
        period_end=end,
        plan_id=1,
        amount=2990,
        reference="rn_1",
        gateway="junglepay",
        attempts=1,
        created_at=now,
    )


@given(MOMENTS, DURATIONS, st.integers(1, 40))
def test_each_period_starts_at_the_previous_end_whatever_the_calendar(end, days, periods):
    sub = renewing(end)
    for _ in range(periods):
        renewal = renewal_of(sub, days, sub.end_date)
        assert renewal.period_start == sub.end_date
        sub = renewals.paid(sub, renewal)
        assert sub.end_date - renewal.period_start == timedelta(days=days)
    # No drift over month ends and leap years: exactly `periods` x `days` later.
    assert sub.end_date == end + timedelta(days=days * periods)
    assert sub.end_date.time() == end.time()


@given(MOMENTS, SCHEDULES)
def test_due_exactly_within_the_charge_ahead_window(end, schedule):
    sub = renewing(end)
    assert renewals.is_due(sub, end - schedule.charge_ahead, schedule)
    assert not renewals.is_due(sub, end - schedule.charge_ahead - timedelta(seconds=1), schedule)
    for off in (
        {"auto_renew": False},
        {"card_ref": None},
        {"renewal_state": renewals.PAST_DUE},
        {"status": subs.EXPIRED},
    ):
        import attrs

        assert not renewals.is_due(attrs.evolve(sub, **off), end, schedule)


@given(
    MOMENTS,
    DURATIONS,
    SCHEDULES,
    st.lists(st.sampled_from(["paid", "refused", "final"]), min_size=1, max_size=12),
)
def test_the_state_machine_moves_only_forward(end, days, schedule, outcomes):
    """active -> past_due -> active | ended; nothing after ended; a period is tried at
    most 1 + len(retries) times, each retry on its schedule."""
    sub = renewing(end)
    renewal = renewal_of(sub, days, end - schedule.charge_ahead)
    for outcome in outcomes:
        if renewal.status in (renewals.FAILED,) or sub.renewal_state == renewals.ENDED:
            break
        before = sub.renewal_state
        now = renewal.next_attempt_at or renewal.created_at
        if outcome == "paid":
            sub = renewals.paid(sub, renewal)
            assert sub.renewal_state == renewals.RENEWING and sub.status == subs.ACTIVE
            assert sub.end_date == renewal.period_start + timedelta(days=days)
            renewal = renewal_of(sub, days, sub.end_date - schedule.charge_ahead)
        else:
            sub, renewal = renewals.refused(sub, renewal, now, schedule, final=outcome == "final")
            assert sub.end_date >= renewal.period_start + schedule.grace  # grace
            if renewal.status == renewals.REFUSED:
                assert sub.renewal_state == renewals.PAST_DUE
                assert (
                    renewal.next_attempt_at
                    == renewal.created_at + schedule.retries[renewal.attempts - 1]
                )
                renewal = Renewal(**{**_fields(renewal), "attempts": renewal.attempts + 1})
            else:
                assert renewal.status == renewals.FAILED
                assert (sub.renewal_state, sub.auto_renew) == (renewals.ENDED, False)
                assert outcome == "final" or renewal.attempts == len(schedule.retries) + 1
        assert sub.renewal_state == before or renewals.can_move(before, sub.renewal_state)
        assert renewal.attempts <= len(schedule.retries) + 2


def _fields(renewal: Renewal) -> dict:
    import attrs

    return attrs.asdict(renewal, recurse=False)


@given(MOMENTS, DURATIONS, st.lists(st.integers(1, 60), max_size=4))
def test_grants_bought_during_a_period_move_after_its_renewal(end, days, lengths):
    sub = renewing(end)
    later, cursor = [], end
    for n, length in enumerate(lengths, start=2):
        later.append(
            Subscription(
                id=n,
                user_id=1,
                status=subs.ACTIVE,
                start_date=cursor,
                end_date=cursor + timedelta(days=length),
            )
        )
        cursor += timedelta(days=length)
    renewed = renewals.paid(sub, renewal_of(sub, days, end))
    moved = renewals.push_later_grants([sub, *later], renewed, end)
    assert len(moved) == len(later)
    cursor = renewed.end_date
    for grant, original in zip(moved, later):
        assert grant.start_date == cursor  # no overlap, no gap
        assert grant.end_date - grant.start_date == original.end_date - original.start_date
        cursor = grant.end_date

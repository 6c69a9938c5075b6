"""The dashboard's pure rules: the daily series and the conversion."""

from __future__ import annotations

from datetime import date, timedelta

from hypothesis import given
from hypothesis import strategies as st

from domain.ads.admin import window
from domain.payments.checkout import STATUSES
from domain.reporting.dashboard import conversion_of, revenue_series

TODAY = date(2026, 3, 1)
DAYS = st.dates(min_value=TODAY - timedelta(days=60), max_value=TODAY + timedelta(days=5))
PAID = st.dictionaries(DAYS, st.tuples(st.integers(1, 50), st.integers(1, 10**7)))


@given(PAID, st.integers(1, 40))
def test_the_series_has_every_day_of_the_window_and_only_its_payments(paid, days):
    span = window(TODAY, days)
    series = revenue_series(span, paid)
    assert [d.day for d in series] == span
    inside = {day: v for day, v in paid.items() if day in span}
    assert sum(d.revenue for d in series) == sum(cents for _, cents in inside.values())
    assert sum(d.paid_checkouts for d in series) == sum(n for n, _ in inside.values())
    assert all(d.revenue == d.paid_checkouts == 0 for d in series if d.day not in paid)


@given(st.dictionaries(st.sampled_from(STATUSES), st.integers(0, 10**6)))
def test_conversion_counts_paid_and_refunded_among_all_started(statuses):
    conversion = conversion_of(statuses)
    assert conversion.started == sum(statuses.values())
    assert conversion.paid == statuses.get("paid", 0) + statuses.get("refunded", 0)
    assert 0 <= conversion.rate <= 1
    if not conversion.started:
        assert conversion.rate == 0


def test_a_rate_is_rounded_for_display():
    assert conversion_of({"paid": 1, "pending": 2}).rate == 0.3333

"""The pure rules of Pix Automático (domain.payments.pix_automatico), with hypothesis:
cycles over month ends and leap years, the next due date, the sending window, the
retries (retentativas) within 7 days, our cobr txids, local dates in
America/Sao_Paulo, and what a cobr read back means for its renewal."""

from __future__ import annotations

import calendar
import re
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from domain.payments import pix_automatico as pa
from domain.payments.pix_automatico import RecurringChargeState

SAO_PAULO = ZoneInfo("America/Sao_Paulo")
# Month ends and leap days are where calendar arithmetic usually breaks.
EDGES = st.sampled_from(
    [date(2028, 1, 31), date(2028, 2, 29), date(2027, 8, 31), date(2026, 3, 30), date(2027, 12, 31)]
)
DATES = st.one_of(EDGES, st.dates(min_value=date(2024, 1, 1), max_value=date(2060, 12, 31)))
MONTHLY = st.sampled_from(sorted(pa.MONTHS))
PERIODS = st.sampled_from(sorted(pa.PERIODICITY.values()))
# bacen/pix-api: the txid of a cobr (PUT /cobr/{txid}).
COBR_TXID = re.compile(r"[a-zA-Z0-9]{26,35}")
SUBSCRIPTION_IDS = st.integers(1, 2**31 - 1)  # subscriptions.id


def cycle_dates(anchor: date, period: str, through: date) -> list[date]:
    """Every due date of the recurrence up to the first one after `through`."""
    found = [pa.add_cycles(anchor, period, 0)]
    while found[-1] <= through:
        found.append(pa.add_cycles(anchor, period, len(found)))
    return found


# -- cycles ---------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("days", "period"),
    [(7, "SEMANAL"), (30, "MENSAL"), (90, "TRIMESTRAL"), (180, "SEMESTRAL"), (365, "ANUAL")],
)
def test_each_renewable_duration_has_its_cycle(days, period):
    assert pa.periodicity(days) == period


@given(st.integers(-1000, 1000).filter(lambda d: d not in pa.PERIODICITY))
def test_no_other_duration_renews_by_pix_automatico(days):
    assert pa.periodicity(days) is None


@given(DATES, PERIODS)
def test_the_0th_cycle_is_the_anchor(anchor, period):
    assert pa.add_cycles(anchor, period, 0) == anchor


@given(DATES, st.integers(0, 600))
def test_weekly_cycles_are_7_days_apart(anchor, n):
    assert pa.add_cycles(anchor, "SEMANAL", n) == anchor + timedelta(days=7 * n)


@given(DATES, MONTHLY, st.integers(0, 120))
def test_monthly_cycles_keep_the_anchors_day_or_the_months_last(anchor, period, n):
    due = pa.add_cycles(anchor, period, n)
    months = (due.year - anchor.year) * 12 + due.month - anchor.month
    assert months == pa.MONTHS[period] * n
    assert due.day == min(anchor.day, calendar.monthrange(due.year, due.month)[1])


def test_the_31st_falls_back_to_the_months_end_and_comes_back():
    dues = [pa.add_cycles(date(2028, 1, 31), "MENSAL", n) for n in range(6)]
    assert dues == [
        date(2028, 1, 31),
        date(2028, 2, 29),  # leap year
        date(2028, 3, 31),  # not the 29th: never drifts
        date(2028, 4, 30),
        date(2028, 5, 31),
        date(2028, 6, 30),
    ]
    assert pa.add_cycles(date(2027, 1, 31), "MENSAL", 1) == date(2027, 2, 28)
    assert pa.add_cycles(date(2027, 11, 30), "TRIMESTRAL", 1) == date(2028, 2, 29)
    assert pa.add_cycles(date(2028, 2, 29), "ANUAL", 1) == date(2029, 2, 28)
    assert pa.add_cycles(date(2028, 2, 29), "ANUAL", 4) == date(2032, 2, 29)


@given(DATES, PERIODS, st.integers(0, 100))
def test_cycles_move_forward(anchor, period, n):
    assert pa.add_cycles(anchor, period, n) < pa.add_cycles(anchor, period, n + 1)


# -- the next due date ----------------------------------------------------------------
@given(DATES, PERIODS, st.integers(-400, 3000))
def test_the_next_due_date_is_the_first_cycle_after(anchor, period, offset):
    after = anchor + timedelta(days=offset)
    expected = min(d for d in cycle_dates(anchor, period, after) if d > after)
    assert pa.next_due(anchor, period, after) == expected


@given(DATES, PERIODS, st.integers(0, 100))
def test_after_a_due_date_comes_the_next_cycle(anchor, period, n):
    """How the engine finds the period a cobr pays: from its due date to the next."""
    due = pa.add_cycles(anchor, period, n)
    assert pa.next_due(anchor, period, due) == pa.add_cycles(anchor, period, n + 1)


def test_the_next_due_date_before_the_anchor_is_the_anchor():
    assert pa.next_due(date(2028, 1, 31), "MENSAL", date(2027, 6, 1)) == date(2028, 1, 31)
    assert pa.next_due(date(2028, 1, 31), "MENSAL", date(2028, 1, 31)) == date(2028, 2, 29)
    assert pa.next_due(date(2028, 1, 31), "MENSAL", date(2028, 3, 30)) == date(2028, 3, 31)


# -- local dates ----------------------------------------------------------------------
@given(st.dates(min_value=date(1970, 1, 1), max_value=date(2100, 12, 31)))
def test_a_period_ends_at_the_local_midnight_after_its_due_date(due):
    end = pa.period_end(due, SAO_PAULO)
    assert end.tzinfo is None  # naive UTC, as stored
    assert pa.local_date(end, SAO_PAULO) == due + timedelta(days=1)
    assert pa.local_date(end - timedelta(microseconds=1), SAO_PAULO) == due
    assert pa.due_of(end, SAO_PAULO) == due


def test_local_dates_are_sao_paulos():
    # 02:59 UTC is still the day before in Brasília (UTC-3 since 2019).
    assert pa.local_date(datetime(2028, 2, 1, 2, 59), SAO_PAULO) == date(2028, 1, 31)
    assert pa.local_date(datetime(2028, 2, 1, 3, 0), SAO_PAULO) == date(2028, 2, 1)
    aware = datetime(2028, 2, 1, 2, 59, tzinfo=UTC)
    assert pa.local_date(aware, SAO_PAULO) == date(2028, 1, 31)
    assert pa.period_end(date(2028, 1, 31), SAO_PAULO) == datetime(2028, 2, 1, 3, 0)


# -- when to send, when to retry ------------------------------------------------------
@given(DATES)
def test_a_cobr_is_sent_10_to_2_days_before_its_due_date(due):
    assert pa.send_window(due) == (due - timedelta(days=10), due - timedelta(days=2))


@given(DATES, st.integers(-30, 30))
def test_the_window_is_open_or_missed_as_it_says(due, offset):
    today = due + timedelta(days=offset)
    first, last = pa.send_window(due)
    assert pa.in_window(today, due) == (first <= today <= last)
    assert pa.missed(today, due) == (today > last)
    assert not (pa.in_window(today, due) and pa.missed(today, due))


@given(DATES, st.integers(-12, 12), st.integers(0, 5))
def test_a_retry_settles_after_today_within_7_days_of_the_due_date(due, offset, made):
    today = due + timedelta(days=offset)
    on = pa.retry_date(due, today, made)
    if made >= 3 or today >= due + timedelta(days=7):
        assert on is None
    else:
        assert on == max(today, due) + timedelta(days=1)
        assert today < on and due < on <= due + timedelta(days=7)


def test_the_last_retry_may_settle_7_days_after_the_due_date():
    due = date(2028, 1, 31)
    assert pa.retry_date(due, date(2028, 2, 6), 2) == date(2028, 2, 7)
    assert pa.retry_date(due, date(2028, 2, 7), 2) is None
    assert pa.retry_date(due, date(2028, 2, 1), 3) is None
    assert pa.retry_date(due, date(2028, 1, 30), 0) == date(2028, 2, 1)  # never on the due date


# -- our txids ------------------------------------------------------------------------
@given(SUBSCRIPTION_IDS, DATES)
def test_a_cobr_txid_is_what_the_spec_allows_and_the_same_every_time(sub_id, due):
    txid = pa.cobr_txid(sub_id, due, "secret")
    assert COBR_TXID.fullmatch(txid)
    assert len(txid) == 32
    assert txid == pa.cobr_txid(sub_id, due, "secret")


@given(SUBSCRIPTION_IDS, SUBSCRIPTION_IDS, DATES, DATES)
def test_each_cycle_of_each_subscription_has_its_own_txid(one, other, due, other_due):
    assume((one, due) != (other, other_due))
    assert pa.cobr_txid(one, due) != pa.cobr_txid(other, other_due)


@given(SUBSCRIPTION_IDS, DATES)
def test_the_secret_changes_the_txid(sub_id, due):
    assert pa.cobr_txid(sub_id, due, "one") != pa.cobr_txid(sub_id, due, "two")


# -- what a cobr read back means ------------------------------------------------------
DUE = date(2028, 1, 31)
AMOUNTS = st.integers(1, 10**7)


def cobr(status: str, *attempts: str, paid: int | None = None) -> RecurringChargeState:
    days = [DUE + timedelta(days=i) for i in range(len(attempts))]
    return RecurringChargeState(
        txid="cr0000000001" + "a" * 20,
        status=status,
        due=DUE,
        amount=2990,
        paid=paid,
        attempts=tuple(zip(days, attempts, strict=True)),
    )


@given(AMOUNTS)
def test_a_concluded_cobr_of_its_amount_is_paid(amount):
    assert pa.outcome(cobr(pa.COBR_PAID, "PAGA", paid=amount), amount) == pa.PAID


@given(AMOUNTS, AMOUNTS)
def test_a_concluded_cobr_of_another_amount_is_never_taken_as_paid(amount, paid):
    assume(paid != amount)
    assert pa.outcome(cobr(pa.COBR_PAID, "PAGA", paid=paid), amount) == pa.FINAL
    assert pa.outcome(cobr(pa.COBR_PAID, "PAGA"), amount) == pa.FINAL  # no pix at all


@given(
    st.sampled_from(pa.COBR_FINAL),
    st.lists(st.sampled_from(["AGENDADA", "REJEITADA", "CANCELADA", "EXPIRADA"]), max_size=4),
)
def test_a_cobr_closed_unpaid_is_final(status, attempts):
    assert pa.outcome(cobr(status, *attempts), 2990) == pa.FINAL


@given(st.sampled_from(pa.ATTEMPT_FAILED), st.integers(0, 3))
def test_a_failed_latest_attempt_is_refused(failed, earlier):
    attempts = [*["REJEITADA"] * earlier, failed]
    assert pa.outcome(cobr(pa.COBR_ACTIVE, *attempts), 2990) == pa.REFUSED


@pytest.mark.parametrize(
    "attempts", [(), ("AGENDADA",), ("REJEITADA", "AGENDADA"), ("REJEITADA", "SOLICITADA")]
)
def test_an_active_cobr_whose_latest_attempt_is_pending_waits(attempts):
    assert pa.outcome(cobr(pa.COBR_ACTIVE, *attempts), 2990) == pa.WAITING
    assert pa.outcome(cobr(pa.COBR_CREATED, *attempts), 2990) == pa.WAITING

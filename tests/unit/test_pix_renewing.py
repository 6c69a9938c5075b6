"""The Pix Automático engine (domain.payments.pix_renewing, and the end of a recurrence
in domain.payments.pix_recurrences) on the memory unit of work, with the PSP in memory
(tests.support.fake_pix_recurring) and a fake clock, in São Paulo: each cycle's cobr is
sent once in its window, a settled one extends the period once, a refused one is tried
again the next day at most 3 times within 7 days of its due date, an unreachable PSP is
tried again later with nothing half-written, and a recurrence the payer cancels in their
bank ends the renewal."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import attrs
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from adapters.clock import FakeClock
from adapters.memory.unit_of_work import MemoryStore
from domain.accounts.users import User
from domain.catalog.entities import AUTOMATIC, Plan
from domain.common.errors import GatewayRejected, GatewayTimeout, ServiceUnavailable
from domain.mail import messages
from domain.payments import pix_automatico as pa
from domain.payments import pix_recurrences, pix_renewing, renewals
from domain.payments.checkout import PAID, PIX, Checkout
from domain.payments.renewals import Renewal
from domain.payments.settlement import DUPLICATE, PROCESSED
from domain.payments.subscriptions import Subscription
from entrypoints.bootstrap import Deps, build_memory_deps
from entrypoints.config import Config
from tests.support.fake_pix_recurring import FakeRecurringPix, PixGateways

ZONE = ZoneInfo("America/Sao_Paulo")  # the configuration's default
START = datetime(2028, 1, 1, 15, 0)  # UTC: a 30-day plan bought at noon in São Paulo...
ANCHOR = date(2028, 1, 31)  # ...whose first period ends on the 31st (a leap year follows)
PRICE = 2990
EMAIL = "ana@example.com"
ID_REC = "RR1234567820280101abcdefghijk"
COB = "cob" + "0" * 29  # the checkout's first payment: the rec's activation (journey 3)


@attrs.frozen
class Shop:
    """The app's dependencies, its clock and the PSP it calls."""

    deps: Deps
    clock: FakeClock
    psp: FakeRecurringPix


def shop() -> Shop:
    """A member who bought the 30-day plan with PIX Automático: the first payment paid,
    the recurrence awaiting approval in their bank (as keep_pix_recurrence leaves it)."""
    clock = FakeClock(START)
    deps = build_memory_deps(
        Config(secret_key="k" * 40, gateway="pix"), clock=clock, store=MemoryStore()
    )
    psp = FakeRecurringPix(lambda: pa.local_date(clock.now(), ZONE))
    deps = attrs.evolve(deps, payments=PixGateways(psp))
    with deps.uow() as uow:
        plan = uow.plans.add(
            Plan(id=None, name="Mensal", price=PRICE, duration=30, renewal=AUTOMATIC)
        )
        user = uow.users.add(User(id=None, email=EMAIL, name="Ana", password="x", created_at=START))
        uow.checkouts.add(
            Checkout(
                id=None,
                plan_id=plan.id,
                total_amount=PRICE,
                user_id=user.id,
                external_id=COB,
                payment_method=PIX,
                status=PAID,
                customer_email=EMAIL,
                payment_data={
                    "provider": "pix",
                    "method": "pix_automatico",
                    "recurrence_id": ID_REC,
                    "recurrence_status": pa.REC_CREATED,
                    "recurrence_first_due": ANCHOR.isoformat(),
                },
                created_at=START,
                updated_at=START,
            )
        )
        uow.subscriptions.add(
            Subscription(
                id=None,
                user_id=user.id,
                plan_id=plan.id,
                external_id=COB,
                status="active",
                start_date=START,
                end_date=START + timedelta(days=30),
                pix_rec_id=ID_REC,
            )
        )
        uow.commit()
    psp.add_rec(ID_REC, PRICE, activation_txid=COB)
    return Shop(deps, clock, psp)


def renewing() -> Shop:
    """The shop once the payer approved the recurrence and its notice was worked:
    the subscription renews by Pix Automático (pix_recurrences.renew_by_pix)."""
    s = shop()
    s.psp.approve(ID_REC)
    assert pix_recurrences.settle_rec(s.deps.payments_service, ID_REC).status == PROCESSED
    return s


def at(s: Shop, day: date, hour: int = 12) -> None:
    """The clock at `hour` o'clock of `day` in São Paulo."""
    local = datetime.combine(day, time(hour), tzinfo=ZONE)
    s.clock.current = local.astimezone(UTC).replace(tzinfo=None)


def run(s: Shop) -> None:
    pix_renewing.run_due(s.deps.renewals)


def notice(s: Shop, txid: str) -> str:
    """The PSP's notice about cobr `txid`, worked by the background worker."""
    return pix_renewing.settle_cobr(s.deps.renewals, txid).status


def subscription(s: Shop) -> Subscription:
    with s.deps.uow() as uow:
        [sub] = uow.subscriptions.find().items
    return sub


def rows(s: Shop) -> list[Renewal]:
    with s.deps.uow() as uow:
        return list(uow.renewals.find(order_by=["id"]).items)


def mails(s: Shop, kind: str) -> list[messages.OutboxMessage]:
    with s.deps.uow() as uow:
        return [m for m in uow.outbox.find({"kind": kind}).items if m.recipient == EMAIL]


def sent(s: Shop) -> pa.RecurringChargeState:
    """The only cobr at the PSP."""
    [cobr] = s.psp.cobrs.values()
    return cobr


def in_window(s: Shop, due: date = ANCHOR) -> pa.RecurringChargeState:
    """The job run on the first day of the window of the cobr of `due`: that cobr."""
    at(s, pa.send_window(due)[0], 9)
    run(s)
    return s.psp.cobrs[pa.cobr_txid(subscription(s).id, due)]


def end_of(due: date) -> datetime:
    return pa.period_end(due, ZONE)


# -- the recurrence approved ----------------------------------------------------------
def test_an_approved_recurrence_renews_the_subscription_until_the_first_due_date():
    sub = subscription(renewing())
    assert sub.auto_renew and sub.renewal_state == renewals.RENEWING
    assert (sub.pix_rec_id, sub.renewal_anchor) == (ID_REC, ANCHOR)
    assert sub.end_date == datetime(2028, 2, 1, 3, 0)  # the midnight after the 31st, local


def test_an_approval_whose_notice_never_came_is_read_back_by_the_job():
    s = shop()
    s.psp.approve(ID_REC)
    at(s, date(2028, 1, 5))
    run(s)
    sub = subscription(s)
    assert sub.renewal_state == renewals.RENEWING and sub.end_date == end_of(ANCHOR)
    assert s.psp.cobrs == {}  # its window is not open yet


# -- sending each cycle's cobr --------------------------------------------------------
# From the purchase to the end of the first period, in minutes.
MOMENTS = st.integers(0, int((end_of(ANCHOR) - START).total_seconds()) // 60 - 1)


@settings(max_examples=30, deadline=None)
@given(minutes=MOMENTS)
def test_the_cobr_goes_in_its_window_and_never_late(minutes):
    s = renewing()
    s.clock.advance(minutes=minutes)
    today = pa.local_date(s.clock.now(), ZONE)  # São Paulo's day, not UTC's
    run(s)
    if today < date(2028, 1, 21):
        assert (rows(s), s.psp.cobrs) == ([], {})
    elif today <= date(2028, 1, 29):
        assert (sent(s).due, sent(s).amount, sent(s).id_rec) == (ANCHOR, PRICE, ID_REC)
        [row] = rows(s)
        assert row.status == renewals.SCHEDULED and row.transaction_id == sent(s).txid
    else:  # too late to send it 2 days ahead: refused for good, never sent
        assert s.psp.cobrs == {}
        assert [r.status for r in rows(s)] == [renewals.FAILED]
        assert not subscription(s).auto_renew
    assert s.psp.rejected == []


def test_the_window_opens_at_midnight_in_sao_paulo():
    s = renewing()
    at(s, date(2028, 1, 20), 23)  # 02:00 UTC on the 21st
    run(s)
    assert s.psp.cobrs == {}
    s.clock.advance(hours=1)
    run(s)
    assert sent(s).due == ANCHOR


def test_one_cobr_per_cycle_however_often_the_job_runs():
    s = renewing()
    cobr = in_window(s)
    for _ in range(3):
        run(s)
    s.clock.advance(days=1)
    run(s)
    assert s.psp.cobrs == {cobr.txid: cobr}
    assert cobr.attempts == ((ANCHOR, "AGENDADA"),)  # settled by the bank on its due date
    [row] = rows(s)
    assert (row.status, row.attempts, row.amount) == (renewals.SCHEDULED, 1, PRICE)
    assert (row.period_start, row.period_end) == (end_of(ANCHOR), end_of(date(2028, 2, 29)))
    sub = subscription(s)
    assert (sub.end_date, sub.renewal_state) == (end_of(ANCHOR), renewals.RENEWING)
    assert mails(s, messages.RENEWAL_PAID) == mails(s, messages.RENEWAL_PAST_DUE) == []


def test_a_cobr_the_job_missed_sending_is_refused_for_good():
    s = renewing()
    at(s, date(2028, 1, 30))  # the job did not run from the 21st to the 29th
    run(s)
    assert s.psp.cobrs == {}
    [row] = rows(s)
    assert row.status == renewals.FAILED and "2 days ahead" in (row.last_error or "")
    sub = subscription(s)
    assert not sub.auto_renew and sub.renewal_state == renewals.ENDED
    assert sub.end_date == end_of(ANCHOR) + timedelta(days=pa.RETRY_DAYS + 1)
    [mail] = mails(s, messages.RENEWAL_PAST_DUE)
    assert "pelo PIX Automático" in mail.text_body
    assert "Não vamos tentar cobrar de novo" in mail.text_body
    s.clock.advance(days=3)
    run(s)
    assert s.psp.cobrs == {} and len(rows(s)) == 1


# -- settled --------------------------------------------------------------------------
def test_a_settled_cobr_extends_the_period_once():
    s = renewing()
    cobr = in_window(s)
    at(s, ANCHOR, 8)
    s.psp.settle(cobr.txid)
    assert notice(s, cobr.txid) == PROCESSED
    notice(s, cobr.txid)  # the PSP posts again
    at(s, date(2028, 2, 1), 10)  # past the read-back time: nothing left to read
    run(s)
    sub = subscription(s)
    assert sub.end_date == end_of(date(2028, 2, 29))
    assert sub.renewal_state == renewals.RENEWING
    assert [r.status for r in rows(s)] == [renewals.PAID]
    [receipt] = mails(s, messages.RENEWAL_PAID)
    assert "pelo PIX Automático" in receipt.text_body


def test_a_cobr_settled_without_a_notice_is_read_back_the_next_morning():
    s = renewing()
    cobr = in_window(s)
    at(s, ANCHOR, 8)
    s.psp.settle(cobr.txid)
    at(s, ANCHOR, 23)
    run(s)
    assert [r.status for r in rows(s)] == [renewals.SCHEDULED]  # not read before its day ends
    at(s, date(2028, 2, 1), 7)
    run(s)
    assert [r.status for r in rows(s)] == [renewals.PAID]
    assert subscription(s).end_date == end_of(date(2028, 2, 29))
    assert len(mails(s, messages.RENEWAL_PAID)) == 1


def test_a_cobr_paid_with_another_amount_renews_nothing():
    s = renewing()
    cobr = in_window(s)
    at(s, ANCHOR, 8)
    s.psp.settle(cobr.txid, paid=PRICE - 1)
    notice(s, cobr.txid)
    assert [r.status for r in rows(s)] == [renewals.FAILED]
    assert subscription(s).renewal_state == renewals.ENDED
    assert mails(s, messages.RENEWAL_PAID) == []


def test_a_cobr_the_psp_closed_unpaid_ends_the_renewal():
    s = renewing()
    cobr = in_window(s)
    at(s, ANCHOR, 8)
    s.psp.close(cobr.txid, pa.COBR_REJECTED)
    notice(s, cobr.txid)
    assert [r.status for r in rows(s)] == [renewals.FAILED]
    assert not subscription(s).auto_renew
    at(s, ANCHOR, 12)
    run(s)
    assert sent(s).attempts == ((ANCHOR, pa.COBR_REJECTED),)  # no retentativa asked


def test_monthly_cycles_keep_the_day_of_the_first_due_date():
    s = renewing()
    dues = []
    for _ in range(5):
        due = pa.due_of(subscription(s).end_date, ZONE)
        cobr = in_window(s, due)
        at(s, due, 8)
        s.psp.settle(cobr.txid)
        notice(s, cobr.txid)
        dues.append(cobr.due)
    assert dues == [
        ANCHOR,
        date(2028, 2, 29),
        date(2028, 3, 31),
        date(2028, 4, 30),
        date(2028, 5, 31),
    ]
    assert subscription(s).end_date == end_of(date(2028, 6, 30))
    assert len(mails(s, messages.RENEWAL_PAID)) == 5
    assert s.psp.rejected == []


# -- refused --------------------------------------------------------------------------
def refused_on(s: Shop, txid: str, day: date) -> None:
    """The payer's bank refuses the attempt of `day`; its notice is worked."""
    at(s, day, 8)
    assert s.psp.cobrs[txid].attempts[-1] == (day, "AGENDADA")
    s.psp.refuse(txid)
    notice(s, txid)


def test_a_refused_cobr_is_retried_the_next_day_three_times_then_ends():
    s = renewing()
    cobr = in_window(s)
    refused_on(s, cobr.txid, ANCHOR)
    sub = subscription(s)
    assert sub.renewal_state == renewals.PAST_DUE and sub.auto_renew
    # access until the last retry could settle
    assert sub.end_date == end_of(ANCHOR + timedelta(days=pa.RETRY_DAYS + 1))
    [past_due] = mails(s, messages.RENEWAL_PAST_DUE)
    assert "Vamos tentar cobrar de novo" in past_due.text_body
    for day in (date(2028, 2, 1), date(2028, 2, 2), date(2028, 2, 3)):
        run(s)  # the same day as the refusal
        run(s)
        assert s.psp.cobrs[cobr.txid].attempts[-1] == (day, "AGENDADA")
        assert [r.status for r in rows(s)] == [renewals.SCHEDULED]
        refused_on(s, cobr.txid, day)
    run(s)
    assert len(s.psp.cobrs[cobr.txid].attempts) == 1 + pa.MAX_RETRIES
    [row] = rows(s)
    assert row.status == renewals.FAILED
    sub = subscription(s)
    assert not sub.auto_renew and sub.renewal_state == renewals.ENDED
    assert sub.end_date == end_of(ANCHOR + timedelta(days=pa.RETRY_DAYS + 1))
    assert len(mails(s, messages.RENEWAL_PAST_DUE)) == 1  # one per renewal
    assert s.psp.rejected == []


def test_a_retry_that_pays_renews_as_if_on_time():
    s = renewing()
    cobr = in_window(s)
    refused_on(s, cobr.txid, ANCHOR)
    run(s)
    at(s, date(2028, 2, 1), 8)
    s.psp.settle(cobr.txid)
    notice(s, cobr.txid)
    sub = subscription(s)
    assert (sub.renewal_state, sub.end_date) == (renewals.RENEWING, end_of(date(2028, 2, 29)))
    assert [r.status for r in rows(s)] == [renewals.PAID]
    assert len(mails(s, messages.RENEWAL_PAID)) == 1
    assert in_window(s, date(2028, 2, 29)).amount == PRICE  # and the next cycle follows


@settings(max_examples=30, deadline=None)
@given(waits=st.lists(st.integers(0, 8), min_size=4, max_size=4))
def test_retries_are_asked_for_the_next_day_never_past_7_days(waits):
    """However late the job runs after each refusal (`waits`, in days)."""
    s = renewing()
    txid = in_window(s).txid
    settles_on = today = ANCHOR
    asked = []
    for wait in waits:
        refused_on(s, txid, settles_on)
        today = settles_on + timedelta(days=wait)
        at(s, today, 12)
        run(s)
        if rows(s)[0].status == renewals.FAILED:
            break
        settles_on = s.psp.cobrs[txid].attempts[-1][0]
        asked.append((today, settles_on))
    assert all(on == max(day, ANCHOR) + timedelta(days=1) for day, on in asked)
    assert all(day < on <= ANCHOR + timedelta(days=7) for day, on in asked)
    assert rows(s)[0].status == renewals.FAILED and not subscription(s).auto_renew
    # the renewal ended early only when no retry could settle within the 7 days
    assert len(asked) == pa.MAX_RETRIES or today >= ANCHOR + timedelta(days=7)
    assert s.psp.rejected == []


# -- the PSP unreachable, or rejecting ------------------------------------------------
@pytest.mark.parametrize("failure", [ServiceUnavailable("down"), GatewayTimeout("slow")])
def test_a_cobr_the_psp_could_not_take_is_sent_again_later(failure):
    s = renewing()
    before = subscription(s)
    s.psp.fail_with(failure)
    at(s, date(2028, 1, 21), 9)
    run(s)
    [row] = rows(s)
    assert (row.status, row.attempts, row.transaction_id) == (renewals.DUE, 0, None)
    assert subscription(s) == before  # nothing else written
    assert mails(s, messages.RENEWAL_PAST_DUE) == []
    s.psp.fail_with(None)
    run(s)  # not yet: the PSP is given a few minutes
    assert s.psp.cobrs == {}
    s.clock.advance(minutes=15)
    run(s)
    assert sent(s).due == ANCHOR
    [row] = rows(s)
    assert (row.status, row.attempts) == (renewals.SCHEDULED, 1)


def test_a_retry_the_psp_could_not_take_is_asked_again_later():
    s = renewing()
    cobr = in_window(s)
    refused_on(s, cobr.txid, ANCHOR)
    s.psp.fail_with(ServiceUnavailable("down"))
    run(s)
    [row] = rows(s)
    assert (row.status, row.attempts) == (renewals.REFUSED, 1)
    s.psp.fail_with(None)
    s.clock.advance(minutes=15)
    run(s)
    assert s.psp.cobrs[cobr.txid].attempts[-1] == (date(2028, 2, 1), "AGENDADA")
    [row] = rows(s)
    assert (row.status, row.attempts) == (renewals.SCHEDULED, 2)


def test_a_cobr_the_psp_could_not_be_asked_about_is_read_back_later():
    s = renewing()
    cobr = in_window(s)
    at(s, ANCHOR, 8)
    s.psp.settle(cobr.txid)  # its notice lost
    at(s, date(2028, 2, 1), 10)
    s.psp.fail_with(ServiceUnavailable("down"))
    run(s)  # no error: `creatorflix jobs` goes on with its other jobs
    assert [r.status for r in rows(s)] == [renewals.SCHEDULED]
    assert subscription(s).end_date == end_of(ANCHOR)
    s.psp.fail_with(None)
    run(s)
    assert [r.status for r in rows(s)] == [renewals.PAID]
    assert subscription(s).end_date == end_of(date(2028, 2, 29))


def test_a_cobr_the_psp_rejects_ends_the_renewal():
    s = renewing()
    s.psp.fail_with(GatewayRejected("the rec is not approved"))
    at(s, date(2028, 1, 21), 9)
    run(s)
    [row] = rows(s)
    assert row.status == renewals.FAILED and row.last_error == "the rec is not approved"
    assert subscription(s).renewal_state == renewals.ENDED
    assert len(mails(s, messages.RENEWAL_PAST_DUE)) == 1


# -- the recurrence cancelled ---------------------------------------------------------
def test_a_recurrence_the_payer_cancels_in_their_bank_ends_the_renewal():
    s = renewing()
    cobr = in_window(s)
    s.psp.cancel(ID_REC)
    for _ in range(2):  # the notice posted twice
        assert pix_recurrences.settle_rec(s.deps.payments_service, ID_REC).status == PROCESSED
    sub = subscription(s)
    assert not sub.auto_renew and sub.renewal_state == renewals.ENDED
    assert sub.end_date == end_of(ANCHOR)  # access until the end paid for
    [row] = rows(s)
    assert row.status == renewals.FAILED
    [mail] = mails(s, messages.RENEWAL_CANCELLED)
    assert "cancelada no seu banco" in mail.text_body
    assert "nada mais será cobrado pelo PIX Automático" in mail.text_body
    at(s, date(2028, 2, 19), 9)  # the next cycle's window
    run(s)
    assert list(s.psp.cobrs) == [cobr.txid]  # nothing sent any more


def test_a_cobr_paid_as_the_recurrence_was_cancelled_still_gives_its_period():
    s = renewing()
    cobr = in_window(s)
    s.psp.cancel(ID_REC)
    pix_recurrences.settle_rec(s.deps.payments_service, ID_REC)
    assert rows(s)[0].status == renewals.FAILED
    at(s, ANCHOR, 8)
    s.psp.settle(cobr.txid)  # the payer's bank settled it all the same
    assert notice(s, cobr.txid) == PROCESSED
    sub = subscription(s)
    assert sub.end_date == end_of(ANCHOR + timedelta(days=29))  # the period paid for
    assert (sub.auto_renew, sub.renewal_state) == (False, renewals.ENDED)  # and no more
    assert [r.status for r in rows(s)] == [renewals.PAID]
    assert len(mails(s, messages.RENEWAL_PAID)) == 1
    assert notice(s, cobr.txid) == DUPLICATE


def test_a_recurrence_we_cancelled_mails_nothing_more():
    s = renewing()
    s.psp.cancel(ID_REC, by="USUARIO_RECEBEDOR")
    pix_recurrences.settle_rec(s.deps.payments_service, ID_REC)
    assert subscription(s).renewal_state == renewals.ENDED
    assert mails(s, messages.RENEWAL_CANCELLED) == []  # the member's cancel mailed already


# -- whatever happens, day after day -------------------------------------------------
# One day: what the payer's bank does at 8:00 with the attempts due by then (nothing,
# pay, refuse), whether the PSP's notices of the cobrs reach us at 8:05, and how many
# times the job runs (at 12:00 and 23:00) or none.
DAYS = st.lists(
    st.tuples(
        st.sampled_from([None, "pay", "refuse"]),
        st.booleans(),
        st.sampled_from([0, 1, 1, 2]),
    ),
    min_size=10,
    max_size=75,
)


def bank(s: Shop, answer: str) -> None:
    """The payer's bank settles, or refuses, every attempt due by today."""
    today = pa.local_date(s.clock.now(), ZONE)
    for txid, cobr in list(s.psp.cobrs.items()):
        on, status = cobr.attempts[-1]
        if cobr.status == pa.COBR_ACTIVE and status == "AGENDADA" and on <= today:
            s.psp.settle(txid) if answer == "pay" else s.psp.refuse(txid)


@settings(max_examples=50, deadline=None)
@given(days=DAYS)
def test_each_cycle_is_charged_once_and_paid_cycles_follow_the_anchor(days):
    s = renewing()
    for day, (answer, notified, runs) in enumerate(days):
        today = date(2028, 1, 19) + timedelta(days=day)  # from 2 days before the window
        at(s, today, 8)
        if answer is not None:
            bank(s, answer)
        if notified:
            for txid in list(s.psp.cobrs):
                notice(s, txid)
        for hour in (12, 23)[:runs]:
            at(s, today, hour)
            run(s)
    found = rows(s)
    assert s.psp.rejected == []
    assert len({r.period_start for r in found}) == len(found)  # one row per cycle
    assert {r.transaction_id for r in found if r.transaction_id} == set(s.psp.cobrs)
    for r in found:
        assert r.status != renewals.CHARGING
        if r.transaction_id:
            due = s.psp.cobrs[r.transaction_id].due
            assert due == pa.due_of(r.period_start, ZONE)
            days = [on for on, _ in s.psp.cobrs[r.transaction_id].attempts]
            assert days == sorted(set(days)) and days[-1] <= due + timedelta(days=7)
            assert len(days) <= 1 + pa.MAX_RETRIES
    paid = [r for r in found if r.status == renewals.PAID]
    cycles = [pa.add_cycles(ANCHOR, "MENSAL", n) for n in range(len(paid) + 1)]
    assert [r.period_start for r in paid] == [end_of(d) for d in cycles[:-1]]
    assert len(mails(s, messages.RENEWAL_PAID)) == len(paid)
    sub = subscription(s)
    if sub.renewal_state == renewals.RENEWING:
        assert sub.end_date == end_of(cycles[-1])

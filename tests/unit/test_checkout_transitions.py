"""One-way state machines: whatever sequence of notifications arrives, a checkout never
moves backwards, and a subscription never comes back to life."""

from __future__ import annotations

from datetime import datetime, timedelta

from hypothesis import given
from hypothesis import strategies as st

from adapters.clock import FakeClock
from adapters.memory.unit_of_work import MemoryStore, MemoryUnitOfWork
from adapters.security import HmacSigner
from domain.catalog.entities import Plan
from domain.payments import checkout as co
from domain.payments import settlement
from domain.payments import subscriptions as subs
from domain.payments.gateways import CHECKOUT_STATUS_OF, Transaction
from domain.payments.service import PaymentService
from domain.payments.settlement import decide
from domain.payments.subscription_admin import abandon_checkouts, expire_subscriptions
from entrypoints.bootstrap import event_handlers
from entrypoints.config import Config

NOW = datetime(2026, 1, 1)
# How far along each status is; a move must never lower it.
# Abandoned (we stopped waiting) still lets a genuinely paid transaction through.
# Review (paid for another amount) waits for an administrator or the right amount.
CHECKOUT_RANK = {
    co.PENDING: 0,
    co.ABANDONED: 1,
    co.REVIEW: 1.5,
    co.PAID: 2,
    co.FAILED: 2,
    co.REFUNDED: 3,
}
GATEWAY_STATUSES = [
    "processing",
    "authorized",
    "paid",
    "refunded",
    "waiting_payment",
    "refused",
    "chargedback",
    "canceled",
    "in_protest",
    "partially_paid",
]


@given(st.lists(st.sampled_from(co.STATUSES), max_size=30))
def test_a_checkout_only_moves_forward(targets):
    checkout = co.Checkout(id=1, plan_id=1, total_amount=100)
    history = [checkout.status]
    for target in targets:
        moved = co.advance(checkout, target, NOW)
        if moved is not None:
            assert CHECKOUT_RANK[moved.status] > CHECKOUT_RANK[checkout.status]
            checkout = moved
            history.append(checkout.status)
    assert history[0] == co.PENDING
    settled = ([], [co.PAID], [co.PAID, co.REFUNDED], [co.FAILED], [co.REFUNDED])
    assert history[1:] in (
        [],
        [co.PAID],
        [co.PAID, co.REFUNDED],
        [co.FAILED],
        [co.ABANDONED],
        [co.ABANDONED, co.PAID],
        [co.ABANDONED, co.PAID, co.REFUNDED],
        [co.ABANDONED, co.FAILED],
        *([co.REVIEW] + rest for rest in settled),
        *([co.ABANDONED, co.REVIEW] + rest for rest in settled),
    )


@given(st.lists(st.sampled_from(GATEWAY_STATUSES), max_size=30))
def test_gateway_statuses_in_any_order_never_move_a_paid_checkout_back(statuses):
    checkout = co.Checkout(id=1, plan_id=1, total_amount=100)
    was_paid = False
    for status in statuses:
        decision = decide(checkout, Transaction("tx", status, amount=100))
        if decision in co.STATUSES:
            assert decision == CHECKOUT_STATUS_OF[status]
            checkout = co.advance(checkout, decision, NOW)
        was_paid = was_paid or checkout.status == co.PAID
        if was_paid:
            assert checkout.status in (co.PAID, co.REFUNDED)


def test_paid_for_another_amount_or_an_unknown_one_goes_to_review():
    checkout = co.Checkout(id=1, plan_id=1, total_amount=100)
    assert decide(checkout, Transaction("tx", "paid", amount=99)) == co.REVIEW
    assert decide(checkout, Transaction("tx", "paid", amount=None)) == co.REVIEW
    in_review = co.advance(checkout, co.REVIEW, NOW)
    assert decide(in_review, Transaction("tx", "paid", amount=99)) == "amount_mismatch"
    assert decide(in_review, Transaction("tx", "paid", amount=100)) == co.PAID
    assert decide(in_review, Transaction("tx", "refused", amount=100)) == co.FAILED
    assert decide(checkout, Transaction("tx", "paid", amount=100)) == co.PAID
    assert decide(checkout, Transaction("tx", "waiting_payment")) == "no_change"


# What a grant may become: pending -> active -> expired | canceled (pending may be dropped).
SUBSCRIPTION_MOVES = {
    (subs.PENDING, subs.ACTIVE),
    (subs.PENDING, subs.CANCELED),
    (subs.ACTIVE, subs.EXPIRED),
    (subs.ACTIVE, subs.CANCELED),
}
PRICE = 2990
# Three payments of one buyer: two JunglePay charges and a Dias card checkout.
PAYMENTS = (("junglepay", "jp1"), ("junglepay", "jp2"), ("dias", "cf_3"))
events = st.one_of(
    st.tuples(
        st.just("notify"), st.integers(0, len(PAYMENTS) - 1), st.sampled_from(GATEWAY_STATUSES)
    ),
    st.tuples(st.just("dias_pending"), st.just(2), st.just("waiting_payment")),
    st.tuples(st.just("wrong_amount"), st.integers(0, len(PAYMENTS) - 1), st.just("paid")),
    st.tuples(st.just("expire"), st.just(0), st.just("")),
    st.tuples(st.just("abandon"), st.just(0), st.just("")),
)


def _shop():
    store = MemoryStore()
    clock = FakeClock()
    # The signer: a paid checkout's receipt carries a set-password link (issue 14).
    signer = HmacSigner("k" * 40, clock)
    # The event handlers grant, end grants and mail, as the app's units of work do.
    handlers = event_handlers(Config(secret_key="k" * 40), signer)
    svc = PaymentService(
        uow=lambda: MemoryUnitOfWork(store, handlers=handlers),
        gateways=None,
        clock=clock,
        tokens=signer,
        webhooks=None,
        default_gateway="sandbox",
        public_url="http://127.0.0.1:8000",
    )
    with svc.uow() as uow:
        plan = uow.plans.add(Plan(id=None, name="P", price=PRICE, duration=30))
        for provider, external_id in PAYMENTS:
            uow.checkouts.add(
                co.Checkout(
                    id=None,
                    plan_id=plan.id,
                    total_amount=PRICE,
                    external_id=external_id,
                    customer_email="ana@example.com",
                    customer_name="Ana",
                    payment_data={"provider": provider},
                    created_at=clock.now(),
                )
            )
        uow.commit()
    return svc, clock


def _state(svc):
    with svc.uow() as uow:
        return (
            {s.id: s for s in uow.subscriptions.find().items},
            {c.id: c.status for c in uow.checkouts.find().items},
        )


@given(st.lists(st.tuples(events, st.integers(0, 40)), max_size=25))
def test_notifications_in_any_order_only_move_grants_and_checkouts_forward(steps):
    svc, clock = _shop()
    grants, checkouts = _state(svc)
    for (kind, payment, status), days_later in steps:
        clock.advance(days=days_later)
        provider, external_id = PAYMENTS[payment]
        if kind == "expire":
            expire_subscriptions(svc.uow, clock)
        elif kind == "abandon":
            abandon_checkouts(svc.uow, clock)
        else:
            amount = PRICE - 1 if kind == "wrong_amount" else PRICE
            settlement.process(
                svc,
                provider,
                Transaction(external_id, status, amount=amount),
                hold_pending=kind == "dias_pending",
            )
        after, moved_checkouts = _state(svc)
        for sub_id, before in grants.items():
            move = (before.status, after[sub_id].status)
            assert move[0] == move[1] or move in SUBSCRIPTION_MOVES, move
        for checkout_id, before_status in checkouts.items():
            assert CHECKOUT_RANK[moved_checkouts[checkout_id]] >= CHECKOUT_RANK[before_status]
        # One grant per payment, whatever was repeated; a paid one lasts the plan.
        assert len({s.external_id for s in after.values()}) == len(after)
        for sub in after.values():
            if sub.status in (subs.ACTIVE, subs.EXPIRED):
                assert sub.end_date - sub.start_date == timedelta(days=30)
        # A payment of the wrong amount never grants by itself.
        in_review = {
            PAYMENTS[cid - 1][1] for cid, status in moved_checkouts.items() if status == co.REVIEW
        }
        assert not any(
            s.external_id in in_review and s.status == subs.ACTIVE for s in after.values()
        )
        grants, checkouts = after, moved_checkouts

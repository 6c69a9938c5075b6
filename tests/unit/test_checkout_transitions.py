"""One-way state machines: whatever sequence of notifications arrives, a checkout never
moves backwards, and a subscription never comes back to life."""
from __future__ import annotations

from datetime import datetime

from hypothesis import given
from hypothesis import strategies as st

from domain import checkout as co
from domain import subscriptions as subs
from domain.payment_notifications import decide
from domain.payments import CHECKOUT_STATUS_OF, Transaction

NOW = datetime(2026, 1, 1)
# How far along each status is; a move must never lower it.
CHECKOUT_RANK = {co.PENDING: 0, co.PAID: 1, co.FAILED: 1, co.ABANDONED: 1, co.REFUNDED: 2}
SUBSCRIPTION_RANK = {subs.PENDING: 0, subs.ACTIVE: 1, subs.EXPIRED: 2, subs.CANCELED: 2}
GATEWAY_STATUSES = ["processing", "authorized", "paid", "refunded", "waiting_payment",
                    "refused", "chargedback", "canceled", "in_protest", "partially_paid"]


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
    assert history in ([co.PENDING], [co.PENDING, co.PAID], [co.PENDING, co.PAID, co.REFUNDED],
                       [co.PENDING, co.FAILED], [co.PENDING, co.ABANDONED])


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


def test_paid_for_another_amount_changes_nothing():
    checkout = co.Checkout(id=1, plan_id=1, total_amount=100)
    assert decide(checkout, Transaction("tx", "paid", amount=99)) == "amount_mismatch"
    assert decide(checkout, Transaction("tx", "paid", amount=100)) == co.PAID
    assert decide(checkout, Transaction("tx", "waiting_payment")) == "no_change"


@given(st.lists(st.sampled_from(subs.STATUSES), max_size=20))
def test_a_subscription_only_moves_forward(targets):
    status = subs.PENDING
    for target in targets:
        if subs.can_move(status, target):
            assert SUBSCRIPTION_RANK[target] > SUBSCRIPTION_RANK[status]
            status = target
    assert not subs.can_move(subs.EXPIRED, subs.ACTIVE)
    assert not subs.can_move(subs.CANCELED, subs.ACTIVE)

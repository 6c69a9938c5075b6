"""settlement.decide(): a typed answer — the status a notification moves its checkout
to, or why it moves nothing — over every checkout status, gateway status and amount."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from domain.payments import checkout as co
from domain.payments.gateways import CHECKOUT_STATUS_OF, Transaction
from domain.payments.settlement import NoChange, decide

GATEWAY_STATUSES = sorted(CHECKOUT_STATUS_OF) + ["waiting_payment", "processing", "?"]
amounts = st.one_of(st.none(), st.integers(0, 10_000))


@given(
    st.sampled_from(co.STATUSES), st.integers(1, 10_000), st.sampled_from(GATEWAY_STATUSES), amounts
)
def test_a_decision_is_a_forward_move_or_a_reason(status, total, gateway_status, amount):
    checkout = co.Checkout(id=1, plan_id=1, total_amount=total, status=status)
    decision = decide(checkout, Transaction("tx", gateway_status, amount=amount))
    assert isinstance(decision, (co.CheckoutStatus, NoChange))
    if isinstance(decision, co.CheckoutStatus):
        assert co.can_move(checkout.status, decision)
        # Paid only for exactly the total; another (or unknown) amount is for review.
        assert decision != co.PAID or amount == total
        if CHECKOUT_STATUS_OF[gateway_status] == co.PAID and amount != total:
            assert decision == co.REVIEW
    elif gateway_status not in CHECKOUT_STATUS_OF:
        assert decision == NoChange.NO_CHANGE
    elif decision == NoChange.AMOUNT_MISMATCH:
        assert checkout.status == co.REVIEW and amount != total
    else:
        assert decision == NoChange.NOT_FORWARD
        assert not co.can_move(checkout.status, CHECKOUT_STATUS_OF[gateway_status])


def test_decisions_are_the_strings_recorded_before():
    # WebhookEvent.outcome stores them: the values must not change.
    assert [str(reason) for reason in NoChange] == ["no_change", "not_forward", "amount_mismatch"]
    assert [str(s) for s in co.CheckoutStatus] == [
        "pending",
        "paid",
        "failed",
        "abandoned",
        "refunded",
        "review",
    ]

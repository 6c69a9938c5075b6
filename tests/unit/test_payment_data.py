"""PaymentData, the typed value of checkouts.payment_data: its JSON object in and out,
keys it does not know kept, and statuses that stay the strings they were."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from domain.payments.checkout import Checkout, CheckoutStatus
from domain.payments.payment_data import PaymentData

KNOWN_TEXT = (
    "provider",
    "method",
    "status",
    "qr_code",
    "expires_at",
    "secure_url",
    "redirect_url",
    "review_settled",
)
json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=8),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner, max_size=3)
    ),
    max_leaves=6,
)
stored_objects = st.fixed_dictionaries(
    {}, optional={**{k: st.text(max_size=12) for k in KNOWN_TEXT}, "account_created": st.just(True)}
).flatmap(
    lambda known: st.dictionaries(
        st.text(max_size=10).filter(lambda k: k not in (*KNOWN_TEXT, "account_created")),
        json_values,
        max_size=4,
    ).map(lambda extra: {**known, **extra})
)


@given(stored_objects)
def test_what_is_read_is_written_back_unchanged(stored):
    assert PaymentData.from_json(stored).as_json() == stored


@given(stored_objects, st.text(max_size=12))
def test_a_change_keeps_every_other_key(stored, status):
    changed = PaymentData.from_json(stored).but(status=status).as_json()
    assert changed == {**{k: v for k, v in stored.items() if k != "status"}, **({"status": status})}


def test_empty_values_are_not_written():
    assert PaymentData.from_json(
        {"provider": "dias", "expires_at": None, "account_created": False}
    ).as_json() == {"provider": "dias"}


def test_a_checkout_takes_the_json_object_or_the_value():
    assert Checkout(
        id=1, plan_id=1, total_amount=1, payment_data={"provider": "dias", "x": 1}
    ).payment_data == PaymentData(provider="dias", extra={"x": 1})
    assert Checkout(id=1, plan_id=1, total_amount=1).payment == PaymentData()


def test_an_anonymised_payment_keeps_what_it_was_not_who_paid():
    paid = PaymentData(
        provider="junglepay",
        method="pix",
        status="paid",
        qr_code="000201",
        secure_url="https://pay.example/1",
        account_created=True,
        extra={"payer_document": "52998224725"},
    )
    assert paid.anonymised().as_json() == {
        "provider": "junglepay",
        "method": "pix",
        "status": "paid",
        "account_created": True,
    }


def test_a_status_the_enum_does_not_know_is_kept_as_read():
    # A database adopted from the original platform may hold one: the row still loads.
    odd = Checkout(id=1, plan_id=1, total_amount=1, status="chargeback_dispute")
    assert odd.status == "chargeback_dispute" and not isinstance(odd.status, CheckoutStatus)
    assert Checkout(id=1, plan_id=1, total_amount=1, status="paid").status is CheckoutStatus.PAID

"""Typed values in and out of every backend: StrEnum statuses come back as members
equal to the very strings stored, and a checkout's PaymentData keeps the JSON keys it
does not know (rows of an adopted database), through reads and updates."""

from __future__ import annotations

from datetime import datetime

import attrs

from domain.accounts.users import User
from domain.catalog.entities import Plan
from domain.mail.messages import MailStatus, OutboxMessage
from domain.payments.checkout import Checkout, CheckoutStatus, PaymentMethod
from domain.payments.payment_data import PaymentData
from domain.payments.subscriptions import Subscription, SubscriptionStatus

T0 = datetime(2026, 3, 1, 10)


def _checkout(backend, payment_data) -> Checkout:
    with backend.uow() as uow:
        plan = uow.plans.add(Plan(id=None, name="P", price=100, duration=30))
        checkout = uow.checkouts.add(
            Checkout(
                id=None,
                plan_id=plan.id,
                total_amount=100,
                status="paid",
                payment_method="credit_card",
                payment_data=payment_data,
            )
        )
        uow.commit()
    return checkout


def test_statuses_come_back_as_members_equal_to_their_strings(backend):
    checkout = _checkout(backend, None)
    with backend.uow() as uow:
        user = uow.users.add(User(id=None, email="a@example.com", password="h"))
        uow.subscriptions.add(Subscription(id=None, user_id=user.id, status="active"))
        uow.outbox.enqueue(
            OutboxMessage(
                id=None,
                kind="k",
                recipient="a@example.com",
                subject="s",
                text_body="t",
                html_body="h",
                next_attempt_at=T0,
                created_at=T0,
            )
        )
        uow.commit()
    with backend.uow() as uow:
        read = uow.checkouts.get(checkout.id)
        found = uow.checkouts.find({"status": "paid", "payment_method": "credit_card"}).items
        sub = uow.subscriptions.first({"status": SubscriptionStatus.ACTIVE})
        mail = uow.outbox.first({"status": "pending"})
    assert read.status is CheckoutStatus.PAID and read.status == "paid"
    assert read.payment_method is PaymentMethod.CREDIT_CARD
    assert [c.id for c in found] == [checkout.id]
    assert sub is not None and sub.status is SubscriptionStatus.ACTIVE
    assert mail is not None and mail.status is MailStatus.PENDING


def test_payment_data_keeps_the_keys_it_does_not_know(backend):
    stored = {
        "provider": "junglepay",
        "qr_code": "000201",
        "legacy_gateway_ref": "ab-12",
        "installments": {"count": 3},
    }
    checkout = _checkout(backend, stored)
    with backend.uow() as uow:
        read = uow.checkouts.get(checkout.id)
        assert read.payment_data == PaymentData(
            provider="junglepay",
            qr_code="000201",
            extra={"legacy_gateway_ref": "ab-12", "installments": {"count": 3}},
        )
        uow.checkouts.update(read.with_payment(status="paid", account_created=True))
        uow.commit()
    with backend.uow() as uow:
        again = uow.checkouts.get(checkout.id)
    assert again.payment.as_json() == {**stored, "status": "paid", "account_created": True}


def test_no_payment_data_and_an_empty_one_stay_apart(backend):
    none, empty = _checkout(backend, None), _checkout(backend, {})
    with backend.uow() as uow:
        assert uow.checkouts.get(none.id).payment_data is None
        assert uow.checkouts.get(empty.id).payment_data == PaymentData()
        uow.checkouts.update(
            attrs.evolve(uow.checkouts.get(none.id), payment_data=PaymentData(provider="dias"))
        )
        uow.commit()
    with backend.uow() as uow:
        assert uow.checkouts.get(none.id).payment.provider == "dias"

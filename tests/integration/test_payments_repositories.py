"""The payment repositories' own queries, identical on memory, SQLite and PostgreSQL."""
from __future__ import annotations

from datetime import datetime, timedelta

from domain.accounts import User
from domain.catalog import Plan
from domain.checkout import Checkout
from domain.payments import PaymentNotification
from domain.subscriptions import Subscription

T0 = datetime(2026, 3, 1, 10)


def test_a_notification_is_recorded_once(backend):
    note = PaymentNotification(id=None, gateway="junglepay", event_key="tx1:paid",
                               external_id="tx1", status="paid", outcome="paid", received_at=T0)
    with backend.uow() as uow:
        assert uow.payment_notifications.record(note) is True
        assert uow.payment_notifications.record(note) is False
        # The transaction is still usable after the duplicate (no aborted transaction).
        assert uow.payment_notifications.record(
            PaymentNotification(id=None, gateway="dias", event_key="tx1:paid")) is True
        uow.commit()
    with backend.uow() as uow:
        assert uow.payment_notifications.record(note) is False
        rows = uow.payment_notifications.find(order_by=["id"]).items
    assert [(n.gateway, n.event_key) for n in rows] == [("junglepay", "tx1:paid"),
                                                        ("dias", "tx1:paid")]
    assert rows[0].received_at == T0 and rows[0].outcome == "paid"


def test_checkouts_are_found_and_locked_by_gateway_transaction(backend):
    with backend.uow() as uow:
        plan = uow.plans.add(Plan(id=None, name="P", price=100, duration=30))
        first = uow.checkouts.add(Checkout(id=None, plan_id=plan.id, total_amount=100,
                                           external_id="tx9", payment_data={"provider": "x"}))
        uow.checkouts.add(Checkout(id=None, plan_id=plan.id, total_amount=100, external_id="tx9"))
        uow.commit()
    with backend.uow() as uow:
        assert uow.checkouts.get_for_update_by_external_id("tx9") == first
        assert uow.checkouts.get_for_update_by_external_id("nope") is None
        assert uow.checkouts.get_for_update(first.id).payment_data == {"provider": "x"}


def test_ended_lists_active_subscriptions_past_their_end(backend):
    with backend.uow() as uow:
        user = uow.users.add(User(id=None, email="s@example.com", password="h"))
        for status, end in [("active", T0 - timedelta(seconds=1)), ("active", T0),
                            ("active", T0 + timedelta(seconds=1)), ("active", None),
                            ("canceled", T0 - timedelta(days=1)),
                            ("expired", T0 - timedelta(days=1))]:
            uow.subscriptions.add(Subscription(id=None, user_id=user.id, status=status,
                                               end_date=end))
        uow.commit()
    with backend.uow() as uow:
        assert [s.id for s in uow.subscriptions.ended(T0)] == [1, 2]

"""The payment repositories' own queries, identical on memory, SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import datetime, timedelta

import attrs

from domain.accounts.users import User
from domain.catalog.entities import Plan
from domain.payments.checkout import Checkout
from domain.payments.gateways import PaymentGatewayConfig, WebhookEvent
from domain.payments.subscriptions import Subscription
from tests.support.concurrency import lock_is_held

T0 = datetime(2026, 3, 1, 10)


def test_a_notification_is_recorded_once(backend):
    note = WebhookEvent(
        id=None,
        gateway="junglepay",
        event_key="tx1:paid",
        external_id="tx1",
        status="paid",
        outcome="paid",
        received_at=T0,
    )
    with backend.uow() as uow:
        assert uow.webhook_events.record(note) is True
        assert uow.webhook_events.record(note) is False
        # The transaction is still usable after the duplicate (no aborted transaction).
        assert (
            uow.webhook_events.record(WebhookEvent(id=None, gateway="dias", event_key="tx1:paid"))
            is True
        )
        uow.commit()
    with backend.uow() as uow:
        assert uow.webhook_events.record(note) is False
        rows = uow.webhook_events.find(order_by=["id"]).items
    assert [(n.gateway, n.event_key) for n in rows] == [
        ("junglepay", "tx1:paid"),
        ("dias", "tx1:paid"),
    ]
    assert rows[0].received_at == T0 and rows[0].outcome == "paid"


def test_checkouts_are_found_by_gateway_transaction_of_their_provider(backend):
    with backend.uow() as uow:
        plan = uow.plans.add(Plan(id=None, name="P", price=100, duration=30))
        dias, legacy, jungle, sandbox = (
            uow.checkouts.add(
                Checkout(
                    id=None, plan_id=plan.id, total_amount=100, external_id="tx9", payment_data=data
                )
            )
            for data in (
                {"provider": "dias"},
                None,
                {"provider": "junglepay"},
                {"provider": "sandbox"},
            )
        )
        uow.checkouts.add(
            Checkout(
                id=None,
                plan_id=plan.id,
                total_amount=100,
                external_id="tx8",
                payment_data={"provider": "dias"},
            )
        )
        uow.commit()
    with backend.uow() as uow:
        for find in (uow.checkouts.get_by_external_id, uow.checkouts.get_for_update_by_external_id):
            # Rows copied from the original carry no provider: JunglePay's.
            assert find("tx9", "junglepay") == legacy
            assert find("tx9", "dias") == dias and find("tx9", "sandbox") == sandbox
            assert find("nope", "junglepay") is None and find("tx8", "junglepay") is None
        assert uow.checkouts.get_for_update(jungle.id) == jungle


def test_the_for_update_reads_lock_until_the_unit_of_work_ends(pony_backend):
    backend = pony_backend
    with backend.uow() as uow:
        plan = uow.plans.add(Plan(id=None, name="P", price=100, duration=30))
        checkout = uow.checkouts.add(
            Checkout(
                id=None,
                plan_id=plan.id,
                total_amount=100,
                external_id="tx7",
                payment_data={"provider": "junglepay"},
            )
        )
        user = uow.users.add(User(id=None, email="l@example.com", password="h"))
        uow.payment_gateways.add(PaymentGatewayConfig(id=None, name="dias"))
        uow.commit()
    locks = [
        (lambda uow: uow.checkouts.get_for_update(checkout.id), "checkouts", checkout.id),
        (
            lambda uow: uow.checkouts.get_for_update_by_external_id("tx7", "junglepay"),
            "checkouts",
            checkout.id,
        ),
        (lambda uow: uow.users.get_for_update(user.id), "users", user.id),
        (lambda uow: uow.users.get_for_update_by_email("l@example.com"), "users", user.id),
        (
            lambda uow: uow.payment_gateways.lock_settings(["dias", "junglepay"]),
            "payment_gateways",
            1,
        ),
    ]
    for lock, table, pk in locks:
        sql = f"SELECT id FROM {table} WHERE id = {pk}"
        assert not lock_is_held(backend, sql)
        with backend.uow() as uow:
            assert lock(uow)
            assert lock_is_held(backend, sql), table
        assert not lock_is_held(backend, sql)


def test_ended_lists_active_subscriptions_past_their_end(backend):
    with backend.uow() as uow:
        user = uow.users.add(User(id=None, email="s@example.com", password="h"))
        for status, end in [
            ("active", T0 - timedelta(seconds=1)),
            ("active", T0),
            ("active", T0 + timedelta(seconds=1)),
            ("active", None),
            ("canceled", T0 - timedelta(days=1)),
            ("expired", T0 - timedelta(days=1)),
        ]:
            uow.subscriptions.add(
                Subscription(id=None, user_id=user.id, status=status, end_date=end)
            )
        uow.commit()
    with backend.uow() as uow:
        assert [s.id for s in uow.subscriptions.ended(T0)] == [1, 2]


def test_the_originals_gateway_rows_are_locked_not_duplicated(backend):
    with backend.uow() as uow:
        jp = uow.payment_gateways.add(
            PaymentGatewayConfig(id=None, name="JunglePay", secret_key="sk", is_active=True)
        )
        uow.payment_gateways.add(PaymentGatewayConfig(id=None, name="PayPal"))
        uow.commit()
    with backend.uow() as uow:
        rows = uow.payment_gateways.lock_settings(["junglepay", "dias"])
        uow.commit()
    assert [r.name for r in rows] == ["JunglePay", "PayPal", "dias"]
    assert rows[0] == jp
    with backend.uow() as uow:
        again = uow.payment_gateways.lock_settings(["junglepay", "dias"])
        uow.commit()
    assert again == rows


def test_the_pix_rows_receiving_account_is_stored(backend):
    row = PaymentGatewayConfig(
        id=None, name="pix", pix_key="pix@example.com", pix_account="0001/123456-7"
    )
    with backend.uow() as uow:
        added = uow.payment_gateways.add(row)
        uow.commit()
    with backend.uow() as uow:
        [read] = uow.payment_gateways.lock_settings(["pix"])
        assert (read.pix_account, read.pix_account_type) == ("0001/123456-7", None)
        uow.payment_gateways.update(attrs.evolve(read, pix_account_type="POUPANCA"))
        uow.commit()
    with backend.uow() as uow:
        [read] = uow.payment_gateways.lock_settings(["pix"])
        uow.commit()
    assert read.id == added.id
    assert (read.pix_account, read.pix_account_type) == ("0001/123456-7", "POUPANCA")

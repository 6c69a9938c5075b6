"""The one notifications handler of domain events, on the memory unit of work: the
event's payload completed from the database (plan and bump names, the buyer), private
fields dropped, queued for the targets that chose the event."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any, ClassVar

import attrs
from attrs import frozen

from adapters.memory.unit_of_work import MemoryStore, MemoryUnitOfWork
from domain.accounts.users import User
from domain.catalog.entities import OrderBump, Plan
from domain.notifications.entities import TELEGRAM, TelegramSettings, WebhookEndpoint
from domain.notifications.handlers import notify
from domain.notifications.telegram_text import text_of_body
from domain.payments.checkout import Checkout

NOW = datetime(2026, 12, 7, 12, 0, 0)


@frozen(kw_only=True)
class Paid:
    """Shaped as domain.common.events.Event: a stable `name`, `occurred_at`, payload()."""

    name: ClassVar[str] = "checkout.paid"
    occurred_at: datetime
    checkout_id: int
    user_id: int | None
    total_amount: int
    status: str
    payment_data: dict | None = None

    def payload(self) -> dict[str, Any]:
        return attrs.asdict(self, recurse=False)


def test_a_paid_checkout_is_queued_with_names_and_amounts_and_nothing_private():
    store = MemoryStore()
    with MemoryUnitOfWork(store) as uow:
        user = uow.users.add(
            User(id=None, email="maria@example.com", password="hash", name="Maria Souza")
        )
        plan = uow.plans.add(Plan(id=None, name="Mensal", price=2990, duration=30))
        bump = uow.order_bumps.add(OrderBump(id=None, name="Pack extra", price=990))
        checkout = uow.checkouts.add(
            Checkout(
                id=None,
                plan_id=plan.id,
                total_amount=3980,
                user_id=user.id,
                order_bump_ids=[bump.id],
                customer_name="Maria Souza",
                customer_email="maria@example.com",
                customer_document="12345678909",
                payment_method="pix",
            )
        )
        uow.webhook_endpoints.add(
            WebhookEndpoint(
                id=None, url="https://x.example/", events=["checkout.paid"], secret="whsec_x"
            )
        )
        uow.telegram_settings.add(
            TelegramSettings(
                id=1, bot_token="1:T", chat_id="9", events=["checkout.paid"], is_active=True
            )
        )
        notify(
            Paid(
                occurred_at=NOW,
                checkout_id=checkout.id,
                user_id=user.id,
                total_amount=3980,
                status="paid",
                payment_data={"copy_paste": "x"},
            ),
            uow,
        )
        uow.commit()
        queued = uow.webhook_deliveries.find({}).items
    assert len(queued) == 2
    body = json.loads(queued[0].body)
    assert body["type"] == "checkout.paid" and body["timestamp"] == "2026-12-07T12:00:00Z"
    data = body["data"]
    assert (data["plan_name"], data["bump_names"], data["amount"]) == (
        "Mensal",
        ["Pack extra"],
        3980,
    )
    assert data["customer"] == {"name": "Maria Souza", "email": "maria@example.com"}
    assert data["user"] == {"name": "Maria Souza", "email": "maria@example.com"}
    flat = json.dumps(data)
    assert "12345678909" not in flat and "payment_data" not in flat and "hash" not in flat
    telegram = [d for d in queued if d.channel == TELEGRAM][0]
    assert (
        text_of_body(telegram.body) == "💰 Venda aprovada — Mensal + 1 bump — R$ 39,80 — Maria S."
    )

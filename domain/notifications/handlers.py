"""The one handler of domain events for notifications: whatever the event, it queues it
(domain.notifications.queue) in the unit of work that recorded it, with the data an
operator needs — ids, amounts in cents, plan and bump names, the buyer's name and email;
never a password, token, document or card data."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from domain.notifications.entities import EVENTS
from domain.notifications.queue import enqueue
from ports.unit_of_work import UnitOfWork

# Payload fields an event may carry that never leave the platform.
PRIVATE = frozenset(
    {
        "password",
        "token",
        "card_hash",
        "customer_document",
        "document",
        "payment_data",
        "secret",
        "secret_key",
    }
)


def _plain(value: Any) -> Any:
    if isinstance(value, datetime):
        moment = value if value.tzinfo else value.replace(tzinfo=UTC)
        return moment.astimezone(UTC).isoformat(timespec="seconds").replace("+00:00", "Z")
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if isinstance(value, str):  # a StrEnum as its plain string
        return str(value)
    return value


def _person(uow: UnitOfWork, user_id: Any) -> dict[str, Any] | None:
    user = uow.users.get(user_id) if isinstance(user_id, int) else None
    return {"name": user.name, "email": user.email} if user is not None else None


def _plan_name(uow: UnitOfWork, plan_id: Any) -> str | None:
    plan = uow.plans.get(plan_id) if isinstance(plan_id, int) else None
    return plan.name if plan is not None else None


def _checkout_data(uow: UnitOfWork, checkout_id: Any) -> dict[str, Any]:
    checkout = uow.checkouts.get(checkout_id) if isinstance(checkout_id, int) else None
    if checkout is None:
        return {}
    bumps = uow.order_bumps.get_many(checkout.order_bump_ids or [])
    return {
        "plan_id": checkout.plan_id,
        "plan_name": _plan_name(uow, checkout.plan_id),
        "bump_names": [b.name for b in bumps],
        "amount": checkout.total_amount,
        "payment_method": checkout.payment_method,
        "customer": {"name": checkout.customer_name, "email": checkout.customer_email},
    }


def event_data(event: Any, uow: UnitOfWork) -> dict[str, Any]:
    """The event's payload (private fields dropped), completed from the database."""
    data = {
        k: _plain(v) for k, v in event.payload().items() if k not in PRIVATE and k != "occurred_at"
    }
    if "checkout_id" in data:
        data = {**_checkout_data(uow, data["checkout_id"]), **data}
    elif data.get("plan_id") is not None:
        data["plan_name"] = _plan_name(uow, data["plan_id"])
    if "total_amount" in data:
        data["amount"] = data["total_amount"]
    if data.get("user_id") is not None:
        person = _person(uow, data["user_id"])
        if person is not None:
            data["user"] = person
    return data


def notify(event: Any, uow: UnitOfWork) -> None:
    """Queue `event` for every webhook endpoint and for Telegram, when they chose it
    (an event whose name is not one of EVENTS is for no one outside)."""
    if event.name in EVENTS:
        enqueue(uow, event.name, event_data(event, uow), now=event.occurred_at)

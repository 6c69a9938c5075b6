"""Queueing notifications in the unit of work of the change that causes them: one
delivery row per active endpoint subscribed to the event, and one for Telegram when it
is on for it. Written in the same transaction as the change, a notification is never
lost for a committed change and never sent for a rolled-back one."""

from __future__ import annotations

import json
import secrets
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

from domain.notifications.entities import TELEGRAM, WEBHOOK, Delivery, WebhookEndpoint
from ports.unit_of_work import UnitOfWork

TELEGRAM_ROW = 1  # the one row of `telegram_settings`


def new_message_id() -> str:
    """A Standard Webhooks message id (`webhook-id`): unique, the same on every retry."""
    return "msg_" + secrets.token_urlsafe(18)


def message_body(event: str, data: Mapping[str, Any], now: datetime) -> str:
    """The JSON body `{type, timestamp, data}`, kept as sent (the bytes signed on every
    attempt stay the same)."""
    stamp = now.replace(tzinfo=UTC, microsecond=0).isoformat().replace("+00:00", "Z")
    return json.dumps(
        {"type": event, "timestamp": stamp, "data": dict(data)},
        ensure_ascii=False,
        separators=(",", ":"),
        default=str,
    )


def _delivery(
    channel: str,
    event: str,
    body: str,
    now: datetime,
    endpoint_id: int | None = None,
    message_id: str | None = None,
) -> Delivery:
    return Delivery(
        id=None,
        channel=channel,
        event=event,
        endpoint_id=endpoint_id,
        message_id=message_id or new_message_id(),
        body=body,
        next_attempt_at=now,
        created_at=now,
    )


def enqueue(uow: UnitOfWork, event_name: str, data: Mapping[str, Any], *, now: datetime) -> int:
    """Queue `event_name` with `data` (ids, amounts in cents, names — never a password,
    token or card data) for every target that wants it; returns how many rows."""
    body = message_body(event_name, data, now)
    queued = 0
    for endpoint in uow.webhook_endpoints.find({"is_active": True}).items:
        if event_name in endpoint.events:
            uow.webhook_deliveries.add(_delivery(WEBHOOK, event_name, body, now, endpoint.id))
            queued += 1
    telegram = uow.telegram_settings.get(TELEGRAM_ROW)
    if (
        telegram is not None
        and telegram.is_active
        and event_name in telegram.events
        and telegram.bot_token
        and telegram.chat_id
    ):
        uow.webhook_deliveries.add(_delivery(TELEGRAM, event_name, body, now))
        queued += 1
    return queued


def enqueue_to(
    uow: UnitOfWork,
    endpoint: WebhookEndpoint,
    event_name: str,
    data: Mapping[str, Any],
    *,
    now: datetime,
) -> Delivery:
    """Queue one message to one endpoint whatever its events (a test event)."""
    assert endpoint.id is not None
    body = message_body(event_name, data, now)
    return uow.webhook_deliveries.add(_delivery(WEBHOOK, event_name, body, now, endpoint.id))


def enqueue_again(uow: UnitOfWork, sent: Delivery, *, now: datetime) -> Delivery:
    """A resend: a new row with the same message id and body (the receiver sees the
    same `webhook-id` and can recognise the message)."""
    return uow.webhook_deliveries.add(
        _delivery(sent.channel, sent.event, sent.body, now, sent.endpoint_id, sent.message_id)
    )

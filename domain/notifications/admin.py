"""Administering notifications: webhook endpoints (write-once secrets, rotation), the
delivery log with resend and test events, and the Telegram setting. Each use case is
one transaction."""

from __future__ import annotations

import base64
import secrets
from typing import Any

import attrs
from attrs import frozen

from domain.common.errors import Conflict, NotFound, ValidationError
from domain.common.fields import Boolean, Field, HttpUrl, StrList, Text
from domain.common.pagination import Page, PageRequest
from domain.notifications import entities as n
from domain.notifications import queue
from domain.notifications.delivery import Notifier
from domain.notifications.entities import Delivery, TelegramSettings, WebhookEndpoint
from ports.unit_of_work import UnitOfWork


@frozen
class EventList(StrList):
    """A list of event names, each one of `EVENTS`, without repeats."""

    def parse(self, value: Any, name: str) -> list[str]:
        events = super().parse(value, name)
        unknown = [e for e in events if e not in n.EVENTS]
        if unknown:
            raise ValidationError(
                f"{name}: unknown event {unknown[0]!r} (expected some of {', '.join(n.EVENTS)})",
                field=name,
            )
        return list(dict.fromkeys(events))


ENDPOINT_FIELDS: dict[str, Field] = {
    "url": HttpUrl(
        required=True,
        nullable=False,
        description="https URL receiving the events (http only with "
        "CREATORFLIX_WEBHOOK_ALLOW_PRIVATE)",
    ),
    "events": EventList(required=True, nullable=False, description="event names to send"),
    "description": Text(max_length=500),
    "is_active": Boolean(nullable=False),
}
TELEGRAM_FIELDS: dict[str, Field] = {
    "bot_token": Text(max_length=200, description="write-only; null removes it"),
    "chat_id": Text(max_length=64),
    "events": EventList(nullable=False),
    "is_active": Boolean(nullable=False),
}


def new_secret() -> str:
    """A Standard Webhooks signing secret: `whsec_` + 32 random bytes in base64."""
    return "whsec_" + base64.b64encode(secrets.token_bytes(32)).decode("ascii")


def _endpoint(uow: UnitOfWork, endpoint_id: int) -> WebhookEndpoint:
    found = uow.webhook_endpoints.get(endpoint_id)
    if found is None:
        raise NotFound(f"webhook endpoint {endpoint_id} not found")
    return found


def _check_events(events: list[str]) -> None:
    if not events:
        raise ValidationError("events must name at least one event", field="events")


def create_endpoint(notifier: Notifier, values: dict[str, Any]) -> WebhookEndpoint:
    """A new endpoint with a fresh secret (the caller shows it once: it is never
    returned again). The URL is checked against SSRF first (400 on `url`)."""
    notifier.webhooks.check_url(values["url"])
    _check_events(values["events"])
    now = notifier.clock.now()
    endpoint = WebhookEndpoint(
        id=None,
        url=values["url"],
        events=values["events"],
        description=values.get("description"),
        is_active=values.get("is_active", True),
        secret=new_secret(),
        created_at=now,
        updated_at=now,
    )
    with notifier.uow() as uow:
        created = uow.webhook_endpoints.add(endpoint)
        uow.commit()
    return created


def get_endpoint(notifier: Notifier, endpoint_id: int) -> WebhookEndpoint:
    with notifier.uow() as uow:
        return _endpoint(uow, endpoint_id)


def list_endpoints(notifier: Notifier, page: PageRequest) -> Page[WebhookEndpoint]:
    with notifier.uow() as uow:
        return uow.webhook_endpoints.find({}, order_by=("id",), page=page.page, limit=page.limit)


def update_endpoint(
    notifier: Notifier, endpoint_id: int, changes: dict[str, Any]
) -> WebhookEndpoint:
    """Change url, events, description or is_active; switching an endpoint back on
    clears why the platform switched it off."""
    if "url" in changes:
        notifier.webhooks.check_url(changes["url"])
    if "events" in changes:
        _check_events(changes["events"])
    now = notifier.clock.now()
    with notifier.uow() as uow:
        current = _endpoint(uow, endpoint_id)
        updated = attrs.evolve(current, **changes, updated_at=now)
        if changes.get("is_active") and not current.is_active:
            updated = attrs.evolve(updated, disabled_reason=None, failing_since=None)
        updated = uow.webhook_endpoints.update(updated)
        uow.commit()
    return updated


def delete_endpoint(notifier: Notifier, endpoint_id: int) -> None:
    """Delete an endpoint and its delivery log (nothing more is sent to it)."""
    with notifier.uow() as uow:
        _endpoint(uow, endpoint_id)
        uow.webhook_endpoints.delete(endpoint_id)
        uow.commit()


def rotate_secret(notifier: Notifier, endpoint_id: int) -> WebhookEndpoint:
    """A new secret; the current one keeps signing beside it for ROTATION_OVERLAP."""
    now = notifier.clock.now()
    with notifier.uow() as uow:
        current = _endpoint(uow, endpoint_id)
        rotated = uow.webhook_endpoints.update(
            attrs.evolve(
                current,
                secret=new_secret(),
                previous_secret=current.secret,
                previous_secret_until=now + n.ROTATION_OVERLAP,
                updated_at=now,
            )
        )
        uow.commit()
    return rotated


def list_deliveries(notifier: Notifier, endpoint_id: int, page: PageRequest) -> Page[Delivery]:
    """The endpoint's deliveries, newest first."""
    with notifier.uow() as uow:
        _endpoint(uow, endpoint_id)
        return uow.webhook_deliveries.find(
            {"endpoint_id": endpoint_id}, order_by=("-id",), page=page.page, limit=page.limit
        )


def list_telegram_deliveries(notifier: Notifier, page: PageRequest) -> Page[Delivery]:
    with notifier.uow() as uow:
        return uow.webhook_deliveries.find(
            {"channel": n.TELEGRAM}, order_by=("-id",), page=page.page, limit=page.limit
        )


def resend(notifier: Notifier, delivery_id: int) -> Delivery:
    """Queue a delivery again, with the same webhook-id and body; 409 while it is
    still waiting or being sent, or when its endpoint is disabled."""
    now = notifier.clock.now()
    with notifier.uow() as uow:
        sent = uow.webhook_deliveries.get(delivery_id)
        if sent is None:
            raise NotFound(f"webhook delivery {delivery_id} not found")
        if sent.status in (n.PENDING, n.SENDING):
            raise Conflict("this delivery is still queued")
        if sent.channel == n.WEBHOOK:
            if not _endpoint(uow, sent.endpoint_id).is_active:  # type: ignore[arg-type]
                raise Conflict("the endpoint is disabled: enable it first")
        again = queue.enqueue_again(uow, sent, now=now)
        uow.commit()
    return again


def send_test(notifier: Notifier, endpoint_id: int) -> Delivery:
    """Queue a `webhook.test` message to one endpoint."""
    now = notifier.clock.now()
    with notifier.uow() as uow:
        endpoint = _endpoint(uow, endpoint_id)
        if not endpoint.is_active:
            raise Conflict("the endpoint is disabled: enable it first")
        queued = queue.enqueue_to(
            uow, endpoint, n.TEST_EVENT, {"message": "Evento de teste do CreatorFlix"}, now=now
        )
        uow.commit()
    return queued


def get_telegram(notifier: Notifier) -> TelegramSettings:
    with notifier.uow() as uow:
        found = uow.telegram_settings.get(queue.TELEGRAM_ROW)
    return found or TelegramSettings(id=queue.TELEGRAM_ROW)


def put_telegram(notifier: Notifier, changes: dict[str, Any]) -> TelegramSettings:
    """Change the Telegram setting (created on first use); being on needs a bot token,
    a chat id and at least one event."""
    now = notifier.clock.now()
    with notifier.uow() as uow:
        current = uow.telegram_settings.get(queue.TELEGRAM_ROW)
        updated = attrs.evolve(
            current or TelegramSettings(id=queue.TELEGRAM_ROW), **changes, updated_at=now
        )
        if updated.is_active:
            for name in ("bot_token", "chat_id", "events"):
                if not getattr(updated, name):
                    raise ValidationError(f"{name} is required to turn Telegram on", field=name)
        stored = (
            uow.telegram_settings.update(updated)
            if current is not None
            else uow.telegram_settings.add(updated)
        )
        uow.commit()
    return stored


def send_telegram_test(notifier: Notifier) -> Delivery:
    """Queue a test message to the Telegram chat."""
    now = notifier.clock.now()
    with notifier.uow() as uow:
        settings = uow.telegram_settings.get(queue.TELEGRAM_ROW)
        if settings is None or not (settings.is_active and settings.bot_token and settings.chat_id):
            raise Conflict("Telegram is off: turn it on first")
        body = queue.message_body(n.TEST_EVENT, {"message": "Evento de teste do CreatorFlix"}, now)
        queued = uow.webhook_deliveries.add(
            Delivery(
                id=None,
                channel=n.TELEGRAM,
                event=n.TEST_EVENT,
                message_id=queue.new_message_id(),
                body=body,
                next_attempt_at=now,
                created_at=now,
            )
        )
        uow.commit()
    return queued

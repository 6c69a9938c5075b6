"""Pony entities of the notification tables (migration 0015), declared beside the
others by adapters.pony.entities.define_entities."""

from __future__ import annotations

from datetime import datetime

from pony.orm import Json, Optional, PrimaryKey, Required


def _text(column: str) -> Optional:
    return Optional(str, column=column, nullable=True)


def _when(column: str) -> Optional:
    return Optional(datetime, column=column, nullable=True)


def define_notification_entities(db) -> dict:
    """The entities by unit-of-work attribute name."""

    class WebhookEndpointRow(db.Entity):
        _table_ = "webhook_endpoints"
        id = PrimaryKey(int, auto=True, column="id")
        url = Required(str, column="url")
        events = Required(Json, column="events")
        description = _text("description")
        is_active = Required(bool, column="is_active", default=True)
        secret = Required(str, column="secret")
        previous_secret = _text("previous_secret")
        previous_secret_until = _when("previous_secret_until")
        failing_since = _when("failing_since")
        disabled_reason = _text("disabled_reason")
        created_at = _when("created_at")
        updated_at = _when("updated_at")

    class TelegramSettingsRow(db.Entity):
        _table_ = "telegram_settings"
        id = PrimaryKey(int, auto=False, column="id")
        bot_token = _text("bot_token")
        chat_id = _text("chat_id")
        events = Required(Json, column="events")
        is_active = Required(bool, column="is_active", default=False)
        updated_at = _when("updated_at")

    class DeliveryRow(db.Entity):
        _table_ = "webhook_deliveries"
        id = PrimaryKey(int, auto=True, column="id")
        channel = Required(str, column="channel")
        endpoint_id = Optional(int, column="endpoint_id", nullable=True)
        event = Required(str, column="event")
        message_id = Required(str, column="message_id")
        body = Required(str, column="body")
        status = Required(str, column="status", default="pending")
        attempts = Required(int, column="attempts", default=0)
        first_attempt_at = _when("first_attempt_at")
        next_attempt_at = _when("next_attempt_at")
        claim_token = _text("claim_token")
        claimed_until = _when("claimed_until")
        status_code = Optional(int, column="status_code", nullable=True)
        duration_ms = Optional(int, column="duration_ms", nullable=True)
        response_excerpt = _text("response_excerpt")
        last_error = _text("last_error")
        created_at = _when("created_at")
        delivered_at = _when("delivered_at")

    return {
        "webhook_endpoints": WebhookEndpointRow,
        "webhook_deliveries": DeliveryRow,
        "telegram_settings": TelegramSettingsRow,
    }

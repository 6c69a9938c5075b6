"""Admin routes of notifications: webhook endpoints (the secret shown once, at creation
and rotation), their delivery log with resend and test events, and Telegram."""

from __future__ import annotations

from typing import Any

import falcon

from domain.common.fields import parse_fields
from domain.common.pagination import PageRequest
from domain.notifications import admin
from domain.notifications.delivery import Notifier
from domain.notifications.entities import EVENTS, Delivery, TelegramSettings, WebhookEndpoint
from entrypoints.bootstrap import Deps
from entrypoints.http.crud import PAGE_PARAMS
from entrypoints.http.json_io import page_json, read_json, to_json
from entrypoints.http.routes import ADMIN, Operation, Route
from entrypoints.http.schemas import body_schema, entity_schema, nullable, page_schema

TAGS = ("notifications",)
_SECRETS = ("secret", "previous_secret", "previous_secret_until")
_EVENT_NAMES = {"type": "string", "enum": list(EVENTS)}


def _events_enum(schema: dict) -> dict:
    """A body schema whose `events` items are the known event names."""
    events = schema["properties"].get("events")
    if events is not None:
        events["items"] = _EVENT_NAMES
    return schema


ENDPOINT_SCHEMA = entity_schema(
    WebhookEndpoint,
    _SECRETS,
    {
        "rotating_until": nullable(
            {
                "type": "string",
                "format": "date-time",
                "description": "until when the previous secret still signs",
            }
        )
    },
)
WITH_SECRET_SCHEMA = entity_schema(
    WebhookEndpoint,
    _SECRETS,
    {
        **ENDPOINT_SCHEMA["properties"],
        "secret": {"type": "string", "description": "whsec_…: shown this once"},
    },
)
DELIVERY_SCHEMA = entity_schema(
    Delivery,
    ("claim_token", "claimed_until", "body"),
    {"payload": {"type": "object", "description": "the JSON body sent"}},
)
TELEGRAM_SCHEMA = entity_schema(
    TelegramSettings, ("bot_token",), {"has_bot_token": {"type": "boolean"}}
)
EVENTS_SCHEMA = {
    "type": "object",
    "required": ["events"],
    "properties": {"events": {"type": "array", "items": _EVENT_NAMES}},
}


def endpoint_json(endpoint: WebhookEndpoint) -> dict[str, Any]:
    """An endpoint without its secrets."""
    found = to_json(endpoint, _SECRETS)
    found["rotating_until"] = endpoint.previous_secret_until if endpoint.previous_secret else None
    return found


def delivery_json(delivery: Delivery) -> dict[str, Any]:
    import json

    found = to_json(delivery, ("claim_token", "claimed_until", "body"))
    found["payload"] = json.loads(delivery.body)
    return found


def telegram_json(settings: TelegramSettings) -> dict[str, Any]:
    found = to_json(settings, ("bot_token",))
    found["has_bot_token"] = bool(settings.bot_token)
    return found


class _Base:
    def __init__(self, notifier: Notifier, max_body: int):
        self.notifier, self.max_body = notifier, max_body

    def _body(self, req: falcon.Request) -> Any:
        return read_json(req, self.max_body)


class Endpoints(_Base):
    def on_get(self, req: falcon.Request, resp: falcon.Response) -> None:
        page = admin.list_endpoints(self.notifier, PageRequest.parse(req.params))
        resp.media = page_json(page, endpoint_json)

    def on_post(self, req: falcon.Request, resp: falcon.Response) -> None:
        values = parse_fields(admin.ENDPOINT_FIELDS, self._body(req), partial=False)
        created = admin.create_endpoint(self.notifier, values)
        resp.media = {**endpoint_json(created), "secret": created.secret}
        resp.status = falcon.HTTP_201


class Endpoint(_Base):
    def on_get(self, req: falcon.Request, resp: falcon.Response, id: int) -> None:
        resp.media = endpoint_json(admin.get_endpoint(self.notifier, id))

    def on_patch(self, req: falcon.Request, resp: falcon.Response, id: int) -> None:
        changes = parse_fields(admin.ENDPOINT_FIELDS, self._body(req), partial=True)
        resp.media = endpoint_json(admin.update_endpoint(self.notifier, id, changes))

    def on_delete(self, req: falcon.Request, resp: falcon.Response, id: int) -> None:
        admin.delete_endpoint(self.notifier, id)
        resp.status = falcon.HTTP_204


class RotateSecret(_Base):
    def on_post(self, req: falcon.Request, resp: falcon.Response, id: int) -> None:
        rotated = admin.rotate_secret(self.notifier, id)
        resp.media = {**endpoint_json(rotated), "secret": rotated.secret}


class EndpointDeliveries(_Base):
    def on_get(self, req: falcon.Request, resp: falcon.Response, id: int) -> None:
        page = admin.list_deliveries(self.notifier, id, PageRequest.parse(req.params))
        resp.media = page_json(page, delivery_json)


class TestEvent(_Base):
    def on_post(self, req: falcon.Request, resp: falcon.Response, id: int) -> None:
        resp.media = delivery_json(admin.send_test(self.notifier, id))
        resp.status = falcon.HTTP_202


class Resend(_Base):
    def on_post(self, req: falcon.Request, resp: falcon.Response, id: int) -> None:
        resp.media = delivery_json(admin.resend(self.notifier, id))
        resp.status = falcon.HTTP_202


class Telegram(_Base):
    def on_get(self, req: falcon.Request, resp: falcon.Response) -> None:
        resp.media = telegram_json(admin.get_telegram(self.notifier))

    def on_put(self, req: falcon.Request, resp: falcon.Response) -> None:
        changes = parse_fields(admin.TELEGRAM_FIELDS, self._body(req), partial=True)
        resp.media = telegram_json(admin.put_telegram(self.notifier, changes))


class TelegramDeliveries(_Base):
    def on_get(self, req: falcon.Request, resp: falcon.Response) -> None:
        page = admin.list_telegram_deliveries(self.notifier, PageRequest.parse(req.params))
        resp.media = page_json(page, delivery_json)


class TelegramTest(_Base):
    def on_post(self, req: falcon.Request, resp: falcon.Response) -> None:
        resp.media = delivery_json(admin.send_telegram_test(self.notifier))
        resp.status = falcon.HTTP_202


class Events(_Base):
    def on_get(self, req: falcon.Request, resp: falcon.Response) -> None:
        resp.media = {"events": list(EVENTS)}


def routes(deps: Deps) -> list[Route]:
    edge = (deps.notifier, deps.config.max_body_bytes)
    base = "/api/admin/webhook-endpoints"
    endpoint_body = _events_enum(body_schema(admin.ENDPOINT_FIELDS))
    endpoint_patch = _events_enum(body_schema(admin.ENDPOINT_FIELDS, partial=True))
    telegram_body = _events_enum(body_schema(admin.TELEGRAM_FIELDS, partial=True))
    deliveries = page_schema(DELIVERY_SCHEMA)
    return [
        Route(
            "/api/admin/notifications/events",
            Events(*edge),
            (
                Operation(
                    "GET",
                    "The event names an endpoint or Telegram can receive",
                    ADMIN,
                    tags=TAGS,
                    responses={200: EVENTS_SCHEMA},
                ),
            ),
        ),
        Route(
            base,
            Endpoints(*edge),
            (
                Operation(
                    "GET",
                    "List webhook endpoints (secrets are never returned)",
                    ADMIN,
                    tags=TAGS,
                    params=PAGE_PARAMS,
                    responses={200: page_schema(ENDPOINT_SCHEMA)},
                ),
                Operation(
                    "POST",
                    "Register a webhook endpoint (https, public address); the "
                    "answer holds its signing secret, shown this once",
                    ADMIN,
                    tags=TAGS,
                    request=endpoint_body,
                    responses={201: WITH_SECRET_SCHEMA},
                ),
            ),
        ),
        Route(
            f"{base}/{{id:id}}",
            Endpoint(*edge),
            (
                Operation(
                    "GET",
                    "Read a webhook endpoint",
                    ADMIN,
                    tags=TAGS,
                    responses={200: ENDPOINT_SCHEMA},
                ),
                Operation(
                    "PATCH",
                    "Change a webhook endpoint (is_active true re-enables one "
                    "the platform disabled)",
                    ADMIN,
                    tags=TAGS,
                    request=endpoint_patch,
                    responses={200: ENDPOINT_SCHEMA},
                ),
                Operation(
                    "DELETE",
                    "Delete a webhook endpoint and its delivery log",
                    ADMIN,
                    tags=TAGS,
                    responses={204: None},
                ),
            ),
        ),
        Route(
            f"{base}/{{id:id}}/rotate-secret",
            RotateSecret(*edge),
            (
                Operation(
                    "POST",
                    "A new signing secret (shown this once); the previous one "
                    "keeps signing for 24 h",
                    ADMIN,
                    tags=TAGS,
                    request_required=False,
                    responses={200: WITH_SECRET_SCHEMA},
                ),
            ),
        ),
        Route(
            f"{base}/{{id:id}}/deliveries",
            EndpointDeliveries(*edge),
            (
                Operation(
                    "GET",
                    "The endpoint's deliveries, newest first",
                    ADMIN,
                    tags=TAGS,
                    params=PAGE_PARAMS,
                    responses={200: deliveries},
                ),
            ),
        ),
        Route(
            f"{base}/{{id:id}}/test",
            TestEvent(*edge),
            (
                Operation(
                    "POST",
                    "Queue a webhook.test event to this endpoint",
                    ADMIN,
                    tags=TAGS,
                    request_required=False,
                    responses={202: DELIVERY_SCHEMA, 409: None},
                ),
            ),
        ),
        Route(
            "/api/admin/webhook-deliveries/{id:id}/resend",
            Resend(*edge),
            (
                Operation(
                    "POST",
                    "Send a delivery again, with the same webhook-id",
                    ADMIN,
                    tags=TAGS,
                    request_required=False,
                    responses={202: DELIVERY_SCHEMA, 409: None},
                ),
            ),
        ),
        Route(
            "/api/admin/notifications/telegram",
            Telegram(*edge),
            (
                Operation(
                    "GET",
                    "The Telegram setting (the bot token is never returned)",
                    ADMIN,
                    tags=TAGS,
                    responses={200: TELEGRAM_SCHEMA},
                ),
                Operation(
                    "PUT",
                    "Change the Telegram setting (bot_token write-only; on needs "
                    "a token, a chat id and events)",
                    ADMIN,
                    tags=TAGS,
                    request=telegram_body,
                    responses={200: TELEGRAM_SCHEMA},
                ),
            ),
        ),
        Route(
            "/api/admin/notifications/telegram/deliveries",
            TelegramDeliveries(*edge),
            (
                Operation(
                    "GET",
                    "Telegram's deliveries, newest first",
                    ADMIN,
                    tags=TAGS,
                    params=PAGE_PARAMS,
                    responses={200: deliveries},
                ),
            ),
        ),
        Route(
            "/api/admin/notifications/telegram/test",
            TelegramTest(*edge),
            (
                Operation(
                    "POST",
                    "Queue a test message to the Telegram chat",
                    ADMIN,
                    tags=TAGS,
                    request_required=False,
                    responses={202: DELIVERY_SCHEMA, 409: None},
                ),
            ),
        ),
    ]

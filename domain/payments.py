"""Payment gateways configuration and the log of processed notifications."""
from __future__ import annotations

from datetime import datetime

from attrs import field, frozen

JUNGLEPAY = "junglepay"
DIAS = "dias"
SANDBOX = "sandbox"
GATEWAY_NAMES = (JUNGLEPAY, DIAS, SANDBOX)


@frozen
class PaymentGatewayConfig:
    """Table `payment_gateways`. `secret_key` is write-only: never serialised or logged."""

    id: int | None
    name: str
    public_key: str | None = None
    secret_key: str | None = field(default=None, repr=False)
    postback_url: str | None = None
    is_active: bool = False


@frozen
class PaymentNotification:
    """Table `payment_notifications` (ours): one row per notification processed, unique
    by (gateway, event_key), so a repeated notification is recognised and ignored."""

    id: int | None
    gateway: str
    event_key: str
    external_id: str | None = None
    status: str | None = None
    checkout_id: int | None = None
    outcome: str | None = None
    received_at: datetime | None = None

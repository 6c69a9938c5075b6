"""What the payment routes share: the JSON (and schemas) of a checkout as its buyer
sees it, and the buyer's access token. (The PaymentService is wired in
entrypoints.bootstrap: Deps.payments_service.)"""

from __future__ import annotations

from typing import Any

import falcon

from domain.payments.buying import CheckoutView
from entrypoints.http.routes import Param
from entrypoints.http.schemas import ERROR_SCHEMA, nullable

CHECKOUT_TOKEN_HEADER = "X-Checkout-Token"
# The buyer's access token travels in a header, out of URLs (and so out of access logs,
# browser history and Referer); the query parameter is still accepted.
ACCESS_TOKEN_PARAMS = (
    Param(
        CHECKOUT_TOKEN_HEADER,
        {"type": "string", "maxLength": 4096},
        "the access token returned when the checkout was created (preferred)",
        location="header",
    ),
    Param(
        "access_token",
        {"type": "string", "maxLength": 4096},
        f"the same token in the URL (accepted; prefer the {CHECKOUT_TOKEN_HEADER} header)",
    ),
)


def checkout_token(req: falcon.Request) -> str | None:
    """The buyer's access token: the X-Checkout-Token header, else ?access_token=."""
    return req.get_header(CHECKOUT_TOKEN_HEADER) or req.get_param("access_token")


_STR = {"type": "string"}
_NSTR = nullable(_STR)
_INT = {"type": "integer"}

PAYMENT_SCHEMA = {
    "type": "object",
    "description": "How to pay: a PIX code (qr_code = the QR payload, copy_paste = the "
    "same text), a card outcome, or the external checkout to redirect to.",
    "required": [
        "provider",
        "method",
        "status",
        "qr_code",
        "copy_paste",
        "expires_at",
        "secure_url",
        "redirect_url",
    ],
    "properties": {
        "provider": {"type": "string", "enum": ["junglepay", "sandbox", "dias"]},
        "method": {"type": "string", "enum": ["pix", "credit_card"]},
        "status": _NSTR,
        "qr_code": _NSTR,
        "copy_paste": _NSTR,
        "expires_at": _NSTR,
        "secure_url": _NSTR,
        "redirect_url": _NSTR,
    },
}
SET_PASSWORD_LINK_SCHEMA = {
    "type": "object",
    "required": ["token", "url"],
    "description": "Once paid, for an account created for the buyer: choose its password "
    "with POST /api/auth/set-password (the token dies once it is used).",
    "properties": {"token": _STR, "url": _STR},
}
CHECKOUT_VIEW_SCHEMA: dict[str, Any] = {
    "type": "object",
    "required": [
        "id",
        "status",
        "plan_id",
        "order_bump_ids",
        "payment_method",
        "total_amount",
        "created_at",
        "updated_at",
        "payment",
        "set_password",
    ],
    "properties": {
        "id": _INT,
        "status": {
            "type": "string",
            "enum": ["pending", "paid", "failed", "abandoned", "refunded"],
        },
        "plan_id": _INT,
        "order_bump_ids": {"type": "array", "items": _INT},
        "payment_method": nullable({"type": "string", "enum": ["pix", "credit_card"]}),
        "total_amount": {**_INT, "description": "cents, computed by the server"},
        "created_at": nullable({"type": "string", "format": "date-time"}),
        "updated_at": nullable({"type": "string", "format": "date-time"}),
        "payment": nullable(PAYMENT_SCHEMA),
        "set_password": nullable(SET_PASSWORD_LINK_SCHEMA),
    },
}
CHECKOUT_CREATED_SCHEMA = {
    **CHECKOUT_VIEW_SCHEMA,
    "required": CHECKOUT_VIEW_SCHEMA["required"] + ["access_token"],
    "properties": {
        **CHECKOUT_VIEW_SCHEMA["properties"],
        "access_token": {
            **_STR,
            "description": "lets the buyer poll "
            "GET /api/checkouts/{id} with the header "
            "X-Checkout-Token (or ?access_token=)",
        },
    },
}
# 503/504 while charging: the error, and the checkout kept pending for the buyer to poll.
CHECKOUT_PENDING_ERROR_SCHEMA = {
    **ERROR_SCHEMA,
    "properties": {**ERROR_SCHEMA["properties"], "checkout": CHECKOUT_CREATED_SCHEMA},
}


def payment_json(payment_data: dict | None, payment_method: str | None) -> dict | None:
    if not payment_data:
        return None
    code = payment_data.get("qr_code")
    return {
        "provider": payment_data.get("provider"),
        "method": payment_data.get("method") or payment_method,
        "status": payment_data.get("status"),
        "qr_code": code,
        "copy_paste": code,
        "expires_at": payment_data.get("expires_at"),
        "secure_url": payment_data.get("secure_url"),
        "redirect_url": payment_data.get("redirect_url"),
    }


def checkout_view_json(view: CheckoutView, public_url: str) -> dict[str, Any]:
    c = view.checkout
    body: dict[str, Any] = {
        "id": c.id,
        "status": c.status,
        "plan_id": c.plan_id,
        "order_bump_ids": list(c.order_bump_ids or []),
        "payment_method": c.payment_method,
        "total_amount": c.total_amount,
        "created_at": c.created_at,
        "updated_at": c.updated_at,
        "payment": payment_json(
            c.payment_data.as_json() if c.payment_data else None, c.payment_method
        ),
        "set_password": None,
    }
    if view.set_password_token:
        body["set_password"] = {
            "token": view.set_password_token,
            "url": f"{public_url.rstrip('/')}/set-password?token={view.set_password_token}",
        }
    if view.access_token:
        body["access_token"] = view.access_token
    return body

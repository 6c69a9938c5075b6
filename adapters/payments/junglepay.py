"""JunglePay over `requests`: POST /v1/transactions to charge, GET to read back.
HTTP Basic with the secret key as user name and "x" as password. Nothing here logs a
request or response body: they carry customer data and the tokenised card."""

from __future__ import annotations

import logging
from typing import Any
from urllib.parse import quote

import requests

from domain.common.errors import (
    FinalRefusal,
    GatewayRejected,
    GatewayTimeout,
    PaymentRefused,
    ServiceUnavailable,
)
from domain.payments.checkout import PIX
from domain.payments.gateways import Charge, ChargeRequest, SavedCard, SavedCardCharge, Transaction

log = logging.getLogger("creatorflix.junglepay")

# (connect, read) seconds; CREATORFLIX_GATEWAY_CONNECT_TIMEOUT and _READ_TIMEOUT set them.
DEFAULT_TIMEOUT = (3.0, 8.0)


def charge_body(request: ChargeRequest) -> dict[str, Any]:
    """The JSON body of POST /v1/transactions (amounts in centavos)."""
    customer = request.customer
    body: dict[str, Any] = {
        "amount": request.amount,
        "paymentMethod": request.payment_method,
        "customer": {
            "name": customer.name,
            "email": customer.email,
            "phone": customer.phone,
            "document": {"number": customer.document, "type": "cpf"},
        },
        "items": [
            {
                "title": item.title,
                "unitPrice": item.unit_price,
                "quantity": item.quantity,
                "tangible": False,
            }
            for item in request.items
        ],
        "postbackUrl": request.postback_url,
    }
    if request.payment_method == PIX:
        body["pix"] = {"expiresInDays": request.pix_expires_in_days}
    else:
        body["installments"] = request.installments
        body["card"] = {"hash": request.card_hash}
    return body


# JunglePay's `refusedReason`s after which the same card can never be charged again:
# the renewal skips its retries (issue 25).
FINAL_REASONS = frozenset(
    {
        "card_canceled",
        "card_cancelled",
        "stolen_card",
        "lost_card",
        "expired_card",
        "invalid_card",
        "card_blocked",
    }
)


def saved_card_body(request: SavedCardCharge) -> dict[str, Any]:
    """The JSON body of POST /v1/transactions charging a saved card (`card: {id}`
    instead of the card's data), in one installment."""
    customer = request.customer
    return {
        "amount": request.amount,
        "paymentMethod": "credit_card",
        "customer": {
            "name": customer.name,
            "email": customer.email,
            "phone": customer.phone,
            "document": {"number": customer.document, "type": "cpf"},
        },
        "items": [
            {
                "title": item.title,
                "unitPrice": item.unit_price,
                "quantity": item.quantity,
                "tangible": False,
            }
            for item in request.items
        ],
        "postbackUrl": request.postback_url,
        "installments": 1,
        "card": {"id": request.card_ref},
    }


def saved_card(data: dict[str, Any]) -> SavedCard | None:
    """The reusable card of a transaction (`card: {id, reusable: true, brand,
    lastDigits}`), else None."""
    card = data.get("card")
    if not isinstance(card, dict) or card.get("reusable") is not True:
        return None
    ref = card.get("id")
    if not isinstance(ref, (str, int)) or isinstance(ref, bool) or ref == "":
        return None
    brand, last4 = card.get("brand"), card.get("lastDigits")
    return SavedCard(
        ref=str(ref),
        brand=str(brand)[:20] if isinstance(brand, str) else None,
        last4=str(last4)[-4:]
        if isinstance(last4, (str, int)) and not isinstance(last4, bool)
        else None,
    )


class JunglePayGateway:
    """The PaymentGateway port over JunglePay's transaction API."""

    def __init__(
        self,
        base_url: str,
        secret_key: str,
        *,
        session: requests.Session | None = None,
        timeout: tuple[float, float] = DEFAULT_TIMEOUT,
    ):
        self._base = base_url.rstrip("/")
        self._auth = (secret_key, "x")
        self._session = session or requests.Session()
        self._timeout = timeout

    def __repr__(self) -> str:  # never show the key
        return f"JunglePayGateway({self._base!r})"

    def create_charge(self, request: ChargeRequest) -> Charge:
        response = self._send("POST", "/v1/transactions", json=charge_body(request))
        if response.status_code == 402:
            raise PaymentRefused("the payment was refused")
        data = self._json(response, hide=request.card_hash)
        pix = data.get("pix")
        if not isinstance(pix, dict):
            pix = {}
        return Charge(
            external_id=self._id(data),
            status=str(data.get("status") or ""),
            pix_code=_opt(pix.get("qrcode")),
            pix_expires_at=_opt(pix.get("expirationDate")),
            secure_url=_opt(data.get("secureUrl")),
        )

    def charge_saved_card(self, request: SavedCardCharge) -> Charge:
        response = self._send("POST", "/v1/transactions", json=saved_card_body(request))
        if response.status_code == 402:
            reason = _refused_reason(response)
            if reason in FINAL_REASONS:
                raise FinalRefusal(f"the card was refused for good ({reason})")
            raise PaymentRefused("the payment was refused")
        data = self._json(response, hide=request.card_ref)
        return Charge(external_id=self._id(data), status=str(data.get("status") or ""))

    def get_transaction(self, external_id: str) -> Transaction | None:
        response = self._send("GET", f"/v1/transactions/{quote(external_id, safe='')}")
        if response.status_code == 404:
            return None
        data = self._json(response)
        amount = data.get("amount")
        customer = data.get("customer")
        if not isinstance(customer, dict):
            customer = {}
        email = customer.get("email")
        method = data.get("paymentMethod")
        return Transaction(
            external_id=self._id(data),
            status=str(data.get("status") or ""),
            amount=amount if isinstance(amount, int) and not isinstance(amount, bool) else None,
            customer_email=email if isinstance(email, str) else None,
            payment_method=method if isinstance(method, str) else None,
            card=saved_card(data),
        )

    # -- plumbing ------------------------------------------------------------------
    def _send(self, method: str, path: str, **kwargs) -> requests.Response:
        try:
            response = self._session.request(
                method, self._base + path, auth=self._auth, timeout=self._timeout, **kwargs
            )
        except requests.ConnectTimeout:
            log.warning("junglepay %s %s: connect timeout", method, path)
            raise ServiceUnavailable("the payment gateway cannot be reached") from None
        except requests.Timeout:
            log.warning("junglepay %s %s: no answer in time", method, path)
            raise GatewayTimeout("the payment gateway did not answer in time") from None
        except requests.RequestException as exc:
            log.warning("junglepay %s %s: %s", method, path, type(exc).__name__)
            raise ServiceUnavailable("the payment gateway cannot be reached") from None
        log.info("junglepay %s %s -> %s", method, path, response.status_code)
        return response

    def _json(self, response: requests.Response, hide: str | None = None) -> dict[str, Any]:
        status = response.status_code
        if status in (401, 403):
            log.error("junglepay refused our credentials (%s): check the secret key", status)
            raise ServiceUnavailable("the payment gateway is misconfigured")
        if status in (400, 422):
            # Its validation refused what we sent: the same request would be refused
            # again, so this is no "retry later".
            reason = _reason(response)
            if hide:  # should it quote the card token back, it goes no further
                reason = reason.replace(hide, "[card]")
            log.error("junglepay rejected our request with %s: %s", status, reason)
            raise GatewayRejected(f"the payment gateway rejected the request: {reason}")
        if not 200 <= status < 300:
            if 400 <= status < 500:
                log.error("junglepay refused our request with %s", status)
            raise ServiceUnavailable("the payment gateway failed")
        try:
            data = response.json()
        except ValueError:
            data = None
        if not isinstance(data, dict):
            log.error("junglepay answered %s without a JSON object", status)
            raise ServiceUnavailable("the payment gateway gave an unreadable answer")
        return data

    @staticmethod
    def _id(data: dict[str, Any]) -> str:
        value = data.get("id")
        if isinstance(value, bool) or not isinstance(value, (str, int)) or value == "":
            log.error("junglepay answered without a transaction id")
            raise ServiceUnavailable("the payment gateway gave an unreadable answer")
        return str(value)


def _reason(response: requests.Response, limit: int = 300) -> str:
    """JunglePay's explanation (`message`, `errors`), as printable text, bounded. It
    answers about our request body, which holds no secret (the key is in a header)."""
    try:
        data = response.json()
    except ValueError:
        data = None
    parts = []
    if isinstance(data, dict):
        parts.append(data.get("message"))
        errors = data.get("errors")
        parts.extend(errors if isinstance(errors, list) else [errors])
    text = "; ".join(str(p) for p in parts if isinstance(p, (str, int)) and p != "")
    text = "".join(c if c.isprintable() else " " for c in text)[:limit].strip()
    return text or f"HTTP {response.status_code}"


def _refused_reason(response: requests.Response) -> str | None:
    try:
        data = response.json()
    except ValueError:
        return None
    reason = data.get("refusedReason") if isinstance(data, dict) else None
    return reason if isinstance(reason, str) else None


def _opt(value: Any) -> str | None:
    return str(value) if isinstance(value, (str, int)) and value != "" else None

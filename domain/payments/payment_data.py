"""What we keep about a checkout's payment (column `checkouts.payment_data`, JSON): the
gateway that charges it, what the buyer needs to pay, and a few marks of its history.
The repositories map it to and from its JSON object; keys this version does not know
(rows of an adopted database, a later version's) are kept in `extra`, never lost."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import attrs
from attrs import field, frozen

# The JSON keys of the fields below, in the order they are written.
_KEYS = (
    "provider",
    "method",
    "status",
    "qr_code",
    "expires_at",
    "secure_url",
    "redirect_url",
    "account_created",
    "review_settled",
    "unclaimed",
    "charge",
    "paid_with",
    "renewal_consent",
    "coupon",
    "recurrence_id",
    "recurrence_status",
    "recurrence_first_due",
)
_FLAGS = ("account_created", "unclaimed", "renewal_consent")


@frozen(kw_only=True)
class PaymentData:
    provider: str | None = None  # the gateway charging it: sandbox, junglepay, dias
    method: str | None = None  # pix or credit_card, as it was charged
    status: str | None = None  # the gateway's own status, shown next to ours
    qr_code: str | None = None  # the PIX copy-and-paste code
    expires_at: str | None = None  # the PIX code's expiry, as the gateway wrote it
    secure_url: str | None = None  # the gateway's page for this payment
    redirect_url: str | None = None  # Dias: where the buyer pays
    # This payment opened the buyer's account (they may then choose its password).
    account_created: bool = False
    review_settled: str | None = None  # an administrator settled it from review as...
    # Paid, but an unverified account has its email: no one's until the link mailed to
    # the address claims it (domain.payments.claims).
    unclaimed: bool = False
    # Whether the gateway was called, while no transaction is known: not_sent, charging
    # (domain.payments.idempotency).
    charge: str | None = None
    # How the gateway said the buyer paid when it read the transaction back (JunglePay's
    # paymentMethod); never the client's word.
    paid_with: str | None = None
    # Automatic renewal (issue 25): the buyer agreed that the card is charged at every
    # period; the coupon applied ({id, code, discount}).
    renewal_consent: bool = False
    coupon: Mapping[str, Any] | None = None
    # Pix Automático (method pix_automatico, domain.payments.pix_recurrences): the
    # recurrence the QR authorises (idRec), its status as last read back, and its first
    # due date (ISO), where the first period ends once the recurrence renews it.
    recurrence_id: str | None = None
    recurrence_status: str | None = None
    recurrence_first_due: str | None = None
    extra: Mapping[str, Any] = field(factory=dict)  # keys we do not know, as read

    @classmethod
    def from_json(cls, value: Mapping[str, Any]) -> PaymentData:
        known = {k: value[k] for k in _KEYS if k in value and value[k] is not None}
        for flag in _FLAGS:
            if flag in known:
                known[flag] = bool(known[flag])
        return cls(**known, extra={k: v for k, v in value.items() if k not in _KEYS})

    def as_json(self) -> dict[str, Any]:
        """The JSON object stored: the fields that hold something, then `extra`."""
        values = {k: getattr(self, k) for k in _KEYS}
        stored = {k: v for k, v in values.items() if v is not None and v is not False}
        return {**stored, **self.extra}

    def anonymised(self) -> PaymentData:
        """What the payment was, without what could identify its payer (a PIX code,
        links, keys we do not know): for an erased account (LGPD)."""
        return PaymentData(
            provider=self.provider,
            method=self.method,
            status=self.status,
            account_created=self.account_created,
        )

    def confirms_card(self) -> bool:
        """A card payment our own gateway confirmed: JunglePay read the transaction back
        as paid by credit card. An external page (Dias) never says how the buyer paid,
        whatever the client declared; the sandbox's card is no card."""
        return self.provider == "junglepay" and self.paid_with == "credit_card"

    def but(self, **changes: Any) -> PaymentData:
        """A copy with `changes` (field names)."""
        return attrs.evolve(self, **changes)


def to_payment_data(value: PaymentData | Mapping[str, Any] | None) -> PaymentData | None:
    """Checkout.payment_data's converter: a PaymentData, or its JSON object (as rows and
    older callers give it)."""
    if value is None or isinstance(value, PaymentData):
        return value
    return PaymentData.from_json(value)


def payment_of(payment_data: PaymentData | None) -> PaymentData:
    """The payment data, or an empty one (a row copied from the original has none)."""
    return payment_data if payment_data is not None else PaymentData()

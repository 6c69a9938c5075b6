"""Commands of the payment use cases, and the fields the edge reads them from."""

from __future__ import annotations

from typing import Any

from attrs import field, frozen

from domain.accounts.users import User
from domain.common.errors import ValidationError
from domain.common.fields import Boolean, Choice, HttpUrl, Integer, IntList, Text
from domain.payments.checkout import FAILED, PAID, PAYMENT_METHODS
from domain.payments.customer import Customer, CustomerField
from domain.payments.gateways import PIX_ACCOUNT_FORMAT, PIX_ACCOUNT_TYPES, normal_pix_account

# Names a client might use for a total: accepted and dropped (documented so in the API),
# since the server alone prices a checkout.
CLIENT_TOTALS = ("total", "total_amount", "amount")


@frozen
class StartCheckout:
    """Buy a plan with order bumps. `buyer`: the logged-in caller, if any."""

    plan_id: int
    payment_method: str
    customer: Customer
    order_bump_ids: list[int] = field(factory=list)
    card_hash: str | None = None
    installments: int | None = None
    # The buyer agreed that the card is charged at every period (automatic plans).
    renewal_consent: bool = False
    coupon: str | None = None  # a coupon's code (domain.payments.coupons)
    buyer: User | None = None
    # The request's Idempotency-Key header (domain.payments.idempotency).
    idempotency_key: str | None = None


START_CHECKOUT_FIELDS = {
    "plan_id": Integer(required=True, nullable=False, minimum=1),
    "payment_method": Choice(required=True, nullable=False, choices=PAYMENT_METHODS),
    "order_bump_ids": IntList(description="order bumps to add (duplicates count once)"),
    "customer": CustomerField(required=True, nullable=False),
    "card_hash": Text(
        max_length=4096,
        description="the card tokenised in the browser with the gateway's public key",
    ),
    "installments": Integer(minimum=1, maximum=12),
    "coupon": Text(
        max_length=40,
        description="a coupon's code (case-insensitive): the server applies it to the plan's price",
    ),
    "renewal_consent": Boolean(
        nullable=False,
        description="the buyer agrees that the "
        "card is charged the plan's price at every period "
        "(required to pay an automatic plan by card)",
    ),
}


MAX_PEM = 20_000  # a certificate chain and its key, with room to spare


@frozen
class ConfigureGateway:
    """Change a gateway's settings; `changes` holds only the fields given (PATCH-like),
    each as its GATEWAY_FIELDS field read it (text, URL or bool: hence Any)."""

    name: str
    changes: dict[str, Any]


GATEWAY_FIELDS = {
    "public_key": Text(max_length=512, description="used by the browser to tokenise cards"),
    "secret_key": Text(max_length=512, description="write-only; null removes it"),
    "postback_url": HttpUrl(
        description="overrides the generated postback URL; it must "
        "keep the token=… of generated_postback_url "
        "(null: back to the generated one)"
    ),
    "is_active": Boolean(nullable=False, description="activating one deactivates the others"),
    # The PIX gateway's own (public_key/secret_key are its OAuth2 client id and secret).
    "api_url": HttpUrl(
        normalize=lambda v, n: _https(v, n),
        description=(
            "pix: the PSP's API Pix base with its version, e.g. https://pix.example.com/v2"
        ),
    ),
    "token_url": HttpUrl(
        normalize=lambda v, n: _https(v, n), description=("pix: the PSP's OAuth2 token endpoint")
    ),
    "pix_key": Text(max_length=77, description="pix: the operator's chave Pix"),
    "pix_account": Text(
        max_length=25,
        normalize=lambda v, n: _account(v, n),
        description="pix: the account Pix Automático's charges are paid into, "
        + PIX_ACCOUNT_FORMAT,
    ),
    "pix_account_type": Choice(
        choices=PIX_ACCOUNT_TYPES,
        description="pix: the type of pix_account (null: CORRENTE)",
    ),
    "certificate": Text(
        max_length=MAX_PEM,
        normalize=lambda v, n: _pem(v, n, key=True),
        description="pix, write-only: the client certificate and its "
        "private key, PEM (a .p12 converted: README); null "
        "removes it",
    ),
    "ca_certificate": Text(
        max_length=MAX_PEM,
        normalize=lambda v, n: _pem(v, n, key=False),
        description="pix: the PSP's CA certificate (PEM), when it has its own",
    ),
}
PIX_ONLY = (
    "api_url",
    "token_url",
    "pix_key",
    "pix_account",
    "pix_account_type",
    "certificate",
    "ca_certificate",
)


def _https(value: str, name: str) -> str:
    if not value.lower().startswith("https://"):
        raise ValidationError(
            f"{name} must be an https URL (the API Pix is mutual TLS)", field=name
        )
    return value.rstrip("/")


def _account(value: str, name: str) -> str:
    account = normal_pix_account(value)
    if account is None:
        raise ValidationError(f"{name} must be {PIX_ACCOUNT_FORMAT}", field=name)
    return account


def _pem(value: str, name: str, *, key: bool) -> str:
    if "-----BEGIN CERTIFICATE-----" not in value:
        raise ValidationError(
            f"{name} must be a PEM certificate (-----BEGIN CERTIFICATE-----)", field=name
        )
    if key and "PRIVATE KEY-----" not in value:
        raise ValidationError(
            f"{name} must hold the private key too (openssl pkcs12 ... -nodes)", field=name
        )
    if not key and "PRIVATE KEY-----" in value:
        raise ValidationError(f"{name} must not hold a private key", field=name)
    return value


@frozen
class GrantPlan:
    """An administrator gives a user a plan by hand."""

    user_id: int
    plan_id: int


GRANT_FIELDS = {"plan_id": Integer(required=True, nullable=False, minimum=1)}


@frozen
class JunglePayWebhook:
    """A call to our JunglePay postback URL. `transaction_id` is only a hint: the
    transaction is read back from JunglePay. `checkout_ref`: the checkout id our URL
    carries."""

    token: str | None
    transaction_id: str | None
    checkout_ref: str | None = None


@frozen
class PixNotice:
    """A notice of the API Pix at our URL (`{"pix": [...]}`): only the txids of the Pix
    received are used (each cob is read back from the PSP)."""

    token: str | None
    txids: tuple[str, ...] = ()
    # What the ids name: "pix" (cob txids), "pix_rec" (idRec of rec notices), "pix_cobr"
    # (txids of Pix Automático's cobr notices): the postback's gateway for the worker.
    kind: str = "pix"


@frozen
class DiasWebhook:
    """A call to our Dias Marketplace postback URL: its reference, status and the amount
    paid in cents (None when absent or unreadable: a PAID then goes to review)."""

    token: str | None
    reference: str | None
    status: str | None
    amount: int | None = None


@frozen
class SettleCheckout:
    """An administrator settles a checkout in review as paid or failed."""

    checkout_id: int
    status: str


SETTLE_FIELDS = {
    "status": Choice(
        required=True,
        nullable=False,
        choices=(PAID, FAILED),
        description="paid activates the subscription as a payment does",
    ),
}

"""Payment gateways: their configuration, the values exchanged with them, the meaning of
their statuses, and the log of processed notifications."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable
from datetime import datetime
from urllib.parse import parse_qs, urlencode, urlsplit, urlunsplit

from attrs import field, frozen

from domain.common.errors import ServiceUnavailable
from domain.payments import checkout as co
from domain.payments.customer import Customer
from domain.payments.pix_automatico import RecurrenceTerms
from ports.security import WEBHOOK, Signer

JUNGLEPAY = "junglepay"
DIAS = "dias"
SANDBOX = "sandbox"
PIX_GATEWAY = "pix"  # a PSP's API Pix (the Banco Central's standard): CREATORFLIX_PIX_*
GATEWAY_NAMES = (JUNGLEPAY, DIAS, SANDBOX, PIX_GATEWAY)
CONFIGURABLE = (JUNGLEPAY, DIAS, PIX_GATEWAY)

# JunglePay transaction statuses (the sandbox speaks the same language).
PROCESSING = "processing"
AUTHORIZED = "authorized"
TX_PAID = "paid"
TX_REFUNDED = "refunded"
WAITING_PAYMENT = "waiting_payment"
REFUSED = "refused"
CHARGEDBACK = "chargedback"
CANCELED = "canceled"
IN_PROTEST = "in_protest"
PARTIALLY_PAID = "partially_paid"

# What a gateway status means for our checkout; statuses not listed change nothing.
CHECKOUT_STATUS_OF = {
    TX_PAID: co.PAID,
    TX_REFUNDED: co.REFUNDED,
    CHARGEDBACK: co.REFUNDED,
    REFUSED: co.FAILED,
    CANCELED: co.FAILED,
}

# Dias Marketplace postback statuses.
DIAS_PENDING = "PENDING"
DIAS_PAID = "PAID"

WEBHOOK_PATHS = {JUNGLEPAY: "/api/webhooks/junglepay", DIAS: "/api/webhooks/dias"}
# The API Pix registers one notice URL per key, to which the PSP appends "/pix": its
# token travels in the path (no query string survives that).
PIX_NOTICE_PATH = "/api/webhook/pix"


@frozen
class PaymentGatewayConfig:
    """Table `payment_gateways`. `secret_key` and `certificate` are write-only: never
    serialised or logged. The PIX gateway's row: `public_key` and `secret_key` are its
    OAuth2 client id and secret, `certificate` the PEM of the client certificate and its
    key, `ca_certificate` the PSP's CA (PEM), `pix_key` the operator's chave Pix."""

    id: int | None
    name: str
    public_key: str | None = None
    secret_key: str | None = field(default=None, repr=False)
    postback_url: str | None = None
    is_active: bool = False
    api_url: str | None = None
    token_url: str | None = None
    pix_key: str | None = None
    # Pix Automático's receiving account ("agência/conta" or "conta") and its type.
    pix_account: str | None = None
    pix_account_type: str | None = None
    certificate: str | None = field(default=None, repr=False)
    ca_certificate: str | None = None


@frozen
class WebhookEvent:
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


POSTBACK_PENDING = "pending"


@frozen
class Postback:
    """Table `payment_postbacks`: one received postback, until the background worker
    has read it back and settled it (domain.payments.postbacks)."""

    id: int | None
    gateway: str
    external_id: str
    checkout_ref: str | None = None
    status: str = POSTBACK_PENDING
    attempts: int = 0
    next_attempt_at: datetime | None = None
    claim_token: str | None = None
    claimed_until: datetime | None = None
    outcome: str | None = None
    last_error: str | None = None
    received_at: datetime | None = None
    processed_at: datetime | None = None


@frozen
class ChargeItem:
    """One line of a charge: the plan, or an order bump. `unit_price` in cents."""

    title: str
    unit_price: int
    quantity: int = 1


@frozen
class ChargeRequest:
    """What we ask a gateway to charge. `card_hash` is the browser-tokenised card
    (never a card number) and is kept out of repr so it cannot reach a log."""

    amount: int
    payment_method: str
    customer: Customer
    items: tuple[ChargeItem, ...]
    postback_url: str
    pix_expires_in_days: int = 1
    installments: int = 1
    card_hash: str | None = field(default=None, repr=False)
    # Our own id of this charge, the same at every attempt to charge one checkout
    # (`charge_reference`): the PIX gateway's txid.
    reference: str | None = None
    # payment_method pix_automatico: the recurrence the first payment's QR also
    # authorises (domain.payments.pix_automatico, journey 3).
    recurrence: RecurrenceTerms | None = None


@frozen
class Charge:
    """The gateway's answer to a charge: its transaction id and how to pay it."""

    external_id: str
    status: str
    pix_code: str | None = None
    pix_expires_at: str | None = None
    secure_url: str | None = None
    recurrence_id: str | None = None  # Pix Automático: the rec's idRec


@frozen
class SavedCard:
    """A card the gateway keeps for later charges (JunglePay: a card transaction's
    `card` with `"reusable": true`): its reference, brand and last 4 digits — all we
    ever store about a card. The reference is kept out of repr (logs)."""

    ref: str = field(repr=False)
    brand: str | None = None
    last4: str | None = None


@frozen
class SavedCardCharge:
    """A merchant-initiated charge of a saved card (a renewal). `reference`: our own id
    of the renewal, made before the charge."""

    amount: int
    card_ref: str = field(repr=False)
    customer: Customer
    items: tuple[ChargeItem, ...]
    postback_url: str
    reference: str


@frozen
class Transaction:
    """A transaction as the gateway reports it when read back."""

    external_id: str
    status: str
    amount: int | None = None
    customer_email: str | None = None
    # How the buyer paid, as the gateway reports it on a read-back (JunglePay's
    # paymentMethod); None when the gateway does not say (Dias's postback never does).
    payment_method: str | None = None
    # The card it charged, when the gateway keeps it for later charges (issue 25).
    card: SavedCard | None = None


# The circuit breaker of a gateway's API calls (adapters/payments/guard.py).
CIRCUIT_CLOSED = "closed"  # calls go through
CIRCUIT_OPEN = "open"  # calls refused after repeated failures
CIRCUIT_HALF_OPEN = "half_open"  # one trial call decides
CIRCUIT_STATES = (CIRCUIT_CLOSED, CIRCUIT_OPEN, CIRCUIT_HALF_OPEN)


@frozen
class CircuitView:
    """The breaker of one gateway in this process; `open_until` (UNIX time) while open."""

    state: str = CIRCUIT_CLOSED
    consecutive_failures: int = 0
    open_until: float | None = None


def charge_reference(checkout_id: int, created_at: datetime) -> str:
    """Our id of a checkout's charge (a PIX txid: 26-35 letters and digits): "cf", the
    checkout id on 10 digits, then 20 hex digits of a hash of id and creation time (two
    databases' checkout 7 never share a txid at the PSP). Every attempt at charging the
    checkout gets the same one, and the checkout is found again from it."""
    # To the second, naive: what every database gives back of the stored time.
    created = created_at.replace(microsecond=0, tzinfo=None).isoformat()
    digest = hashlib.sha256(f"{checkout_id}:{created}".encode()).hexdigest()
    return f"cf{checkout_id:010d}{digest[:20]}"


def checkout_id_of_reference(reference: str) -> int | None:
    """The checkout id a `charge_reference` names (to be checked against it)."""
    match = re.fullmatch(r"cf([0-9]{10})[0-9a-f]{20}", reference)
    return int(match.group(1)) or None if match else None


def event_key(external_id: str, status: str) -> str:
    """The identity of a notification: one transaction reaching one status."""
    return f"{external_id}:{status}"


# -- postback URLs -------------------------------------------------------------------
@frozen
class WebhookUrls:
    """Our postback URLs. Each gateway gets its own secret token (the signer's "webhook"
    digest of its name), carried in the URL we give it, since its postbacks are not
    signed. The tokens never change for a given secret key: operators paste these URLs
    into the gateways' dashboards."""

    public_url: str
    signer: Signer = field(repr=False)

    def token(self, gateway: str) -> str:
        return self.signer.digest(WEBHOOK, gateway)

    def verify(self, gateway: str, token: str | None) -> bool:
        """Constant-time check of a postback token; anything that is not one (None,
        non-ASCII text...) is simply wrong."""
        return self.signer.check(WEBHOOK, gateway, token)

    def url(self, gateway: str) -> str:
        if gateway == PIX_GATEWAY:
            return f"{self.public_url.rstrip('/')}{PIX_NOTICE_PATH}/{self.token(gateway)}"
        return f"{self.public_url.rstrip('/')}{WEBHOOK_PATHS[gateway]}?token={self.token(gateway)}"

    def carries_token(self, gateway: str, url: str) -> bool:
        """Whether `url` (an administrator's override) keeps this gateway's token."""
        tokens = parse_qs(urlsplit(url).query).get("token", [])
        return len(tokens) == 1 and self.verify(gateway, tokens[0])


def with_query(url: str, **params: str) -> str:
    """`url` with `params` added to its query string."""
    parts = urlsplit(url)
    extra = urlencode(params)
    return urlunsplit(parts._replace(query=f"{parts.query}&{extra}" if parts.query else extra))


# -- which gateway charges -----------------------------------------------------------
# -- which row is which gateway --------------------------------------------------------
# Row names as people write them, case, spaces, hyphens and underscores aside: the
# original platform's rows are 'JunglePay' and 'Dias Marketplace'.
_GATEWAY_OF_NAME = {
    "junglepay": JUNGLEPAY,
    "dias": DIAS,
    "diasmarketplace": DIAS,
    "sandbox": SANDBOX,
    "pix": PIX_GATEWAY,
}


def gateway_of(row_name: str | None) -> str | None:
    """The gateway (JUNGLEPAY, DIAS, SANDBOX) a payment_gateways row stands for, by its
    name: 'JunglePay' and 'jungle_pay' are junglepay, 'Dias Marketplace' and 'dias' are
    dias; None for a name we do not know. Every lookup of a row by gateway goes
    through here: rows are never renamed."""
    return _GATEWAY_OF_NAME.get(re.sub(r"[\s_-]+", "", row_name or "").casefold())


def gateway_row(rows: Iterable[PaymentGatewayConfig], gateway: str) -> PaymentGatewayConfig | None:
    """The row of `gateway` among `rows`: should several stand for it, the active one,
    else the oldest."""
    matching = [r for r in rows if gateway_of(r.name) == gateway]
    return min(matching, key=lambda r: (not r.is_active, r.id is None, r.id or 0), default=None)


def missing_gateways(row_names: Iterable[str], gateways: Iterable[str]) -> list[str]:
    """Those of `gateways` that no row (by its name) stands for yet."""
    present = {gateway_of(name) for name in row_names}
    return [g for g in gateways if g not in present]


# -- which gateway charges -----------------------------------------------------------
@frozen
class GatewayChoice:
    name: str
    config: PaymentGatewayConfig | None = None


NOT_CONFIGURED = "payment gateway not configured"


def choose_gateway(rows: list[PaymentGatewayConfig], default: str) -> GatewayChoice:
    """The gateway that charges: the active row when there is one, else `default`
    (CREATORFLIX_GATEWAY). The sandbox only ever charges while `default` is sandbox;
    JunglePay needs a secret key. ServiceUnavailable when nothing can charge (an active
    row of a gateway we do not know cannot)."""
    active = next((r for r in rows if r.is_active), None)
    name = gateway_of(active.name) if active is not None else default
    if name is None:
        raise ServiceUnavailable(NOT_CONFIGURED)
    if name == SANDBOX:
        if default != SANDBOX:
            raise ServiceUnavailable(NOT_CONFIGURED)
        return GatewayChoice(SANDBOX)
    row = active if active is not None else gateway_row(rows, name)
    if name == JUNGLEPAY and (row is None or not row.secret_key):
        raise ServiceUnavailable(NOT_CONFIGURED)
    # PIX: the row's settings when complete (pix_missing), else CREATORFLIX_PIX_*; the
    # provider says NOT_CONFIGURED when neither is there.
    return GatewayChoice(name, row)


PIX_REQUIRED = ("api_url", "token_url", "public_key", "secret_key", "certificate", "pix_key")


def pix_missing(row: PaymentGatewayConfig | None) -> list[str]:
    """The settings the PIX gateway's row still lacks (all of them without a row)."""
    return [name for name in PIX_REQUIRED if row is None or not getattr(row, name)]


def sandbox_enabled(rows: list[PaymentGatewayConfig], default: str) -> bool:
    """The sandbox may be used (and paid by an admin) only while CREATORFLIX_GATEWAY is
    sandbox and no other gateway is active."""
    return default == SANDBOX and all(gateway_of(r.name) == SANDBOX for r in rows if r.is_active)


# -- Pix Automático's receiving account ---------------------------------------------
# Each cobr names the account it is paid into (CobRSolicitada.recebedor: conta, required,
# at most 20 characters; agencia, optional, at most 4; tipoConta).
PIX_ACCOUNT_TYPES = ("CORRENTE", "POUPANCA", "PAGAMENTO")
DEFAULT_PIX_ACCOUNT_TYPE = "CORRENTE"
PIX_ACCOUNT_FORMAT = (
    '"agência/conta" or "conta": digits, the conta optionally ending in a hyphen and '
    "its check digit, e.g. 0001/123456-7 (agência at most 4 digits, conta at most 20 "
    "characters)"
)
_PIX_ACCOUNT = re.compile(r"(?:([0-9]{1,4})/)?([0-9]{1,20}|[0-9]{1,18}-[0-9X])")


def pix_account_parts(account: str) -> tuple[str | None, str] | None:
    """(agencia, conta) of an account written "agência/conta" or "conta" (a check digit
    X in either case), or None when `account` is neither."""
    found = _PIX_ACCOUNT.fullmatch(account.strip().upper())
    return None if found is None else (found.group(1), found.group(2))


def normal_pix_account(account: str) -> str | None:
    """The account as stored ("agência/conta" or "conta"), None when it is neither."""
    parts = pix_account_parts(account)
    if parts is None:
        return None
    agencia, conta = parts
    return conta if agencia is None else f"{agencia}/{conta}"

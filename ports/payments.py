"""Ports of checkout, subscriptions and payment gateways."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date, datetime
from typing import Any, Protocol

from domain.common.pagination import Page
from domain.payments.checkout import Checkout
from domain.payments.coupons import Coupon
from domain.payments.gateways import (
    Charge,
    ChargeRequest,
    CircuitView,
    PaymentGatewayConfig,
    Postback,
    SavedCardCharge,
    Transaction,
    WebhookEvent,
)
from domain.payments.pix_automatico import (
    Recurrence,
    RecurringCharge,
    RecurringChargeState,
)
from domain.payments.renewals import Renewal
from domain.payments.subscriptions import Subscription
from ports.repositories import Repository


class CheckoutRepository(Repository[Checkout], Protocol):
    def get_for_update(self, pk: int) -> Checkout | None:
        """Read a checkout and lock its row until the unit of work ends, so concurrent
        notifications about it are processed one after the other."""

    def get_by_external_id(self, external_id: str, provider: str) -> Checkout | None:
        """The checkout that gateway `provider` charged as transaction `external_id`
        (payment_data.provider; rows copied from the original, without one, are
        JunglePay's). Gateways may reuse each other's ids: never match across them."""

    def get_for_update_by_external_id(self, external_id: str, provider: str) -> Checkout | None:
        """`get_by_external_id`, read and locked like `get_for_update`."""

    def pending_for_update(self) -> list[Checkout]:
        """The pending checkouts, oldest first, locked like `get_for_update`; those
        another transaction holds (being settled right now) are skipped."""

    def paid_by_day(
        self, since: datetime, until: datetime, offset_minutes: int = 0
    ) -> dict[date, tuple[int, int]]:
        """Checkouts now paid whose payment (updated_at) falls in [since, until), per
        day of the zone `offset_minutes` from UTC (local days: -180 for Brasília):
        {day: (how many, sum of total_amount)}, in one query; days without any are
        absent."""

    def count_by_status(self, since: datetime, until: datetime) -> dict[str, int]:
        """Checkouts created in [since, until), counted per status in one query."""

    def search(self, query: Any, page: int, limit: int) -> Page[Checkout]:
        """The checkouts matching a domain.payments.sales.SalesQuery, newest first:
        `text` in the buyer's name or email (case-insensitive) or equal to the gateway
        id, `digits` in the buyer's CPF or phone; two queries."""

    def search_totals(self, query: Any) -> tuple[dict[str, int], dict[str, int]]:
        """({status: how many}, {status: sum of total_amount}) of `search`, one query."""


class SubscriptionRepository(Repository[Subscription], Protocol):
    def ended(self, now: datetime) -> list[Subscription]:
        """Subscriptions still marked active whose end_date is at or before `now`."""

    def count_active_subscribers(self, now: datetime) -> int:
        """How many distinct users hold a subscription active at `now`
        (`Subscription.is_active_at`), in one query."""

    def churn(self, since: datetime, now: datetime) -> tuple[int, int]:
        """(users who had access at `since`, those of them with none at `now`), in one
        query: a subscription gave access at a moment when it is active, expired or
        canceled now and that moment is in [start_date, end_date)
        (domain.reporting.renewal_figures.churn_window_active); access now is
        `is_active_at`."""


class RenewalRepository(Repository[Renewal], Protocol):
    def open(self, renewal: Renewal) -> Renewal | None:
        """Insert `renewal` unless its (subscription_id, period_start) is recorded
        already: the stored row, or None for the duplicate (never raises on it: a
        concurrent job runner made the same period's renewal first)."""

    def claim_due(
        self, now: datetime, claim_token: str, lease_until: datetime, limit: int, gateway: str
    ) -> list[Renewal]:
        """Claim up to `limit` renewals of `gateway` to charge again (status due or refused,
        next_attempt_at reached, no live claim) for `claim_token` until `lease_until`,
        moving them to `charging` and counting the attempt; concurrent claimers never
        get the same one."""

    def settle(self, renewal_id: int, claim_token: str, changes: Mapping[str, Any]) -> bool:
        """Write `changes` to a renewal still claimed by `claim_token`; False when the
        claim was lost."""

    def lapse(self, now: datetime) -> int:
        """Mark `unconfirmed` the renewals left `charging` past their claim (a runner
        stopped between the charge and its record): never charged again here."""


class CouponRepository(Repository[Coupon], Protocol):
    def redeem(self, coupon_id: int) -> bool:
        """Count one redemption unless the coupon is used up, in one statement (exact
        under concurrency); False when it is used up."""


class WebhookEventRepository(Repository[WebhookEvent], Protocol):
    def record(self, notification: WebhookEvent) -> bool:
        """Insert unless (gateway, event_key) is already recorded; True when inserted.
        Never raises on the duplicate (an error would abort a PostgreSQL transaction)."""


class PostbackRepository(Repository[Postback], Protocol):
    def claim_due(
        self, now: datetime, claim_token: str, lease_until: datetime, limit: int
    ) -> list[Postback]:
        """Claim up to `limit` pending postbacks due now and not claimed by a live lease,
        oldest first, for `claim_token` until `lease_until`, counting the attempt.
        Concurrent claimers never get the same one (PostgreSQL: FOR UPDATE SKIP LOCKED;
        SQLite: one writer at a time)."""

    def settle(self, postback_id: int, claim_token: str, changes: Mapping[str, Any]) -> bool:
        """Write `changes` to a postback still claimed by `claim_token`; False when the
        claim was lost."""


class PaymentGatewayRepository(Repository[PaymentGatewayConfig], Protocol):
    def lock_settings(self, names: Sequence[str]) -> list[PaymentGatewayConfig]:
        """Every gateway row, in id order, locked until the unit of work ends, after
        creating (empty, inactive) the rows of the gateways `names` that no row stands
        for (domain.payments.gateways.gateway_of: the original's 'JunglePay' row is
        junglepay's): changes to the settings, first ones included, are made one after
        the other."""


class PaymentGateway(Protocol):
    """A payment service that charges buyers and reports on its transactions.
    Failures are domain errors: PaymentRefused (the card was declined),
    ServiceUnavailable (unreachable, 5xx) and GatewayTimeout (no answer in time)."""

    def create_charge(self, request: ChargeRequest) -> Charge:
        """Ask for a PIX charge or a card payment; returns the gateway transaction."""

    def get_transaction(self, external_id: str) -> Transaction | None:
        """Read a transaction back (None when the gateway does not know it)."""


class SavedCardGateway(PaymentGateway, Protocol):
    """A gateway that charges the cards it keeps (JunglePay's reusable card ids)."""

    def charge_saved_card(self, request: SavedCardCharge) -> Charge:
        """Charge a saved card without its holder. PaymentRefused when declined,
        FinalRefusal when the card can never be charged again."""


class RecurringPixGateway(Protocol):
    """Pix Automático through the PSP's API Pix (bacen/pix-api 2.9.0). Failures are
    domain errors as for PaymentGateway: GatewayRejected (a 400 problem: the request
    will never succeed), ServiceUnavailable / GatewayTimeout (try again later)."""

    def get_recurrence(self, id_rec: str, txid: str | None = None) -> Recurrence | None:
        """GET /rec/{idRec} (with `?txid=`: its dadosQR for journey 3); None for 404."""

    def cancel_recurrence(self, id_rec: str) -> Recurrence:
        """PATCH /rec/{idRec} with status CANCELADA (the receiver cancels)."""

    def send_charge(self, charge: RecurringCharge) -> RecurringChargeState:
        """PUT /cobr/{txid}: the cycle's charge. Sent again with the same txid (its answer
        was lost), the cobr already there for the same rec, due date and amount is
        read back and returned instead of failing."""

    def get_charge(self, txid: str) -> RecurringChargeState | None:
        """GET /cobr/{txid}; None for 404."""

    def retry_charge(self, txid: str, on: date) -> RecurringChargeState:
        """POST /cobr/{txid}/retentativa/{on}: settle it again on `on`."""

    def register_recurring_webhooks(self, webhook_url: str) -> None:
        """PUT /webhookrec and PUT /webhookcobr with `webhook_url`: the PSP posts to it
        + "/rec" and + "/cobr"."""


class SandboxGateway(PaymentGateway, Protocol):
    def paid(self, external_id: str, charged_amount: int) -> Transaction | None:
        """The transaction once its buyer paid (what a real gateway learns from the
        bank), for the amount it was charged, which the caller reads from the checkout
        row: nothing is kept in process memory, so any worker answers the same. None
        for an id the sandbox did not make."""


class PaymentGateways(Protocol):
    """Makes the gateway adapters: JunglePay from its stored configuration, the API Pix
    from its stored or the environment's, and the embedded sandbox."""

    def junglepay(self, config: PaymentGatewayConfig) -> SavedCardGateway:
        """A JunglePay client authenticated with `config.secret_key`."""

    def sandbox(self) -> SandboxGateway:
        """The in-process sandbox gateway."""

    def pix(self, config: PaymentGatewayConfig | None) -> PaymentGateway:
        """The PSP's API Pix: of `config` (the pix row) when its settings are complete,
        else of CREATORFLIX_PIX_*; ServiceUnavailable when neither is configured."""

    def register_pix_webhook(self, config: PaymentGatewayConfig | None, webhook_url: str) -> None:
        """Register `webhook_url` for notices about the operator's key (PUT
        /webhook/{chave}) through `pix(config)`; ServiceUnavailable or GatewayRejected
        when it fails."""

    def pix_recurring(self, config: PaymentGatewayConfig | None) -> RecurringPixGateway:
        """Pix Automático through the same API Pix as `pix(config)`, every call through
        the guard."""

    def circuits(self) -> dict[str, CircuitView]:
        """The circuit breaker of each gateway this process has called, by name (a
        gateway not listed has not failed here: closed)."""

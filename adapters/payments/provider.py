"""Builds the gateway adapters the payment use cases ask for (the PaymentGateways port)."""

from __future__ import annotations

import hashlib
import logging
import os
import ssl
import tempfile
import threading
from datetime import date

import requests
from attrs import field, frozen

from adapters.payments.guard import GatewayGuard, GuardedGateway
from adapters.payments.junglepay import DEFAULT_TIMEOUT, JunglePayGateway
from adapters.payments.pix_api import PixApiGateway
from adapters.payments.pix_client import PixApiClient
from adapters.payments.pix_recurring import PixRecurringGateway
from adapters.payments.sandbox import SandboxPaymentGateway
from domain.common.errors import ServiceUnavailable
from domain.payments.gateways import (
    JUNGLEPAY,
    NOT_CONFIGURED,
    PIX_GATEWAY,
    PIX_REQUIRED,
    CircuitView,
    PaymentGatewayConfig,
    pix_missing,
)
from domain.payments.pix_automatico import (
    Recurrence,
    RecurringCharge,
    RecurringChargeState,
)
from ports.clock import Clock
from ports.payments import PaymentGateway, RecurringPixGateway, SavedCardGateway

log = logging.getLogger("creatorflix.pix")

DEFAULT_CONCURRENCY = 2  # half the 4 threads of a `creatorflix serve` worker


@frozen
class PixSettings:
    """CREATORFLIX_PIX_*: the PSP's API and token URLs, the operator's credentials,
    certificate (PEM with key) and key, and the PSP's CA (None: the system's)."""

    api_url: str
    token_url: str
    client_id: str
    client_secret: str = field(repr=False)
    cert_file: str
    key: str
    ca_file: str | None = None
    # Pix Automático: the receiving account each cobr names (CobRSolicitada.recebedor):
    # "agência/conta" or "conta", and its tipoConta (CORRENTE, POUPANCA, PAGAMENTO).
    account: str | None = None
    account_type: str = "CORRENTE"


class GatewayProvider:
    """One HTTP session (connection pool) for JunglePay, one API Pix client, one sandbox
    per process; every JunglePay and API Pix call goes through this process's guard
    (bulkhead and circuit breaker)."""

    def __init__(
        self,
        junglepay_url: str,
        clock: Clock,
        *,
        timeout: tuple[float, float] = DEFAULT_TIMEOUT,
        concurrency: int = DEFAULT_CONCURRENCY,
        guard: GatewayGuard | None = None,
        pix: PixSettings | None = None,
    ):
        self.junglepay_url = junglepay_url
        self.timeout = timeout
        self.guard = guard or GatewayGuard(concurrency)
        self._session = requests.Session()
        self._sandbox = SandboxPaymentGateway(clock)
        self._pix_settings = pix
        # One client per process: its connection pool and its cached OAuth token.
        self._pix = (
            None
            if pix is None
            else PixApiGateway(
                PixApiClient(
                    pix.api_url,
                    pix.token_url,
                    pix.client_id,
                    pix.client_secret,
                    pix.cert_file,
                    ca_file=pix.ca_file,
                    timeout=timeout,
                ),
                pix.key,
            )
        )
        # The admin page's settings: one client, rebuilt when they change.
        self._stored_pix: tuple[str, PixApiGateway] | None = None
        self._lock = threading.Lock()

    def junglepay(self, config: PaymentGatewayConfig) -> SavedCardGateway:
        client = JunglePayGateway(
            self.junglepay_url, config.secret_key or "", session=self._session, timeout=self.timeout
        )
        return GuardedGateway(JUNGLEPAY, client, self.guard)

    def pix(self, config: PaymentGatewayConfig | None) -> PaymentGateway:
        return GuardedGateway(PIX_GATEWAY, self._pix_client(config), self.guard)

    def register_pix_webhook(self, config: PaymentGatewayConfig | None, webhook_url: str) -> None:
        pix = self._pix_client(config)
        self.guard.call(PIX_GATEWAY, lambda: pix.register_webhook(webhook_url))

    def pix_recurring(self, config: PaymentGatewayConfig | None) -> RecurringPixGateway:
        pix = self._pix_client(config)
        settings = self._pix_settings
        account = (config.pix_account if config else None) or (settings and settings.account)
        account_type = (
            (config.pix_account_type if config else None)
            or (settings.account_type if settings else None)
            or "CORRENTE"
        )
        recurring = PixRecurringGateway(pix.client, pix.key, account or None, account_type)
        return GuardedRecurringPix(recurring, self.guard)

    def _pix_client(self, config: PaymentGatewayConfig | None) -> PixApiGateway:
        """The stored settings when complete, else CREATORFLIX_PIX_*."""
        if config is None or pix_missing(config):
            if self._pix is None:
                raise ServiceUnavailable(NOT_CONFIGURED)
            return self._pix
        fingerprint = hashlib.sha256(
            repr(
                tuple(getattr(config, name) for name in (*PIX_REQUIRED, "ca_certificate"))
            ).encode()
        ).hexdigest()
        with self._lock:
            if self._stored_pix is None or self._stored_pix[0] != fingerprint:
                self._stored_pix = (fingerprint, self._stored_client(config))
            return self._stored_pix[1]

    def _stored_client(self, config: PaymentGatewayConfig) -> PixApiGateway:
        ca_file = None
        if config.ca_certificate:  # public: a file the requests can name
            fd, ca_file = tempfile.mkstemp(prefix="creatorflix-pix-ca-", suffix=".pem")
            with os.fdopen(fd, "w", encoding="ascii") as out:
                out.write(config.ca_certificate)
        try:
            client = PixApiClient(
                config.api_url or "",
                config.token_url or "",
                config.public_key or "",
                config.secret_key or "",
                None,
                ca_file=ca_file,
                client_pem=config.certificate,
                timeout=self.timeout,
            )
        except (ssl.SSLError, OSError, ValueError):
            log.error(
                "the pix gateway's stored certificate cannot be loaded: upload it "
                "again (PEM with its private key)"
            )
            raise ServiceUnavailable(NOT_CONFIGURED) from None
        return PixApiGateway(client, config.pix_key or "")

    def sandbox(self) -> SandboxPaymentGateway:
        return self._sandbox

    def circuits(self) -> dict[str, CircuitView]:
        return self.guard.circuits()


class GuardedRecurringPix:
    """The RecurringPixGateway port, every call through the guard (as the API Pix's:
    one breaker for the PSP)."""

    def __init__(self, inner: PixRecurringGateway, guard: GatewayGuard):
        self._inner, self._guard = inner, guard

    def __repr__(self) -> str:
        return f"GuardedRecurringPix({self._inner!r})"

    def get_recurrence(self, id_rec: str, txid: str | None = None) -> Recurrence | None:
        return self._guard.call(PIX_GATEWAY, lambda: self._inner.get_recurrence(id_rec, txid))

    def cancel_recurrence(self, id_rec: str) -> Recurrence:
        return self._guard.call(PIX_GATEWAY, lambda: self._inner.cancel_recurrence(id_rec))

    def send_charge(self, charge: RecurringCharge) -> RecurringChargeState:
        self._inner.require_account()  # not the PSP's failure: the breaker stays out
        return self._guard.call(PIX_GATEWAY, lambda: self._inner.send_charge(charge))

    def get_charge(self, txid: str) -> RecurringChargeState | None:
        return self._guard.call(PIX_GATEWAY, lambda: self._inner.get_charge(txid))

    def retry_charge(self, txid: str, on: date) -> RecurringChargeState:
        return self._guard.call(PIX_GATEWAY, lambda: self._inner.retry_charge(txid, on))

    def register_recurring_webhooks(self, webhook_url: str) -> None:
        self._guard.call(PIX_GATEWAY, lambda: self._inner.register_recurring_webhooks(webhook_url))

"""Builds the gateway adapters the payment use cases ask for (the PaymentGateways port)."""

from __future__ import annotations

import hashlib
import logging
import os
import ssl
import tempfile
import threading

import requests
from attrs import field, frozen

from adapters.payments.guard import GatewayGuard, GuardedGateway
from adapters.payments.junglepay import DEFAULT_TIMEOUT, JunglePayGateway
from adapters.payments.pix_api import PixApiGateway
from adapters.payments.pix_client import PixApiClient
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
from ports.clock import Clock
from ports.payments import PaymentGateway, SavedCardGateway

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

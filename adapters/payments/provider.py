"""Builds the gateway adapters the payment use cases ask for (the PaymentGateways port)."""
from __future__ import annotations

import requests
from attrs import field, frozen

from adapters.payments.guard import GatewayGuard, GuardedGateway
from adapters.payments.junglepay import DEFAULT_TIMEOUT, JunglePayGateway
from adapters.payments.pix_api import PixApiGateway
from adapters.payments.pix_client import PixApiClient
from adapters.payments.sandbox import SandboxPaymentGateway
from domain.common.errors import ServiceUnavailable
from domain.payments.gateways import (JUNGLEPAY, NOT_CONFIGURED, PIX_GATEWAY, CircuitView,
                                      PaymentGatewayConfig)
from ports.clock import Clock
from ports.payments import PaymentGateway

DEFAULT_CONCURRENCY = 2   # half the 4 threads of a `creatorflix serve` worker


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


class GatewayProvider:
    """One HTTP session (connection pool) for JunglePay, one API Pix client, one sandbox
    per process; every JunglePay and API Pix call goes through this process's guard
    (bulkhead and circuit breaker)."""

    def __init__(self, junglepay_url: str, clock: Clock, *,
                 timeout: tuple[float, float] = DEFAULT_TIMEOUT,
                 concurrency: int = DEFAULT_CONCURRENCY, guard: GatewayGuard | None = None,
                 pix: PixSettings | None = None):
        self.junglepay_url = junglepay_url
        self.timeout = timeout
        self.guard = guard or GatewayGuard(concurrency)
        self._session = requests.Session()
        self._sandbox = SandboxPaymentGateway(clock)
        # One client per process: its connection pool and its cached OAuth token.
        self._pix = None if pix is None else PixApiGateway(PixApiClient(
            pix.api_url, pix.token_url, pix.client_id, pix.client_secret, pix.cert_file,
            ca_file=pix.ca_file, timeout=timeout), pix.key)

    def junglepay(self, config: PaymentGatewayConfig) -> PaymentGateway:
        client = JunglePayGateway(self.junglepay_url, config.secret_key or "",
                                  session=self._session, timeout=self.timeout)
        return GuardedGateway(JUNGLEPAY, client, self.guard)

    def pix(self) -> PaymentGateway:
        if self._pix is None:
            raise ServiceUnavailable(NOT_CONFIGURED)
        return GuardedGateway(PIX_GATEWAY, self._pix, self.guard)

    def register_pix_webhook(self, webhook_url: str) -> None:
        pix = self._pix
        if pix is None:
            raise ServiceUnavailable(NOT_CONFIGURED)
        self.guard.call(PIX_GATEWAY, lambda: pix.register_webhook(webhook_url))

    def sandbox(self) -> SandboxPaymentGateway:
        return self._sandbox

    def circuits(self) -> dict[str, CircuitView]:
        return self.guard.circuits()

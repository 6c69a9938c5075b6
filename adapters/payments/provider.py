"""Builds the gateway adapters the payment use cases ask for (the PaymentGateways port)."""
from __future__ import annotations

import requests

from adapters.payments.junglepay import DEFAULT_TIMEOUT, JunglePayGateway
from adapters.payments.sandbox import SandboxPaymentGateway
from domain.payments.gateways import PaymentGatewayConfig
from ports.clock import Clock


class GatewayProvider:
    """One HTTP session (connection pool) for JunglePay, one sandbox per process."""

    def __init__(self, junglepay_url: str, clock: Clock, *,
                 timeout: tuple[float, float] = DEFAULT_TIMEOUT):
        self.junglepay_url = junglepay_url
        self.timeout = timeout
        self._session = requests.Session()
        self._sandbox = SandboxPaymentGateway(clock)

    def junglepay(self, config: PaymentGatewayConfig) -> JunglePayGateway:
        return JunglePayGateway(self.junglepay_url, config.secret_key or "",
                                session=self._session, timeout=self.timeout)

    def sandbox(self) -> SandboxPaymentGateway:
        return self._sandbox

"""Builds the gateway adapters the payment use cases ask for (the PaymentGateways port)."""

from __future__ import annotations

import requests

from adapters.payments.guard import GatewayGuard, GuardedGateway
from adapters.payments.junglepay import DEFAULT_TIMEOUT, JunglePayGateway
from adapters.payments.sandbox import SandboxPaymentGateway
from domain.payments.gateways import JUNGLEPAY, CircuitView, PaymentGatewayConfig
from ports.clock import Clock
from ports.payments import PaymentGateway

DEFAULT_CONCURRENCY = 2  # half the 4 threads of a `creatorflix serve` worker


class GatewayProvider:
    """One HTTP session (connection pool) for JunglePay, one sandbox per process; every
    JunglePay call goes through this process's guard (bulkhead and circuit breaker)."""

    def __init__(
        self,
        junglepay_url: str,
        clock: Clock,
        *,
        timeout: tuple[float, float] = DEFAULT_TIMEOUT,
        concurrency: int = DEFAULT_CONCURRENCY,
        guard: GatewayGuard | None = None,
    ):
        self.junglepay_url = junglepay_url
        self.timeout = timeout
        self.guard = guard or GatewayGuard(concurrency)
        self._session = requests.Session()
        self._sandbox = SandboxPaymentGateway(clock)

    def junglepay(self, config: PaymentGatewayConfig) -> PaymentGateway:
        client = JunglePayGateway(
            self.junglepay_url, config.secret_key or "", session=self._session, timeout=self.timeout
        )
        return GuardedGateway(JUNGLEPAY, client, self.guard)

    def sandbox(self) -> SandboxPaymentGateway:
        return self._sandbox

    def circuits(self) -> dict[str, CircuitView]:
        return self.guard.circuits()

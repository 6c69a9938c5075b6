"""The collaborators of the payment use cases, and the choice of the charging gateway."""

from __future__ import annotations

from datetime import UTC, tzinfo

from attrs import frozen

from domain.common.errors import Forbidden, ServiceUnavailable, Unauthenticated
from domain.payments.gateways import (
    NOT_CONFIGURED,
    PIX_GATEWAY,
    SANDBOX,
    GatewayChoice,
    PaymentGatewayConfig,
    WebhookUrls,
    choose_gateway,
    sandbox_enabled,
)
from ports.clock import Clock
from ports.payments import PaymentGateway, PaymentGateways
from ports.security import CHECKOUT, Signer
from ports.unit_of_work import UnitOfWork, UnitOfWorkFactory

CHECKOUT_TOKEN = CHECKOUT
CHECKOUT_TOKEN_TTL_SECONDS = 7 * 24 * 3600


def checkout_token(tokens: Signer, checkout_id: int) -> str:
    """The buyer's access token to their checkout (links, polling)."""
    return tokens.sign(CHECKOUT_TOKEN, {"cid": checkout_id}, CHECKOUT_TOKEN_TTL_SECONDS)


@frozen
class PaymentService:
    """uow: units of work; gateways: gateway adapters; tokens: signs the buyer's
    checkout access tokens; postbacks: our webhook URLs and their tokens;
    default_gateway: CREATORFLIX_GATEWAY; public_url: where browsers reach us."""

    uow: UnitOfWorkFactory
    gateways: PaymentGateways
    clock: Clock
    tokens: Signer
    webhooks: WebhookUrls
    default_gateway: str
    public_url: str
    zone: tzinfo = UTC  # CREATORFLIX_TIMEZONE: the calendar of Pix Automático's due dates

    def gateway_rows(self, uow: UnitOfWork) -> list[PaymentGatewayConfig]:
        return list(uow.payment_gateways.find(order_by=["id"]).items)

    def choose(self, uow: UnitOfWork) -> GatewayChoice:
        """The gateway that charges now (ServiceUnavailable when none is configured)."""
        return choose_gateway(self.gateway_rows(uow), self.default_gateway)

    def sandbox_enabled(self, uow: UnitOfWork) -> bool:
        return sandbox_enabled(self.gateway_rows(uow), self.default_gateway)

    def adapter(self, choice: GatewayChoice) -> PaymentGateway:
        if choice.name == SANDBOX:
            return self.gateways.sandbox()
        if choice.name == PIX_GATEWAY:
            return self.gateways.pix(choice.config)
        if choice.config is None:  # choose_gateway gives JunglePay with its stored row
            raise ServiceUnavailable(NOT_CONFIGURED)
        return self.gateways.junglepay(choice.config)

    # -- the buyer's access to their checkout --------------------------------------
    def checkout_token(self, checkout_id: int) -> str:
        return checkout_token(self.tokens, checkout_id)

    def check_checkout_token(self, checkout_id: int, token: str | None) -> None:
        """Unauthenticated without a token, Forbidden with one that is not valid for
        this checkout."""
        if not token:
            raise Unauthenticated("access_token is required")
        claims = self.tokens.verify(CHECKOUT_TOKEN, token)
        if claims is None or claims.get("cid") != checkout_id:
            raise Forbidden("this access token is not valid for this checkout")

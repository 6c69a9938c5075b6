"""Ports of checkout, subscriptions and payment gateways."""
from __future__ import annotations

from typing import Protocol

from domain.checkout import Checkout
from domain.payments import PaymentGatewayConfig, PaymentNotification
from domain.subscriptions import Subscription
from ports.repositories import Repository


class CheckoutRepository(Repository[Checkout], Protocol):
    def get_for_update(self, pk: int) -> Checkout | None:
        """Read a checkout and lock its row until the unit of work ends, so concurrent
        notifications about it are processed one after the other."""


SubscriptionRepository = Repository[Subscription]
PaymentGatewayRepository = Repository[PaymentGatewayConfig]
PaymentNotificationRepository = Repository[PaymentNotification]

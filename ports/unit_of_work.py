"""Unit of Work: one transaction per use case. Nothing is durable unless `commit()`
is called; leaving the block without committing (or by an exception) rolls back."""
from __future__ import annotations

from typing import Callable, Protocol

from domain.accounts.sessions import RevokedToken
from domain.payments.withdrawal import Withdrawal

from ports.accounts import (AuditLogRepository, CreatorRepository, OrderBumpRepository, PlanRepository,
                            PostRepository, SettingRepository, SupportContactRepository,
                            UserRepository)
from ports.ads import AdEventRepository, AdRepository
from ports.age_assurance import AgeAssuranceRepository
from ports.payments import (CheckoutRepository, PaymentGatewayRepository, PostbackRepository,
                            WebhookEventRepository, SubscriptionRepository)
from ports.mail import OutboxRepository
from ports.repositories import Repository
from ports.whitelabel import (SyncRunRepository, WhitelabelMediaRepository,
                              WhitelabelModelRepository, WhitelabelPostRepository)


class UnitOfWork(Protocol):
    users: UserRepository
    plans: PlanRepository
    order_bumps: OrderBumpRepository
    creators: CreatorRepository          # table `models`
    posts: PostRepository
    settings: SettingRepository          # table `admin_settings`
    support_contacts: SupportContactRepository
    subscriptions: SubscriptionRepository
    checkouts: CheckoutRepository
    payment_gateways: PaymentGatewayRepository
    webhook_events: WebhookEventRepository
    postbacks: PostbackRepository        # table `payment_postbacks`
    whitelabel_models: WhitelabelModelRepository
    whitelabel_posts: WhitelabelPostRepository
    whitelabel_media: WhitelabelMediaRepository
    sync_runs: SyncRunRepository
    ads: AdRepository
    impressions: AdEventRepository
    clicks: AdEventRepository
    outbox: OutboxRepository             # table `mail_outbox`
    revoked_tokens: Repository[RevokedToken]
    withdrawals: Repository[Withdrawal]  # table `withdrawal_requests`
    age_assurances: AgeAssuranceRepository
    audit_log: AuditLogRepository        # every administrator write

    def __enter__(self) -> "UnitOfWork": ...

    def __exit__(self, *exc_info) -> None: ...

    def commit(self) -> None:
        """Make every change of this unit durable."""

    def rollback(self) -> None:
        """Discard every change since the last commit."""


UnitOfWorkFactory = Callable[[], UnitOfWork]


class HealthProbe(Protocol):
    def ping(self) -> bool:
        """True when the database answers."""

    def migrations_current(self) -> bool:
        """True when every migration this code expects is applied."""

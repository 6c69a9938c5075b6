"""Unit of Work: one transaction per use case. Nothing is durable unless `commit()`
is called; leaving the block without committing (or by an exception) rolls back.

Events: a use case `record()`s what it changed; `commit()` hands each recorded event
(and each event its handlers record, until none is left) to the handlers of its type,
in this same transaction, then commits. A handler that raises rolls the whole unit
back; the events of a unit rolled back are dropped, never handled."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any, Protocol

from domain.accounts.sessions import RevokedToken
from domain.common.events import Event
from domain.notifications.entities import TelegramSettings, WebhookEndpoint
from domain.payments.withdrawal import Withdrawal
from ports.accounts import (
    AuditLogRepository,
    CreatorRepository,
    OrderBumpRepository,
    PlanRepository,
    PostRepository,
    SettingRepository,
    SupportContactRepository,
    UserRepository,
)
from ports.ads import AdEventRepository, AdRepository
from ports.age_assurance import AgeAssuranceRepository
from ports.mail import OutboxRepository
from ports.notifications import DeliveryRepository
from ports.payments import (
    CheckoutRepository,
    CouponRepository,
    PaymentGatewayRepository,
    PostbackRepository,
    RenewalRepository,
    SubscriptionRepository,
    WebhookEventRepository,
)
from ports.repositories import Repository
from ports.whitelabel import (
    SyncRunRepository,
    WhitelabelMediaRepository,
    WhitelabelModelRepository,
    WhitelabelPostRepository,
)


class UnitOfWork(Protocol):
    users: UserRepository
    plans: PlanRepository
    order_bumps: OrderBumpRepository
    creators: CreatorRepository  # table `models`
    posts: PostRepository
    settings: SettingRepository  # table `admin_settings`
    support_contacts: SupportContactRepository
    subscriptions: SubscriptionRepository
    checkouts: CheckoutRepository
    payment_gateways: PaymentGatewayRepository
    webhook_events: WebhookEventRepository
    renewals: RenewalRepository  # table `subscription_renewals`
    coupons: CouponRepository
    postbacks: PostbackRepository  # table `payment_postbacks`
    whitelabel_models: WhitelabelModelRepository
    whitelabel_posts: WhitelabelPostRepository
    whitelabel_media: WhitelabelMediaRepository
    sync_runs: SyncRunRepository
    ads: AdRepository
    impressions: AdEventRepository
    clicks: AdEventRepository
    outbox: OutboxRepository  # table `mail_outbox`
    revoked_tokens: Repository[RevokedToken]
    withdrawals: Repository[Withdrawal]  # table `withdrawal_requests`
    age_assurances: AgeAssuranceRepository
    audit_log: AuditLogRepository  # every administrator write
    webhook_endpoints: Repository[WebhookEndpoint]
    webhook_deliveries: DeliveryRepository  # webhooks' and Telegram's queue and log
    telegram_settings: Repository[TelegramSettings]

    def __enter__(self) -> UnitOfWork: ...

    def __exit__(self, *exc_info) -> None: ...

    def record(self, event: Event) -> None:
        """Keep `event` for the handlers `commit()` runs (dropped on rollback)."""

    def commit(self) -> None:
        """Run the handlers of the recorded events, then make every change of this
        unit durable."""

    def rollback(self) -> None:
        """Discard every change and every recorded event since the last commit."""


UnitOfWorkFactory = Callable[[], UnitOfWork]

# A handler reacts to one type of event inside the unit of work that recorded it:
# `(event, uow) -> None`, typed Any for the event so that each handler may name its own
# event class. What it needs besides the unit of work is bound in bootstrap.
EventHandler = Callable[[Any, UnitOfWork], None]
# The one table (entrypoints/bootstrap.py): event type -> handlers, run in this order;
# an event also goes to the handlers of its base classes (Event: every event), after.
EventHandlers = Mapping[type[Event], Sequence[EventHandler]]


class HealthProbe(Protocol):
    def ping(self) -> bool:
        """True when the database answers."""

    def migrations_current(self) -> bool:
        """True when every migration this code expects is applied."""

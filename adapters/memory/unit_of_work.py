"""In-memory unit of work: a store of tables and transactions that snapshot it."""

from __future__ import annotations

import threading
from typing import Any

from adapters.events import NO_HANDLERS, RecordedEvents
from adapters.memory.repositories.accounts import (
    MemoryAuditLogRepository,
    MemoryCreatorRepository,
    MemoryPostRepository,
    MemoryUserRepository,
)
from adapters.memory.repositories.ads import MemoryAdEventRepository, MemoryAdRepository
from adapters.memory.repositories.mail import MemoryOutboxRepository
from adapters.memory.repositories.notifications import (
    MemoryDeliveryRepository,
    MemoryTelegramSettingsRepository,
    MemoryWebhookEndpointRepository,
)
from adapters.memory.repositories.payments import (
    MemoryCheckoutRepository,
    MemoryPaymentGatewayRepository,
    MemorySubscriptionRepository,
    MemoryWebhookEventRepository,
)
from adapters.memory.repositories.postbacks import MemoryPostbackRepository
from adapters.memory.repositories.renewals import MemoryCouponRepository, MemoryRenewalRepository
from adapters.memory.repositories.whitelabel import (
    MemoryWhitelabelMediaRepository,
    MemoryWhitelabelModelRepository,
    MemoryWhitelabelPostRepository,
)
from adapters.memory.repository import MemoryRepository, cascade_delete
from adapters.schema import TABLES
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
from ports.mail import MailRenderer, OutboxRepository
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
from ports.security import SecretBox
from ports.unit_of_work import EventHandlers, UnitOfWork
from ports.whitelabel import (
    SyncRunRepository,
    WhitelabelMediaRepository,
    WhitelabelModelRepository,
    WhitelabelPostRepository,
)


class MemoryStore:
    """Every table as a dict pk -> frozen entity. One transaction at a time."""

    def __init__(self) -> None:
        self.tables: dict[str, dict[Any, Any]] = {t: {} for t, _, _ in TABLES.values()}
        self.sequences: dict[str, int] = {t: 0 for t in self.tables}
        self.lock = threading.RLock()

    def next_id(self, table: str) -> int:
        self.sequences[table] += 1
        return self.sequences[table]

    def delete_row(self, table: str, pk: Any) -> None:
        cascade_delete(self.tables, table, pk)

    def snapshot(self) -> dict[str, dict[Any, Any]]:
        # Entities are frozen, so copying the dicts is a full snapshot.
        return {t: dict(rows) for t, rows in self.tables.items()}


class MemoryUnitOfWork:
    """A transaction on a MemoryStore, with one repository per table (TABLES gives
    each its table, entity class and primary key)."""

    users: UserRepository
    plans: PlanRepository
    order_bumps: OrderBumpRepository
    creators: CreatorRepository
    posts: PostRepository
    settings: SettingRepository
    support_contacts: SupportContactRepository
    subscriptions: SubscriptionRepository
    checkouts: CheckoutRepository
    payment_gateways: PaymentGatewayRepository
    webhook_events: WebhookEventRepository
    renewals: RenewalRepository  # table `subscription_renewals`
    coupons: CouponRepository
    postbacks: PostbackRepository
    whitelabel_models: WhitelabelModelRepository
    whitelabel_posts: WhitelabelPostRepository
    whitelabel_media: WhitelabelMediaRepository
    sync_runs: SyncRunRepository
    ads: AdRepository
    impressions: AdEventRepository
    clicks: AdEventRepository
    outbox: OutboxRepository
    revoked_tokens: Repository[RevokedToken]
    withdrawals: Repository[Withdrawal]
    age_assurances: AgeAssuranceRepository
    audit_log: AuditLogRepository
    webhook_endpoints: Repository[WebhookEndpoint]
    webhook_deliveries: DeliveryRepository
    telegram_settings: Repository[TelegramSettings]

    def __init__(
        self,
        store: MemoryStore,
        secrets: SecretBox | None = None,
        *,
        mail_renderer: MailRenderer | None = None,
        handlers: EventHandlers = NO_HANDLERS,
    ):
        self.store = store
        self.events = RecordedEvents(handlers)
        self.users = MemoryUserRepository(store, *TABLES["users"])
        self.plans = MemoryRepository(store, *TABLES["plans"])
        self.order_bumps = MemoryRepository(store, *TABLES["order_bumps"])
        self.creators = MemoryCreatorRepository(store, *TABLES["creators"])
        self.posts = MemoryPostRepository(store, *TABLES["posts"])
        self.settings = MemoryRepository(store, *TABLES["settings"])
        self.support_contacts = MemoryRepository(store, *TABLES["support_contacts"])
        self.subscriptions = MemorySubscriptionRepository(store, *TABLES["subscriptions"])
        self.checkouts = MemoryCheckoutRepository(store, *TABLES["checkouts"])
        self.payment_gateways = MemoryPaymentGatewayRepository(
            store, *TABLES["payment_gateways"], secrets=secrets
        )
        self.webhook_events = MemoryWebhookEventRepository(store, *TABLES["webhook_events"])
        self.renewals = MemoryRenewalRepository(store, *TABLES["renewals"])
        self.coupons = MemoryCouponRepository(store, *TABLES["coupons"])
        self.postbacks = MemoryPostbackRepository(store, *TABLES["postbacks"])
        self.whitelabel_models = MemoryWhitelabelModelRepository(
            store, *TABLES["whitelabel_models"]
        )
        self.whitelabel_posts = MemoryWhitelabelPostRepository(store, *TABLES["whitelabel_posts"])
        self.whitelabel_media = MemoryWhitelabelMediaRepository(store, *TABLES["whitelabel_media"])
        self.sync_runs = MemoryRepository(store, *TABLES["sync_runs"])
        self.ads = MemoryAdRepository(store, *TABLES["ads"])
        self.impressions = MemoryAdEventRepository(store, *TABLES["impressions"])
        self.clicks = MemoryAdEventRepository(store, *TABLES["clicks"])
        self.outbox = MemoryOutboxRepository(store, *TABLES["outbox"], renderer=mail_renderer)
        self.revoked_tokens = MemoryRepository(store, *TABLES["revoked_tokens"])
        self.withdrawals = MemoryRepository(store, *TABLES["withdrawals"])
        self.age_assurances = MemoryRepository(store, *TABLES["age_assurances"])
        self.audit_log = MemoryAuditLogRepository(store, *TABLES["audit_log"])
        self.webhook_endpoints = MemoryWebhookEndpointRepository(
            store, *TABLES["webhook_endpoints"], secrets=secrets
        )
        self.webhook_deliveries = MemoryDeliveryRepository(store, *TABLES["webhook_deliveries"])
        self.telegram_settings = MemoryTelegramSettingsRepository(
            store, *TABLES["telegram_settings"], secrets=secrets
        )
        self._snapshot: dict[str, dict[Any, Any]] | None = None

    def __enter__(self) -> MemoryUnitOfWork:
        self.store.lock.acquire()
        self._snapshot = self.store.snapshot()
        self.events = RecordedEvents(self.events.handlers)
        return self

    def __exit__(self, *exc_info) -> None:
        try:
            self.rollback()
        finally:
            self._snapshot = None
            self.store.lock.release()

    def record(self, event: Event) -> None:
        self.events.record(event)

    def commit(self) -> None:
        self.events.dispatch(self)
        self._snapshot = self.store.snapshot()

    def rollback(self) -> None:
        self.events.drop()
        if self._snapshot is not None:
            self.store.tables = {t: dict(rows) for t, rows in self._snapshot.items()}


def _conforms(uow: MemoryUnitOfWork) -> UnitOfWork:
    """Never called: makes the type checker hold MemoryUnitOfWork to the port."""
    return uow


class MemoryHealthProbe:
    def ping(self) -> bool:
        return True

    def migrations_current(self) -> bool:
        return True

"""Pony unit of work. Pony's db_session commits on a clean exit; this one rolls back
whatever the use case did not commit, so the use case decides."""

from __future__ import annotations

import copy
from typing import Any

from pony.orm import commit, db_session, rollback
from pony.orm.core import CommitException, UnexpectedError
from pony.orm.dbapiprovider import InterfaceError, OperationalError

from adapters.events import NO_HANDLERS, RecordedEvents
from adapters.pony.database import PonyDatabase
from adapters.pony.repositories.accounts import (
    PonyAuditLogRepository,
    PonyCreatorRepository,
    PonyPostRepository,
    PonyUserRepository,
)
from adapters.pony.repositories.ads import PonyAdEventRepository, PonyAdRepository
from adapters.pony.repositories.mail import PonyOutboxRepository
from adapters.pony.repositories.notifications import (
    PonyDeliveryRepository,
    PonyTelegramSettingsRepository,
    PonyWebhookEndpointRepository,
)
from adapters.pony.repositories.payments import (
    PonyCheckoutRepository,
    PonyPaymentGatewayRepository,
    PonySubscriptionRepository,
    PonyWebhookEventRepository,
)
from adapters.pony.repositories.postbacks import PonyPostbackRepository
from adapters.pony.repositories.renewals import PonyCouponRepository, PonyRenewalRepository
from adapters.pony.repositories.whitelabel import (
    PonyWhitelabelMediaRepository,
    PonyWhitelabelModelRepository,
    PonyWhitelabelPostRepository,
)
from adapters.pony.repository import PonyRepository
from adapters.schema import TABLES
from domain.accounts.sessions import RevokedToken
from domain.common.errors import ServiceUnavailable
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


def _unreachable(exc: BaseException | None) -> bool:
    """Whether `exc` means the database cannot be reached. Pony wraps the driver's error
    met while flushing a write in an UnexpectedError, and one met by the COMMIT itself (a
    connection the database closed by restarting) in a CommitException."""
    if isinstance(exc, CommitException):
        return any(_unreachable(e[1] if isinstance(e, tuple) else e) for e in exc.exceptions)
    if isinstance(exc, UnexpectedError):
        exc = exc.original_exc
    return isinstance(exc, (OperationalError, InterfaceError))


class PonyUnitOfWork:
    """One db_session, with one (stateless) repository per table (TABLES gives each its
    table, entity class and primary key)."""

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
        pdb: PonyDatabase,
        secrets: SecretBox | None = None,
        *,
        mail_renderer: MailRenderer | None = None,
        handlers: EventHandlers = NO_HANDLERS,
    ):
        self.pdb = pdb
        self.events = RecordedEvents(handlers)
        self.users = PonyUserRepository(pdb, "users", *TABLES["users"])
        self.plans = PonyRepository(pdb, "plans", *TABLES["plans"])
        self.order_bumps = PonyRepository(pdb, "order_bumps", *TABLES["order_bumps"])
        self.creators = PonyCreatorRepository(pdb, "creators", *TABLES["creators"])
        self.posts = PonyPostRepository(pdb, "posts", *TABLES["posts"])
        self.settings = PonyRepository(pdb, "settings", *TABLES["settings"])
        self.support_contacts = PonyRepository(pdb, "support_contacts", *TABLES["support_contacts"])
        self.subscriptions = PonySubscriptionRepository(
            pdb, "subscriptions", *TABLES["subscriptions"]
        )
        self.checkouts = PonyCheckoutRepository(pdb, "checkouts", *TABLES["checkouts"])
        self.payment_gateways = PonyPaymentGatewayRepository(
            pdb, "payment_gateways", *TABLES["payment_gateways"], secrets=secrets
        )
        self.webhook_events = PonyWebhookEventRepository(
            pdb, "webhook_events", *TABLES["webhook_events"]
        )
        self.renewals = PonyRenewalRepository(pdb, "renewals", *TABLES["renewals"])
        self.coupons = PonyCouponRepository(pdb, "coupons", *TABLES["coupons"])
        self.postbacks = PonyPostbackRepository(pdb, "postbacks", *TABLES["postbacks"])
        self.whitelabel_models = PonyWhitelabelModelRepository(
            pdb, "whitelabel_models", *TABLES["whitelabel_models"]
        )
        self.whitelabel_posts = PonyWhitelabelPostRepository(
            pdb, "whitelabel_posts", *TABLES["whitelabel_posts"]
        )
        self.whitelabel_media = PonyWhitelabelMediaRepository(
            pdb, "whitelabel_media", *TABLES["whitelabel_media"]
        )
        self.sync_runs = PonyRepository(pdb, "sync_runs", *TABLES["sync_runs"])
        self.ads = PonyAdRepository(pdb, "ads", *TABLES["ads"])
        self.impressions = PonyAdEventRepository(pdb, "impressions", *TABLES["impressions"])
        self.clicks = PonyAdEventRepository(pdb, "clicks", *TABLES["clicks"])
        self.outbox = PonyOutboxRepository(pdb, "outbox", *TABLES["outbox"], renderer=mail_renderer)
        self.revoked_tokens = PonyRepository(pdb, "revoked_tokens", *TABLES["revoked_tokens"])
        self.withdrawals = PonyRepository(pdb, "withdrawals", *TABLES["withdrawals"])
        self.age_assurances = PonyRepository(pdb, "age_assurances", *TABLES["age_assurances"])
        self.audit_log = PonyAuditLogRepository(pdb, "audit_log", *TABLES["audit_log"])
        self.webhook_endpoints = PonyWebhookEndpointRepository(
            pdb, "webhook_endpoints", *TABLES["webhook_endpoints"], secrets=secrets
        )
        self.webhook_deliveries = PonyDeliveryRepository(
            pdb, "webhook_deliveries", *TABLES["webhook_deliveries"]
        )
        self.telegram_settings = PonyTelegramSettingsRepository(
            pdb, "telegram_settings", *TABLES["telegram_settings"], secrets=secrets
        )
        self._session: Any = None  # pony's (untyped) db_session while in the block

    def __enter__(self) -> PonyUnitOfWork:
        # Units of work are shallow copies of one prototype: each gets its own events.
        self.events = RecordedEvents(self.events.handlers)
        self._session = db_session()
        self._session.__enter__()
        return self

    def __exit__(self, exc_type, exc, tb) -> None:
        session, self._session = self._session, None
        self.events.drop()
        try:
            try:
                rollback()
            finally:
                session.__exit__(exc_type, exc, tb)
        except (OperationalError, InterfaceError) as failure:
            if exc is None:
                raise ServiceUnavailable("the database is unavailable") from failure
        if _unreachable(exc):
            raise ServiceUnavailable("the database is unavailable") from exc

    def record(self, event: Event) -> None:
        self.events.record(event)

    def commit(self) -> None:
        self.events.dispatch(self)
        commit()

    def rollback(self) -> None:
        self.events.drop()
        rollback()


def _conforms(uow: PonyUnitOfWork) -> UnitOfWork:
    """Never called: makes the type checker hold PonyUnitOfWork to the port."""
    return uow


class PonyUnitOfWorkFactory:
    """Callable making a fresh unit of work per use case. The repositories are
    stateless, so units of work share them: each is a shallow copy of one built here,
    outside any block."""

    def __init__(
        self,
        pdb: PonyDatabase,
        secrets: SecretBox | None = None,
        *,
        mail_renderer: MailRenderer | None = None,
        handlers: EventHandlers = NO_HANDLERS,
    ):
        self.pdb = pdb
        self._prototype = PonyUnitOfWork(
            pdb, secrets, mail_renderer=mail_renderer, handlers=handlers
        )

    def __call__(self) -> PonyUnitOfWork:
        return copy.copy(self._prototype)

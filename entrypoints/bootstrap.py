"""The one place that wires adapters to the core."""

from __future__ import annotations

import functools
from datetime import timedelta
from typing import Any
from zoneinfo import ZoneInfo

import attrs
from attrs import field, frozen

from adapters.bots import CrawlerDetectBots
from adapters.clock import SystemClock
from adapters.email_lookalikes import IcuEmailLookalikes
from adapters.mail import mailer_from_url
from adapters.mail.rendering import JinjaMailRenderer
from adapters.media.thumbnails import PillowAvThumbnailer
from adapters.memory.mailer import MemoryMailer
from adapters.rate_limits import LimitsRateLimiter
from adapters.security import Argon2PasswordHasher, HmacSigner
from adapters.storage import storage_from_url
from domain.accounts import handlers as accounts_handlers
from domain.accounts.auth import AuthService
from domain.accounts.events import UserErased, UserRegistered
from domain.ads.counting import IpCaps, RepeatWindows
from domain.ads.service import AdServices, ServingCache
from domain.assurance import handlers as assurance_handlers
from domain.assurance import service as assurance_service
from domain.assurance.service import AgeAssuranceService
from domain.common.events import Event
from domain.common.throttle import Throttle
from domain.notifications import handlers as notifications_handlers
from domain.notifications.delivery import Notifier
from domain.payments import handlers as payments_handlers
from domain.payments import pix_recurrences, saved_cards, webhooks
from domain.payments.events import (
    CheckoutCharged,
    CheckoutClaimed,
    CheckoutFailed,
    CheckoutPaid,
    CheckoutRefunded,
    WithdrawalRequested,
)
from domain.payments.gateways import Postback, WebhookUrls
from domain.payments.reminders import Reminders
from domain.payments.renewals import Schedule
from domain.payments.renewing import RenewalService
from domain.payments.service import PaymentService
from domain.payments.settlement import Outcome
from entrypoints.config import Config
from ports.ads import BotDetector
from ports.clock import Clock
from ports.mail import Mailer
from ports.media import MediaStorage, Thumbnailer
from ports.notifications import TelegramTransport, WebhookTransport
from ports.payments import PaymentGateways
from ports.rate_limits import RateLimiter
from ports.security import PasswordHasher, SecretBox, Signer
from ports.storage import ObjectStorage
from ports.unit_of_work import EventHandler, EventHandlers, HealthProbe, UnitOfWorkFactory
from ports.whitelabel import SyncLock


@frozen(kw_only=True)
class Deps:
    """Everything the HTTP app and the CLI need, built once per process; the services
    of the use cases are wired here and nowhere else."""

    config: Config
    uow: UnitOfWorkFactory
    health: HealthProbe
    clock: Clock
    hasher: PasswordHasher
    signer: Signer  # every signed value: tokens, media links, postbacks
    storage: MediaStorage  # the white-label media and the uploads
    sync_lock: SyncLock  # one white-label sync at a time
    payments: PaymentGateways  # the payment gateway adapters
    database: Any = None  # the PonyDatabase or the MemoryStore behind `uow`
    secrets: SecretBox | None = None  # seals the gateways' secret keys at rest
    bots: BotDetector = field(factory=CrawlerDetectBots)  # ad events of bots do not count
    ad_cache: ServingCache = field(factory=ServingCache)  # this process's served ads
    age_checks: dict = field(factory=dict)  # the enabled age-assurance methods, by name
    # Rate-limit counters (CREATORFLIX_RATE_LIMIT_URL); in this process unless built from
    # a redis:// URL by build_deps.
    rate_limiter: RateLimiter = field(factory=LimitsRateLimiter)
    # Delivers the mail outbox (CREATORFLIX_MAIL_URL in build_deps; kept in memory else).
    mailer: Mailer = field(factory=MemoryMailer)
    # Thumbnails and poster frames of the uploads.
    thumbnailer: Thumbnailer = field(factory=PillowAvThumbnailer)
    # Notifications' transports (CREATORFLIX_WEBHOOK_*, CREATORFLIX_TELEGRAM_API_URL).
    webhooks: WebhookTransport | None = None
    telegram: TelegramTransport | None = None

    @property
    def notifier(self) -> Notifier:
        """Webhook endpoints, Telegram and their delivery (CREATORFLIX_WEBHOOK_*)."""
        webhooks, telegram = self.webhooks, self.telegram
        if webhooks is None or telegram is None:
            webhooks, telegram = notification_transports(self.config)
        return Notifier(
            uow=self.uow,
            clock=self.clock,
            webhooks=webhooks,
            telegram=telegram,
            schedule=tuple(self.config.webhook_retry_schedule),
        )

    @property
    def reminders(self) -> Reminders:
        """Renewal reminders and expiry notices (CREATORFLIX_RENEWAL_REMINDER_DAYS);
        none for the subscriptions the saved card renews."""
        svc = self.payments_service
        return Reminders(
            uow=self.uow,
            clock=self.clock,
            tokens=self.signer,
            public_url=self.config.public_url,
            days_before=self.config.renewal_reminder_days,
            saved_cards=lambda uow: saved_cards.charges_saved_cards(svc, uow),
        )

    @property
    def renewals(self) -> RenewalService:
        """Automatic renewal (CREATORFLIX_RENEWAL_CHARGE_AHEAD_HOURS, _GRACE_DAYS,
        _RETRY_HOURS)."""
        config = self.config
        return RenewalService(
            payments=self.payments_service,
            reminders=self.reminders,
            schedule=Schedule(
                charge_ahead=timedelta(hours=config.renewal_charge_ahead_hours),
                grace=timedelta(days=config.renewal_grace_days),
                retries=tuple(timedelta(hours=h) for h in config.renewal_retry_hours),
                zone=ZoneInfo(config.timezone),
            ),
        )

    def settle_postback(self, svc: PaymentService, postback: Postback) -> Outcome:
        """The worker's settlement of one recorded postback (Pix Automático's cobr
        notices go to the renewal engine)."""
        return webhooks.settle_postback(svc, postback, self.renewals)

    @property
    def throttle(self) -> Throttle:
        """Every rate limit of domain.common.rate_limits, applied through `rate_limiter`."""
        return Throttle(self.rate_limiter, self.config.rate_limit_factor)

    @property
    def auth(self) -> AuthService:
        return AuthService(
            uow=self.uow,
            hasher=self.hasher,
            tokens=self.signer,
            clock=self.clock,
            token_ttl_seconds=self.config.token_ttl_seconds,
            public_url=self.config.public_url,
            lookalikes=IcuEmailLookalikes(),
        )

    @property
    def ads(self) -> AdServices:
        config = self.config
        return AdServices(
            uow=self.uow,
            clock=self.clock,
            signer=self.signer,
            bots=self.bots,
            windows=RepeatWindows(
                impressions=timedelta(seconds=config.ad_impression_repeat_seconds),
                clicks=timedelta(seconds=config.ad_click_repeat_seconds),
            ),
            caps=IpCaps(
                impressions=config.ad_impressions_per_ip_hour, clicks=config.ad_clicks_per_ip_hour
            ),
            cache=self.ad_cache,
        )

    @property
    def age_assurance(self) -> AgeAssuranceService:
        config = self.config
        return AgeAssuranceService(
            uow=self.uow,
            clock=self.clock,
            signer=self.signer,
            storage=self.storage,
            gate_on=config.age_gate,
            checks=self.age_checks,
            oidc_claim=config.age_oidc_claim,
            callback_url=config.public_url + "/api/age-assurance/oidc/callback",
            visitor_ttl=timedelta(hours=config.age_visitor_hours),
            document_max_bytes=config.age_document_max_bytes,
            public_url=config.public_url,
            sandbox_charges=self.payments_service.sandbox_enabled,
        )

    @property
    def payments_service(self) -> PaymentService:
        config = self.config
        return PaymentService(
            uow=self.uow,
            gateways=self.payments,
            clock=self.clock,
            tokens=self.signer,
            webhooks=WebhookUrls(public_url=config.public_url, signer=self.signer),
            default_gateway=config.gateway,
            public_url=config.public_url,
            zone=ZoneInfo(config.timezone),
        )


def event_handlers(
    config: Config,
    signer: Signer,
    rate_limiter: RateLimiter | None = None,
    storage: ObjectStorage | None = None,
) -> EventHandlers:
    """THE table of domain events -> their handlers, run in this order inside the unit
    of work that recorded the event, before it commits (ports.unit_of_work). A handler
    is `(event, uow) -> None` and lives in its capability (domain/<cap>/handlers.py);
    what it needs besides the unit of work is bound here. To react to an event, write
    the handler there and add it to its event's list below."""
    public_url = config.public_url
    # What a payment gives its buyer (paid, or claimed through the mailed link).
    gives: list[EventHandler] = [payments_handlers.grant_paid_access]
    if "card" in config.age_methods:
        # Same transaction as the grant (CREATORFLIX_AGE_METHODS has `card`).
        gives.append(assurance_handlers.assure_card_buyer_on_paid)
    # After the grant: an automatic plan's saved card renews it (issue 25).
    gives.append(saved_cards.keep_saved_card)
    # ...or its Pix Automático recurrence, when approved before the payment settled.
    gives.append(
        functools.partial(pix_recurrences.keep_pix_recurrence, zone=ZoneInfo(config.timezone))
    )
    # After the grant: the receipt shows the period it granted.
    paid: list[EventHandler] = [
        *gives,
        functools.partial(
            payments_handlers.mail_receipt,
            public_url=public_url,
            tokens=signer,
            age_check=_age_check_hint(config),
            age_assured=assurance_service.account_assured,
        ),
    ]
    # The PIX mails an address gets are capped (MAIL_CAPS) on the app's rate limiter.
    throttle = (
        Throttle(rate_limiter, config.rate_limit_factor) if rate_limiter is not None else None
    )
    return {
        UserRegistered: [
            functools.partial(
                accounts_handlers.mail_verification, tokens=signer, public_url=public_url
            )
        ],
        # Pending ID photos are deleted from the media storage.
        UserErased: [functools.partial(assurance_handlers.forget_age_checks, storage=storage)],
        CheckoutCharged: [
            functools.partial(
                payments_handlers.mail_pix_code,
                public_url=public_url,
                tokens=signer,
                throttle=throttle,
            )
        ],
        CheckoutPaid: paid,
        CheckoutClaimed: gives,
        CheckoutRefunded: [payments_handlers.end_paid_access, payments_handlers.close_withdrawal],
        CheckoutFailed: [payments_handlers.end_paid_access],
        WithdrawalRequested: [payments_handlers.acknowledge_withdrawal],
        # Every event, after its own handlers: the operator's webhooks and Telegram
        # (those whose name is one of domain.notifications.entities.EVENTS).
        Event: [notifications_handlers.notify],
    }


def _age_check_hint(config: Config) -> tuple[str, str] | None:
    """What a receipt tells a buyer whose payment did not assure their age: the methods
    they can still use, and the page (None with the gate off or no such method)."""
    words = {
        "document": "envio de documento",
        "oidc": "verificação automática",
        "sandbox": "confirmação de teste",
    }
    offered = [words[m] for m in config.age_methods if m in words]
    if not config.age_gate or not offered:
        return None
    return " ou ".join(offered), config.public_url + "/verificacao-idade"


def secret_box_of(config: Config) -> SecretBox:
    """Seals secrets at rest under CREATORFLIX_SECRET_KEY; opens what the previous keys
    (CREATORFLIX_SECRET_KEY_PREVIOUS) sealed."""
    from adapters.secret_box import FernetSecretBox

    return FernetSecretBox(config.secret_key, config.secret_key_previous)


def notification_transports(config: Config) -> tuple[WebhookTransport, TelegramTransport]:
    """Signed webhooks behind the SSRF guard, and the Telegram Bot API."""
    from adapters.notifications.telegram import BotApiTelegram
    from adapters.notifications.webhooks import HttpWebhookTransport

    return (
        HttpWebhookTransport(
            allow_private=config.webhook_allow_private, timeout=config.webhook_timeout_seconds
        ),
        BotApiTelegram(config.telegram_api_url, timeout=config.webhook_timeout_seconds),
    )


def _notification_adapters(config: Config) -> dict[str, Any]:
    webhooks, telegram = notification_transports(config)
    return {"webhooks": webhooks, "telegram": telegram}


def _payment_gateways(config: Config, clock: Clock) -> PaymentGateways:
    """JunglePay at CREATORFLIX_JUNGLEPAY_URL, the API Pix of CREATORFLIX_PIX_* and the
    in-process sandbox (no network until a gateway is used); their calls bounded by the
    CREATORFLIX_GATEWAY_* timeouts and bulkhead."""
    from adapters.payments.provider import GatewayProvider

    return GatewayProvider(
        config.junglepay_url,
        clock,
        timeout=(config.gateway_connect_timeout, config.gateway_read_timeout),
        concurrency=config.gateway_concurrency,
        pix=config.pix,
    )


def _ad_adapters(config: Config, bots: BotDetector | None) -> dict[str, Any]:
    """The bot detector (crawlerdetect unless given) and this process's serving cache
    (CREATORFLIX_AD_CACHE_MS)."""
    return {
        "bots": bots or CrawlerDetectBots(),
        "ad_cache": ServingCache(timedelta(milliseconds=config.ad_cache_ms)),
    }


def _age_checks(config: Config) -> dict:
    """One adapter per age-assurance method CREATORFLIX_AGE_METHODS enables (the OIDC
    one reads the provider's discovery document on first use, then keeps it)."""
    from adapters.age_assurance.methods import enabled_checks

    if config.gateway != "sandbox" and "sandbox" in config.age_methods:
        # load_config already drops it with a warning; a Config built in code too.
        config = attrs.evolve(
            config, age_methods=tuple(m for m in config.age_methods if m != "sandbox")
        )
    return enabled_checks(config)


def build_deps(
    config: Config,
    *,
    clock: Clock | None = None,
    hasher: PasswordHasher | None = None,
    database: Any = None,
    bots: BotDetector | None = None,
) -> Deps:
    """Real adapters from the configuration: Pony on the configured database."""
    from adapters.pony.database import PonyDatabase
    from adapters.pony.repositories.whitelabel_lock import PonySyncLock
    from adapters.pony.unit_of_work import PonyUnitOfWorkFactory

    clock = clock or SystemClock()
    pdb = database or PonyDatabase(config.database_url)
    signer = HmacSigner(config.secret_key, clock)
    secrets = secret_box_of(config)
    mail_renderer = JinjaMailRenderer(config.timezone)
    rate_limiter = LimitsRateLimiter(config.rate_limit_url)
    storage = storage_from_url(config, clock, signer=signer)
    handlers = event_handlers(config, signer, rate_limiter, storage)
    return Deps(
        config=config,
        uow=PonyUnitOfWorkFactory(pdb, secrets, mail_renderer=mail_renderer, handlers=handlers),
        health=pdb,
        clock=clock,
        secrets=secrets,
        hasher=hasher or Argon2PasswordHasher(),
        signer=signer,
        database=pdb,
        storage=storage,
        sync_lock=PonySyncLock(pdb),
        payments=_payment_gateways(config, clock),
        **_ad_adapters(config, bots),
        age_checks=_age_checks(config),
        **_notification_adapters(config),
        rate_limiter=rate_limiter,
        mailer=mailer_from_url(config.mail_url, config.mail_from),
    )


def build_memory_deps(
    config: Config,
    *,
    clock: Clock | None = None,
    hasher: PasswordHasher | None = None,
    store: Any = None,
    bots: BotDetector | None = None,
) -> Deps:
    """In-memory adapters (tests, demos): nothing touches a disk or a network."""
    from adapters.memory.repositories.whitelabel import MemorySyncLock
    from adapters.memory.unit_of_work import MemoryHealthProbe, MemoryStore, MemoryUnitOfWork

    clock = clock or SystemClock()
    store = store or MemoryStore()
    signer = HmacSigner(config.secret_key, clock)
    secrets = secret_box_of(config)
    mail_renderer = JinjaMailRenderer(config.timezone)
    rate_limiter = LimitsRateLimiter()  # in this process
    storage = storage_from_url(config, clock, signer=signer)
    handlers = event_handlers(config, signer, rate_limiter, storage)
    return Deps(
        config=config,
        uow=lambda: MemoryUnitOfWork(
            store, secrets, mail_renderer=mail_renderer, handlers=handlers
        ),
        health=MemoryHealthProbe(),
        secrets=secrets,
        clock=clock,
        hasher=hasher or Argon2PasswordHasher(),
        signer=signer,
        database=store,
        storage=storage,
        sync_lock=MemorySyncLock(store),
        payments=_payment_gateways(config, clock),
        **_ad_adapters(config, bots),
        age_checks=_age_checks(config),
        rate_limiter=rate_limiter,
        **_notification_adapters(config),
    )

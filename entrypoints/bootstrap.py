"""The one place that wires adapters to the core."""
from __future__ import annotations

from typing import Any

from attrs import frozen

from adapters.clock import SystemClock
from adapters.security import HmacSigner, ScryptPasswordHasher
from adapters.storage import storage_from_url
from domain.accounts.auth import AuthService
from domain.payments.gateways import WebhookUrls
from domain.payments.service import PaymentService
from entrypoints.config import Config
from ports.clock import Clock
from ports.payments import PaymentGateways
from ports.security import PasswordHasher, Signer
from ports.storage import ObjectStorage
from ports.unit_of_work import HealthProbe, UnitOfWorkFactory
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
    signer: Signer                # every signed value: tokens, media links, postbacks
    storage: ObjectStorage        # the white-label media
    sync_lock: SyncLock           # one white-label sync at a time
    payments: PaymentGateways     # the payment gateway adapters
    database: Any = None          # the PonyDatabase or the MemoryStore behind `uow`

    @property
    def auth(self) -> AuthService:
        return AuthService(uow=self.uow, hasher=self.hasher, tokens=self.signer,
                           clock=self.clock, token_ttl_seconds=self.config.token_ttl_seconds)

    @property
    def payments_service(self) -> PaymentService:
        config = self.config
        return PaymentService(uow=self.uow, gateways=self.payments, clock=self.clock,
                              tokens=self.signer,
                              webhooks=WebhookUrls(public_url=config.public_url,
                                                   signer=self.signer),
                              default_gateway=config.gateway, public_url=config.public_url)


def _payment_gateways(config: Config, clock: Clock) -> PaymentGateways:
    """JunglePay at CREATORFLIX_JUNGLEPAY_URL and the in-process sandbox (no network
    until a JunglePay gateway is configured and used)."""
    from adapters.payments.provider import GatewayProvider
    return GatewayProvider(config.junglepay_url, clock)


def build_deps(config: Config, *, clock: Clock | None = None,
               hasher: PasswordHasher | None = None, database: Any = None) -> Deps:
    """Real adapters from the configuration: Pony on the configured database."""
    from adapters.pony.database import PonyDatabase
    from adapters.pony.repositories.whitelabel_lock import PonySyncLock
    from adapters.pony.unit_of_work import PonyUnitOfWorkFactory

    clock = clock or SystemClock()
    pdb = database or PonyDatabase(config.database_url)
    signer = HmacSigner(config.secret_key, clock)
    return Deps(
        config=config, uow=PonyUnitOfWorkFactory(pdb), health=pdb, clock=clock,
        hasher=hasher or ScryptPasswordHasher(), signer=signer, database=pdb,
        storage=storage_from_url(config, clock, signer=signer), sync_lock=PonySyncLock(pdb),
        payments=_payment_gateways(config, clock),
    )


def build_memory_deps(config: Config, *, clock: Clock | None = None,
                      hasher: PasswordHasher | None = None, store: Any = None) -> Deps:
    """In-memory adapters (tests, demos): nothing touches a disk or a network."""
    from adapters.memory.repositories.whitelabel import MemorySyncLock
    from adapters.memory.unit_of_work import MemoryHealthProbe, MemoryStore, MemoryUnitOfWork

    clock = clock or SystemClock()
    store = store or MemoryStore()
    signer = HmacSigner(config.secret_key, clock)
    return Deps(
        config=config, uow=lambda: MemoryUnitOfWork(store), health=MemoryHealthProbe(),
        clock=clock, hasher=hasher or ScryptPasswordHasher(), signer=signer, database=store,
        storage=storage_from_url(config, clock, signer=signer), sync_lock=MemorySyncLock(store),
        payments=_payment_gateways(config, clock),
    )

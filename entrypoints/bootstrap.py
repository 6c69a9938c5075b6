"""The one place that wires adapters to the core."""
from __future__ import annotations

from typing import Any

from attrs import frozen

from adapters.clock import SystemClock
from adapters.security import HmacTokenSigner, ScryptPasswordHasher
from adapters.storage import storage_from_url
from domain.accounts.auth import AuthService
from entrypoints.config import Config
from ports.clock import Clock
from ports.security import PasswordHasher, TokenSigner
from ports.unit_of_work import HealthProbe, UnitOfWorkFactory


@frozen(kw_only=True)
class Deps:
    """Everything the HTTP app and the CLI need, built once per process."""

    config: Config
    uow: UnitOfWorkFactory
    health: HealthProbe
    clock: Clock
    hasher: PasswordHasher
    tokens: TokenSigner
    database: Any = None          # the PonyDatabase, when persistence is Pony
    storage: Any = None           # ObjectStorage (white-label media)
    sync_lock: Any = None         # SyncLock: one white-label sync at a time
    payments: Any = None          # payment gateway provider

    @property
    def auth(self) -> AuthService:
        return AuthService(uow=self.uow, hasher=self.hasher, tokens=self.tokens,
                           clock=self.clock, token_ttl_seconds=self.config.token_ttl_seconds)


def _payment_gateways(config: Config, clock: Clock):
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
    return Deps(
        config=config, uow=PonyUnitOfWorkFactory(pdb), health=pdb, clock=clock,
        hasher=hasher or ScryptPasswordHasher(),
        tokens=HmacTokenSigner(config.secret_key, clock), database=pdb,
        storage=storage_from_url(config, clock), sync_lock=PonySyncLock(pdb),
        payments=_payment_gateways(config, clock),
    )


def build_memory_deps(config: Config, *, clock: Clock | None = None,
                      hasher: PasswordHasher | None = None, store: Any = None) -> Deps:
    """In-memory adapters (tests, demos): nothing touches a disk or a network."""
    from adapters.memory.repositories.whitelabel import MemorySyncLock
    from adapters.memory.unit_of_work import MemoryHealthProbe, MemoryStore, MemoryUnitOfWork

    clock = clock or SystemClock()
    store = store or MemoryStore()
    return Deps(
        config=config, uow=lambda: MemoryUnitOfWork(store), health=MemoryHealthProbe(),
        clock=clock, hasher=hasher or ScryptPasswordHasher(),
        tokens=HmacTokenSigner(config.secret_key, clock), database=store,
        storage=storage_from_url(config, clock), sync_lock=MemorySyncLock(store),
        payments=_payment_gateways(config, clock),
    )

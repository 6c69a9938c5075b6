"""Pony unit of work. Pony's db_session commits on a clean exit; this one rolls back
whatever the use case did not commit, so the use case decides."""
from __future__ import annotations

from pony.orm import commit, db_session, rollback
from pony.orm.core import UnexpectedError
from pony.orm.dbapiprovider import InterfaceError, OperationalError

from adapters.pony.database import PonyDatabase
from adapters.pony.repository import PonyRepository
from adapters.schema import TABLES
from domain.common.errors import ServiceUnavailable


def build_repositories(pdb: PonyDatabase) -> dict[str, PonyRepository]:
    """One (stateless) repository per table; units of work share them."""
    from adapters.pony import repositories  # area-specific queries
    built = {}
    for attr, (table, entity_cls, pk) in TABLES.items():
        cls = repositories.REPOSITORIES.get(attr, PonyRepository)
        built[attr] = cls(pdb, attr, table, entity_cls, pk)
    return built


def _unreachable(exc: BaseException | None) -> bool:
    """Whether `exc` means the database cannot be reached. Pony wraps the driver's error
    met while flushing a write in an UnexpectedError."""
    if isinstance(exc, UnexpectedError):
        exc = exc.original_exc
    return isinstance(exc, (OperationalError, InterfaceError))


class PonyUnitOfWork:
    def __init__(self, pdb: PonyDatabase, repositories: dict[str, PonyRepository] | None = None):
        self.pdb = pdb
        for attr, repository in (repositories or build_repositories(pdb)).items():
            setattr(self, attr, repository)
        self._session = None

    def __enter__(self) -> "PonyUnitOfWork":
        self._session = db_session()
        self._session.__enter__()
        return self

    def __exit__(self, exc_type, exc, tb) -> None:
        session, self._session = self._session, None
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

    def commit(self) -> None:
        commit()

    def rollback(self) -> None:
        rollback()


class PonyUnitOfWorkFactory:
    """Callable making a fresh unit of work per use case."""

    def __init__(self, pdb: PonyDatabase):
        self.pdb = pdb
        self.repositories = build_repositories(pdb)

    def __call__(self) -> PonyUnitOfWork:
        return PonyUnitOfWork(self.pdb, self.repositories)

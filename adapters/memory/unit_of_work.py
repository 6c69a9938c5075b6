"""In-memory unit of work: a store of tables and transactions that snapshot it."""
from __future__ import annotations

import threading
from typing import Any

from adapters.memory.repository import MemoryRepository, cascade_delete
from adapters.schema import TABLES


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
    def __init__(self, store: MemoryStore):
        self.store = store
        for attr, (table, entity_cls, pk) in TABLES.items():
            setattr(self, attr, self.repository_class(attr)(store, table, entity_cls, pk))
        self._snapshot: dict | None = None

    @staticmethod
    def repository_class(attr: str) -> type:
        from adapters.memory import repositories  # area-specific queries
        return repositories.REPOSITORIES.get(attr, MemoryRepository)

    def __enter__(self) -> "MemoryUnitOfWork":
        self.store.lock.acquire()
        self._snapshot = self.store.snapshot()
        return self

    def __exit__(self, *exc_info) -> None:
        try:
            self.rollback()
        finally:
            self._snapshot = None
            self.store.lock.release()

    def commit(self) -> None:
        self._snapshot = self.store.snapshot()

    def rollback(self) -> None:
        if self._snapshot is not None:
            self.store.tables = {t: dict(rows) for t, rows in self._snapshot.items()}


class MemoryHealthProbe:
    def ping(self) -> bool:
        return True

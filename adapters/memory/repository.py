"""A generic in-memory repository over one table of a MemoryStore."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

import attrs

from adapters.schema import FOREIGN_KEYS, UNIQUE
from domain.common.pagination import Page
from ports.repositories import NOT_NULL, DuplicateError, Filters, ReferencedError


def _matches(entity: Any, filters: Filters) -> bool:
    for name, wanted in filters.items():
        value = getattr(entity, name)
        if isinstance(wanted, (list, tuple, set, frozenset)):
            if value not in wanted:
                return False
        elif wanted is NOT_NULL:
            if value is None:
                return False
        elif value != wanted:
            return False
    return True


def sort_entities(items: list, order_by: Sequence[str]) -> list:
    """Sort by several fields, "-field" descending; stable, applied last key first."""
    for key in reversed(order_by):
        name = key.lstrip("-")
        # NULLs sort last ascending and first descending, as PostgreSQL does.
        items.sort(
            key=lambda e: (getattr(e, name) is None, getattr(e, name)), reverse=key.startswith("-")
        )
    return items


class MemoryRepository:
    def __init__(self, store, table: str, entity_cls: type, pk: str):
        self._store = store
        self.table = table
        self.entity_cls = entity_cls
        self.pk = pk

    @property
    def _rows(self) -> dict:
        return self._store.tables[self.table]

    def get(self, pk: Any) -> Any | None:
        return self._rows.get(pk)

    def get_many(self, pks: Iterable[Any]) -> list:
        return [self._rows[pk] for pk in dict.fromkeys(pks) if pk in self._rows]

    def _check_unique(self, entity: Any) -> None:
        own = getattr(entity, self.pk)
        for fields in UNIQUE.get(self.table, ()):
            key = tuple(getattr(entity, f) for f in fields)
            if None in key:  # as in SQL: NULLs never collide
                continue
            for other in self._rows.values():
                if (
                    getattr(other, self.pk) != own
                    and tuple(getattr(other, f) for f in fields) == key
                ):
                    raise DuplicateError(self.table, fields)

    @staticmethod
    def _as_stored(entity: Any) -> Any:
        """The entity as the databases keep it: Pony strips the text it stores
        (autostrip), so the fake does too (the contract suite checks they agree)."""
        padded = {
            f.name: value.strip()
            for f in attrs.fields(type(entity))
            if isinstance(value := getattr(entity, f.name), str) and value != value.strip()
        }
        return attrs.evolve(entity, **padded) if padded else entity

    def add(self, entity: Any) -> Any:
        entity = self._as_stored(entity)
        if self.pk == "id" and entity.id is None:
            entity = attrs.evolve(entity, id=self._store.next_id(self.table))
        elif getattr(entity, self.pk) in self._rows:
            raise DuplicateError(self.table, (self.pk,))
        self._check_unique(entity)
        self._rows[getattr(entity, self.pk)] = entity
        return entity

    def update(self, entity: Any) -> Any:
        entity = self._as_stored(entity)
        pk = getattr(entity, self.pk)
        if pk not in self._rows:
            raise KeyError(f"{self.table} {pk} does not exist")
        self._check_unique(entity)
        self._rows[pk] = entity
        return entity

    def delete(self, pk: Any) -> bool:
        if pk not in self._rows:
            return False
        self._store.delete_row(self.table, pk)
        return True

    def _select(self, filters: Filters | None, order_by: Sequence[str]) -> list:
        items = [e for e in self._rows.values() if _matches(e, filters or {})]
        return sort_entities(items, list(order_by) or [self.pk])

    def find(
        self,
        filters: Filters | None = None,
        *,
        order_by: Sequence[str] = (),
        page: int = 1,
        limit: int | None = None,
    ) -> Page:
        items = self._select(filters, order_by)
        if limit is None:
            return Page(items=items, total=len(items), page=1, limit=max(len(items), 1))
        start = (page - 1) * limit
        return Page(items=items[start : start + limit], total=len(items), page=page, limit=limit)

    def first(self, filters: Filters | None = None, *, order_by: Sequence[str] = ()) -> Any | None:
        items = self._select(filters, order_by)
        return items[0] if items else None

    def count(self, filters: Filters | None = None) -> int:
        return sum(1 for e in self._rows.values() if _matches(e, filters or {}))


def referencing(table: str) -> list[tuple[str, str, str]]:
    """(child table, column, on delete) of every foreign key pointing at `table`."""
    return [(child, col, rule) for child, col, parent, rule in FOREIGN_KEYS if parent == table]


def cascade_delete(tables: dict, table: str, pk: Any) -> None:
    """Delete a row as the database would: refuse when referenced (NO ACTION), else
    delete cascading children first."""
    for child, col, rule in referencing(table):
        if rule == "restrict" and any(getattr(r, col) == pk for r in tables[child].values()):
            raise ReferencedError(table)
    for child, col, rule in referencing(table):
        if rule == "cascade":
            for child_pk in [k for k, r in tables[child].items() if getattr(r, col) == pk]:
                cascade_delete(tables, child, child_pk)
    del tables[table][pk]

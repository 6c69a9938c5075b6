"""A generic Pony repository: frozen domain entities in, frozen domain entities out."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

import attrs
from pony.orm import desc, flush
from pony.orm.core import TransactionIntegrityError
from pony.orm.dbapiprovider import IntegrityError

from adapters.schema import UNIQUE
from domain.common.pagination import Page
from ports.repositories import NOT_NULL, DuplicateError, Filters, ReferencedError


def untrack(value: Any) -> Any:
    """Plain lists/dicts from Pony's tracked JSON values."""
    if isinstance(value, dict):
        return {k: untrack(v) for k, v in value.items()}
    if isinstance(value, list):
        return [untrack(v) for v in value]
    return value


class PonyRepository:
    def __init__(self, pdb, attr: str, table: str, entity_cls: type, pk: str):
        self.pdb = pdb
        self.db = pdb.db
        self.E = getattr(pdb.entities, attr)
        self.table = table
        self.entity_cls = entity_cls
        self.pk = pk
        self._fields = attrs.fields(entity_cls)
        self._names = [f.name for f in self._fields]

    # -- mapping -------------------------------------------------------------------
    def to_domain(self, row: Any) -> Any:
        values = {}
        for f in self._fields:
            value = untrack(getattr(row, f.name))
            if value is None and f.default is not attrs.NOTHING:
                # Rows copied from the original database may hold NULL where we default.
                default = f.default
                # attrs' stubs declare Factory a function; at run time it is the class.
                factory = isinstance(default, attrs.Factory)  # type: ignore[arg-type]
                value = default.factory() if factory else default
            values[f.name] = value
        return self.entity_cls(**values)

    def _values(self, entity: Any) -> dict[str, Any]:
        return {name: getattr(entity, name) for name in self._names}

    def _flush(self, deleting: bool = False) -> None:
        try:
            flush()
        except (IntegrityError, TransactionIntegrityError) as exc:
            if deleting:
                raise ReferencedError(self.table) from exc
            raise DuplicateError(self.table, self._guess_unique(exc)) from exc

    def _guess_unique(self, exc: Exception) -> tuple[str, ...]:
        text = str(exc)
        for fields in UNIQUE.get(self.table, ()):
            if all(f in text for f in fields):
                return fields
        return ()

    # -- the port ------------------------------------------------------------------
    def get(self, pk: Any) -> Any | None:
        row = self.E.get(**{self.pk: pk})
        return self.to_domain(row) if row is not None else None

    def get_many(self, pks: Iterable[Any]) -> list:
        wanted = list(dict.fromkeys(pks))
        if not wanted:
            return []
        rows = self.E.select(f"lambda e: e.{self.pk} in wanted", {"wanted": wanted})
        by_pk = {getattr(r, self.pk): r for r in rows}
        return [self.to_domain(by_pk[pk]) for pk in wanted if pk in by_pk]

    def add(self, entity: Any) -> Any:
        values = self._values(entity)
        if values.get(self.pk) is None:
            values.pop(self.pk)
        row = self.E(**values)
        self._flush()
        return self.to_domain(row)

    def update(self, entity: Any) -> Any:
        values = self._values(entity)
        row = self.E[values.pop(self.pk)]
        row.set(**values)
        self._flush()
        return self.to_domain(row)

    def delete(self, pk: Any) -> bool:
        row = self.E.get(**{self.pk: pk})
        if row is None:
            return False
        row.delete()
        self._flush(deleting=True)
        return True

    def query(self, filters: Filters | None = None, order_by: Sequence[str] = ()):
        """The Pony query for `filters` and `order_by` (for area repositories to refine)."""
        q = self.E.select()
        for name, wanted in (filters or {}).items():
            if name not in self._names:
                raise ValueError(f"{self.table} has no field {name}")
            if isinstance(wanted, (list, tuple, set, frozenset)):
                q = q.filter(f"lambda e: e.{name} in wanted", {"wanted": list(wanted)})
            elif wanted is None:
                q = q.filter(f"lambda e: e.{name} is None")
            elif wanted is NOT_NULL:
                q = q.filter(f"lambda e: e.{name} is not None")
            else:
                q = q.filter(**{name: wanted})
        keys = []
        for key in list(order_by) or [self.pk]:
            attr = getattr(self.E, key.lstrip("-"))
            keys.append(desc(attr) if key.startswith("-") else attr)
        return q.order_by(*keys)

    def find(
        self,
        filters: Filters | None = None,
        *,
        order_by: Sequence[str] = (),
        page: int = 1,
        limit: int | None = None,
    ) -> Page:
        q = self.query(filters, order_by)
        if limit is None:
            items = [self.to_domain(r) for r in q]
            return Page(items=items, total=len(items), page=1, limit=max(len(items), 1))
        total = q.count()
        rows = q.page(page, limit) if total > (page - 1) * limit else []
        return Page(items=[self.to_domain(r) for r in rows], total=total, page=page, limit=limit)

    def first(self, filters: Filters | None = None, *, order_by: Sequence[str] = ()) -> Any | None:
        row = self.query(filters, order_by).first()
        return self.to_domain(row) if row is not None else None

    def count(self, filters: Filters | None = None) -> int:
        return self.query(filters).count()

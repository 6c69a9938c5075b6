"""The generic repository every table gets; areas extend it with their own queries."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any, Protocol, TypeVar

from domain.common.pagination import Page

E = TypeVar("E")

# Filters are equality on a field; a list/tuple/set value means "field IN values",
# None means "field IS NULL", NOT_NULL "field IS NOT NULL". Order is a sequence of field
# names, "-name" for descending.
Filters = Mapping[str, Any]


class _NotNull:
    def __repr__(self) -> str:
        return "NOT_NULL"


NOT_NULL: Any = _NotNull()


class Repository(Protocol[E]):
    """Rows of one table as frozen domain entities. Changes are visible to the unit
    of work that made them and become durable only when it commits."""

    def get(self, pk: Any) -> E | None:
        """The entity with this primary key, or None."""

    def get_many(self, pks: Iterable[Any]) -> list[E]:
        """The entities with these primary keys (missing ones are skipped), in one query."""

    def add(self, entity: E) -> E:
        """Insert; returns the entity with its generated primary key."""

    def update(self, entity: E) -> E:
        """Write every field of an existing entity."""

    def delete(self, pk: Any) -> bool:
        """Delete by primary key (the database cascades); False when it did not exist."""

    def find(
        self,
        filters: Filters | None = None,
        *,
        order_by: Sequence[str] = (),
        page: int = 1,
        limit: int | None = None,
    ) -> Page[E]:
        """A page of the entities matching `filters`, with the total count: two queries
        whatever the page size. `limit=None` returns every match on one page."""

    def first(self, filters: Filters | None = None, *, order_by: Sequence[str] = ()) -> E | None:
        """The first match, or None."""

    def count(self, filters: Filters | None = None) -> int:
        """How many entities match."""


class IntegrityViolation(Exception):
    """A write the schema refuses (unique key, foreign key)."""


class ReferencedError(IntegrityViolation):
    """Raised by a repository when a delete would orphan rows that reference the entity."""

    def __init__(self, table: str):
        super().__init__(f"{table} row is still referenced")
        self.table = table


class DuplicateError(IntegrityViolation):
    """Raised by a repository when a write breaks a unique constraint."""

    def __init__(self, table: str, fields: Sequence[str] = ()):
        super().__init__(
            f"duplicate key in {table}" + (f" ({', '.join(fields)})" if fields else "")
        )
        self.table = table
        self.fields = tuple(fields)

"""Generic administration use cases (create, read, update, delete, list) for the tables
that are plain catalogue records. Each table is described once by a `Resource`."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

import attrs
from attrs import field, frozen

from domain.common.errors import Conflict, NotFound, ValidationError
from domain.common.fields import Field
from domain.common.pagination import Page, PageRequest
from ports.clock import Clock
from ports.repositories import DuplicateError, ReferencedError
from ports.unit_of_work import UnitOfWork, UnitOfWorkFactory


@frozen
class Resource:
    """How one table is administered.

    name: singular noun for messages; repo: unit-of-work attribute; fields: writable
    fields; filters: list filters a ListRecords command carries; references: field ->
    unit-of-work attribute that must hold the referenced id; check: whole-entity rules
    run before every write; normalize: entity -> entity rewrite run before `check` on
    every write (for rules that span fields, e.g. a contact link shaped by its platform);
    before_write: (unit of work, the stored entity or None when creating, the entity to
    write) -> the entity to write, run first on every write, in its transaction (values
    that depend on other rows, counters kept in step); before_delete: work done in the
    same transaction first.
    """

    name: str
    repo: str
    entity: type
    fields: Mapping[str, Field]
    filters: Mapping[str, Field] = field(factory=dict)
    order_by: tuple[str, ...] = ("id",)
    references: Mapping[str, str] = field(factory=dict)
    check: Callable[[Any], None] | None = None
    before_delete: Callable[[UnitOfWork, Any], None] | None = None
    pk: str = "id"
    normalize: Callable[[Any], Any] | None = None
    before_write: Callable[[UnitOfWork, Any, Any], Any] | None = None

    def field_names(self) -> tuple[str, ...]:
        return tuple(f.name for f in attrs.fields(self.entity))


@frozen
class CreateRecord:
    """Create a row: `values` already read against the resource's fields."""

    values: dict[str, Any]


@frozen
class UpdateRecord:
    """Change the fields in `changes` (only those given) of the row `pk`."""

    pk: Any
    changes: dict[str, Any]


@frozen
class ListRecords:
    """A page of rows matching `filters` (read against the resource's filters)."""

    filters: dict[str, Any]
    page: PageRequest


def _stamp(res: Resource, values: dict[str, Any], now, *, creating: bool) -> dict[str, Any]:
    names = res.field_names()
    if creating and "created_at" in names:
        values["created_at"] = now
    if "updated_at" in names:
        values["updated_at"] = now
    return values


def _check_references(res: Resource, uow: UnitOfWork, entity: Any) -> None:
    for name, repo in res.references.items():
        ref = getattr(entity, name)
        if ref is not None and getattr(uow, repo).get(ref) is None:
            raise ValidationError(f"{name} {ref} does not exist", field=name)


def _write(res: Resource, uow: UnitOfWork, entity: Any, *, current: Any = None) -> Any:
    creating = current is None
    if res.before_write is not None:
        entity = res.before_write(uow, current, entity)
    if res.normalize is not None:
        entity = res.normalize(entity)
    if res.check is not None:
        res.check(entity)
    _check_references(res, uow, entity)
    repo = getattr(uow, res.repo)
    try:
        return repo.add(entity) if creating else repo.update(entity)
    except DuplicateError as exc:
        where = exc.fields[0] if exc.fields else None
        raise Conflict(
            f"a {res.name} with this {where or 'key'} already exists", field=where
        ) from None


def create_item(
    res: Resource, uow_factory: UnitOfWorkFactory, clock: Clock, command: CreateRecord
) -> Any:
    """Insert a row after the resource's rules; Conflict on a duplicate key."""
    values = _stamp(res, dict(command.values), clock.now(), creating=True)
    if res.pk == "id":
        values["id"] = None
    entity = res.entity(**values)
    with uow_factory() as uow:
        created = _write(res, uow, entity)
        uow.commit()
    return created


def _existing(res: Resource, uow: UnitOfWork, pk: Any) -> Any:
    entity = getattr(uow, res.repo).get(pk)
    if entity is None:
        raise NotFound(f"{res.name} {pk} not found")
    return entity


def get_item(res: Resource, uow_factory: UnitOfWorkFactory, pk: Any) -> Any:
    """The row `pk`; NotFound when there is none."""
    with uow_factory() as uow:
        return _existing(res, uow, pk)


def update_item(
    res: Resource, uow_factory: UnitOfWorkFactory, clock: Clock, command: UpdateRecord
) -> Any:
    """Change a row; the whole merged entity passes the resource's rules again."""
    changes = dict(command.changes)
    with uow_factory() as uow:
        current = _existing(res, uow, command.pk)
        changes = _stamp(res, changes, clock.now(), creating=False)
        updated = _write(res, uow, attrs.evolve(current, **changes), current=current)
        uow.commit()
    return updated


def delete_item(res: Resource, uow_factory: UnitOfWorkFactory, pk: Any) -> None:
    """Delete a row; Conflict while other rows still reference it."""
    with uow_factory() as uow:
        current = _existing(res, uow, pk)
        if res.before_delete is not None:
            res.before_delete(uow, current)
        try:
            getattr(uow, res.repo).delete(pk)
        except ReferencedError:
            raise Conflict(f"this {res.name} is still in use and cannot be deleted") from None
        uow.commit()


def list_items(res: Resource, uow_factory: UnitOfWorkFactory, command: ListRecords) -> Page:
    """A page of rows in the resource's order."""
    page = command.page
    with uow_factory() as uow:
        return getattr(uow, res.repo).find(
            command.filters, order_by=res.order_by, page=page.page, limit=page.limit
        )

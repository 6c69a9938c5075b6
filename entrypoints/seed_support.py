"""What every demo seeder uses: create the items that are missing, and say so."""
from __future__ import annotations

from typing import Mapping, Sequence

from domain.common import crud
from domain.common.fields import parse_fields


def ensure(deps, res: crud.Resource, items: Sequence[Mapping], key: Sequence[str]) -> int:
    """Create the items of `res` whose `key` fields match no stored row (through the admin
    create use case, so with the REST API's validation); returns how many were created."""
    with deps.uow() as uow:
        repo = getattr(uow, res.repo)
        missing = [item for item in items if repo.first({k: item[k] for k in key}) is None]
    for item in missing:
        values = parse_fields(res.fields, dict(item), partial=False)
        crud.create_item(res, deps.uow, deps.clock, crud.CreateRecord(values))
    return len(missing)


def seeded_line(what: str, created: int, total: int) -> str:
    """The line the CLI prints for one kind of seeded item."""
    return f"{what}: {created} created, {total - created} already there"

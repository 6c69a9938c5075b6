"""What every demo seeder uses: create the items that are missing, and say so."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

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


# Demo images are files of the web client (web/static/img/demo/), served by this app:
# the storefront loads nothing from another host, so it works offline and tells no
# third party who visits. Stored as absolute URLs (the fields take http(s) only) on
# CREATORFLIX_PUBLIC_URL, which the pages' CSP allows.
OWN_PREFIX = "/static/img/demo/"


def own_image(name: str) -> str:
    """The path of a demo image; `ours` makes it an URL of this site."""
    return f"{OWN_PREFIX}{name}.png"


def ours(deps, items: Sequence[Mapping]) -> list[dict]:
    """`items` with every value that is a path of this site made absolute on
    CREATORFLIX_PUBLIC_URL."""
    base = deps.config.public_url.rstrip("/")
    return [
        {k: base + v if isinstance(v, str) and v.startswith("/") else v for k, v in item.items()}
        for item in items
    ]

"""The original platform's public creator pages, /models/{name}: what they show here."""

from __future__ import annotations

from attrs import frozen

from domain.catalog.entities import CREATOR_ACTIVE
from domain.common.errors import NotFound
from domain.common.statuses import PUBLISHED
from ports.unit_of_work import UnitOfWorkFactory

COLLECTION = "collection"  # a white-label model (/colecoes/{id})
CREATOR = "creator"  # a creator (/modelos/{id})


@frozen
class PublicPage:
    kind: str
    id: int


def resolve_model_page(uow_factory: UnitOfWorkFactory, name: str) -> PublicPage:
    """What the original showed at /models/{name}, resolved as it did: the published
    white-label model with this folder name, else the active creator with this slug,
    else the active creator with this name (the oldest, should several share it).
    NotFound when none (and for a name no database can hold, e.g. with a NUL)."""
    if not name.isprintable():
        raise NotFound("no such model")
    with uow_factory() as uow:
        model = uow.whitelabel_models.first({"folder_name": name, "status": PUBLISHED})
        if model is not None and model.id is not None:
            return PublicPage(COLLECTION, model.id)
        for field in ("slug", "name"):
            creator = uow.creators.first({field: name, "status": CREATOR_ACTIVE}, order_by=("id",))
            if creator is not None and creator.id is not None:
                return PublicPage(CREATOR, creator.id)
    raise NotFound(f"no model {name[:80]!r}")

"""Page requests and pages of results, shared by every list use case."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Generic, TypeVar

from attrs import frozen

from domain.common.errors import ValidationError
from domain.common.fields import parse_int

T = TypeVar("T")

DEFAULT_LIMIT = 20
MAX_LIMIT = 100


@frozen
class PageRequest:
    page: int = 1
    limit: int = DEFAULT_LIMIT

    @property
    def offset(self) -> int:
        return (self.page - 1) * self.limit

    @classmethod
    def parse(
        cls,
        params: Mapping[str, object],
        *,
        default_limit: int = DEFAULT_LIMIT,
        max_limit: int = MAX_LIMIT,
    ) -> PageRequest:
        """Read `page` and `limit` from query parameters; `limit` is capped at `max_limit`."""
        page = _positive_int(params.get("page"), "page", 1)
        limit = min(_positive_int(params.get("limit"), "limit", default_limit), max_limit)
        return cls(page=page, limit=limit)


def _positive_int(raw: object, field: str, default: int) -> int:
    if raw is None or raw == "":
        return default
    if not isinstance(raw, str):
        raise ValidationError(f"{field} must be given once", field=field)
    return parse_int(raw, field, minimum=1, maximum=1_000_000)


@frozen
class Page(Generic[T]):
    items: Sequence[T]
    total: int
    page: int
    limit: int

    @property
    def total_pages(self) -> int:
        return (self.total + self.limit - 1) // self.limit if self.limit else 0

    def map(self, fn) -> Page:
        return Page(
            items=[fn(item) for item in self.items],
            total=self.total,
            page=self.page,
            limit=self.limit,
        )

"""Pony repositories of checkout, subscriptions and payments."""
from __future__ import annotations

from adapters.pony.repository import PonyRepository


class PonyCheckoutRepository(PonyRepository):
    def get_for_update(self, pk: int):
        row = self.E.get_for_update(id=pk)
        return self.to_domain(row) if row is not None else None


REPOSITORIES: dict[str, type] = {"checkouts": PonyCheckoutRepository}

"""Area-specific Pony repositories (the queries beyond the generic ones)."""
from __future__ import annotations

from adapters.pony.repository import PonyRepository


class PonyUserRepository(PonyRepository):
    def get_by_email(self, email: str):
        row = self.E.get(email=email)
        return self.to_domain(row) if row is not None else None


class PonyCheckoutRepository(PonyRepository):
    def get_for_update(self, pk: int):
        row = self.E.get_for_update(id=pk)
        return self.to_domain(row) if row is not None else None


REPOSITORIES: dict[str, type] = {
    "users": PonyUserRepository,
    "checkouts": PonyCheckoutRepository,
}

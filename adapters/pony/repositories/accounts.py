"""Pony repositories of accounts and catalogue."""
from __future__ import annotations

from adapters.pony.repository import PonyRepository


class PonyUserRepository(PonyRepository):
    def get_by_email(self, email: str):
        row = self.E.get(email=email)
        return self.to_domain(row) if row is not None else None


REPOSITORIES: dict[str, type] = {"users": PonyUserRepository}

"""Pony repositories of accounts and catalogue."""
from __future__ import annotations

from adapters.pony.repository import PonyRepository


class PonyUserRepository(PonyRepository):
    def get_by_email(self, email: str):
        row = self.E.get(email=email)
        return self.to_domain(row) if row is not None else None

    # SELECT ... FOR UPDATE (PostgreSQL; SQLite takes its write lock). Pony raises
    # UnrepeatableReadError when a row it already read in this session changed before
    # the lock: use cases lock a user before reading them.
    def get_for_update(self, pk: int):
        row = self.E.get_for_update(id=pk)
        return self.to_domain(row) if row is not None else None

    def get_for_update_by_email(self, email: str):
        row = self.E.get_for_update(email=email)
        return self.to_domain(row) if row is not None else None


class PonyPostRepository(PonyRepository):
    def delete_by_creator(self, model_id: int) -> int:
        # One DELETE statement, not one per row (Pony's per-object delete).
        return self.E.select(model_id=model_id).delete(bulk=True)

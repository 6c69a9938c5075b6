"""Area-specific in-memory repositories (the queries beyond the generic ones)."""
from __future__ import annotations

from adapters.memory.repository import MemoryRepository


class MemoryUserRepository(MemoryRepository):
    def get_by_email(self, email: str):
        return self.first({"email": email})


class MemoryCheckoutRepository(MemoryRepository):
    def get_for_update(self, pk: int):
        # The memory store runs one transaction at a time: reading is locking.
        return self.get(pk)


REPOSITORIES: dict[str, type] = {
    "users": MemoryUserRepository,
    "checkouts": MemoryCheckoutRepository,
}

"""In-memory repositories of accounts and catalogue."""
from __future__ import annotations

from adapters.memory.repository import MemoryRepository


class MemoryUserRepository(MemoryRepository):
    def get_by_email(self, email: str):
        return self.first({"email": email})


REPOSITORIES: dict[str, type] = {"users": MemoryUserRepository}

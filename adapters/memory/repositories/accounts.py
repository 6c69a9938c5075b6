"""In-memory repositories of accounts and catalogue."""
from __future__ import annotations

from adapters.memory.repository import MemoryRepository


class MemoryUserRepository(MemoryRepository):
    def get_by_email(self, email: str):
        return self.first({"email": email})

    # The memory store runs one transaction at a time: reading is locking.
    def get_for_update(self, pk: int):
        return self.get(pk)

    def get_for_update_by_email(self, email: str):
        return self.get_by_email(email)


class MemoryPostRepository(MemoryRepository):
    def delete_by_creator(self, model_id: int) -> int:
        doomed = [pk for pk, post in self._rows.items() if post.model_id == model_id]
        for pk in doomed:
            self.delete(pk)
        return len(doomed)

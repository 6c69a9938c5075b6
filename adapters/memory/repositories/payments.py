"""In-memory repositories of checkout, subscriptions and payments."""
from __future__ import annotations

from adapters.memory.repository import MemoryRepository


class MemoryCheckoutRepository(MemoryRepository):
    def get_for_update(self, pk: int):
        # The memory store runs one transaction at a time: reading is locking.
        return self.get(pk)


REPOSITORIES: dict[str, type] = {"checkouts": MemoryCheckoutRepository}

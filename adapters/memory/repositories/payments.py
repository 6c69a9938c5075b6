"""In-memory repositories of checkout, subscriptions and payments."""
from __future__ import annotations

from adapters.memory.repository import MemoryRepository


class MemoryCheckoutRepository(MemoryRepository):
    # The memory store runs one transaction at a time: reading is locking.
    def get_for_update(self, pk: int):
        return self.get(pk)

    def get_for_update_by_external_id(self, external_id: str):
        return self.first({"external_id": external_id}, order_by=["id"])


class MemorySubscriptionRepository(MemoryRepository):
    def ended(self, now):
        return [s for s in self._select({"status": "active"}, ["id"])
                if s.end_date is not None and s.end_date <= now]


class MemoryPaymentNotificationRepository(MemoryRepository):
    def record(self, notification) -> bool:
        if self.first({"gateway": notification.gateway, "event_key": notification.event_key}):
            return False
        self.add(notification)
        return True


REPOSITORIES: dict[str, type] = {
    "checkouts": MemoryCheckoutRepository,
    "subscriptions": MemorySubscriptionRepository,
    "payment_notifications": MemoryPaymentNotificationRepository,
}

"""Pony repositories of checkout, subscriptions and payments."""
from __future__ import annotations

from adapters.pony.repository import PonyRepository


class PonyCheckoutRepository(PonyRepository):
    def get_for_update(self, pk: int):
        # SELECT ... FOR UPDATE on PostgreSQL; Pony takes BEGIN IMMEDIATE on SQLite.
        row = self.E.get_for_update(id=pk)
        return self.to_domain(row) if row is not None else None

    def get_for_update_by_external_id(self, external_id: str):
        row = self.E.select("lambda c: c.external_id == ext", {"ext": external_id}) \
            .order_by(self.E.id).for_update().first()
        return self.to_domain(row) if row is not None else None


class PonySubscriptionRepository(PonyRepository):
    def ended(self, now):
        # Served by the (status, end_date) index.
        rows = self.E.select("lambda s: s.status == 'active' and s.end_date is not None "
                             "and s.end_date <= now", {"now": now}).order_by(self.E.id)
        return [self.to_domain(r) for r in rows]


class PonyPaymentNotificationRepository(PonyRepository):
    def record(self, notification) -> bool:
        # ON CONFLICT DO NOTHING (SQLite >= 3.24, PostgreSQL): a duplicate is a no-op,
        # not an IntegrityError that would abort the PostgreSQL transaction.
        # None columns are left out, so received_at falls back to its DEFAULT; values go
        # through Pony's converters, so they are stored as Pony stores them.
        values = {name: getattr(self.E, name).converters[0].py2sql(getattr(notification, name))
                  for name in self._names
                  if name != "id" and getattr(notification, name) is not None}
        columns = ", ".join(values)
        params = ", ".join(f"$(values[{name!r}])" for name in values)
        cursor = self.db.execute(
            f"INSERT INTO {self.table} ({columns}) VALUES ({params}) "
            "ON CONFLICT (gateway, event_key) DO NOTHING", {"values": values})
        return cursor.rowcount == 1


REPOSITORIES: dict[str, type] = {
    "checkouts": PonyCheckoutRepository,
    "subscriptions": PonySubscriptionRepository,
    "payment_notifications": PonyPaymentNotificationRepository,
}

"""In-memory repositories of checkout, subscriptions and payments."""

from __future__ import annotations

from collections import Counter
from datetime import timedelta

import attrs

from adapters.memory.repository import MemoryRepository
from adapters.secret_box import opened, sealed
from domain.common.pagination import Page
from domain.payments.gateways import missing_gateways
from domain.payments.payment_data import PaymentData
from ports.security import SecretBox

LEGACY_PROVIDER = "junglepay"  # rows copied from the original carry no provider


class MemoryCheckoutRepository(MemoryRepository):
    @staticmethod
    def _as_stored(entity):
        # payment_data as the databases return it: through its JSON object, so what a
        # JSON column drops (empty fields) is dropped here too.
        entity = MemoryRepository._as_stored(entity)
        payment = entity.payment_data
        if payment is None:
            return entity
        return attrs.evolve(entity, payment_data=PaymentData.from_json(payment.as_json()))

    # The memory store runs one transaction at a time: reading is locking.
    def get_for_update(self, pk: int):
        return self.get(pk)

    def get_by_external_id(self, external_id: str, provider: str):
        for checkout in self._select({"external_id": external_id}, ["id"]):
            found = checkout.payment.provider
            if found == provider or (found is None and provider == LEGACY_PROVIDER):
                return checkout
        return None

    def get_for_update_by_external_id(self, external_id: str, provider: str):
        return self.get_by_external_id(external_id, provider)

    def pending_for_update(self):
        return list(self._select({"status": "pending"}, ["id"]))

    def paid_by_day(self, since, until, offset_minutes=0):
        days: dict = {}
        for c in self._select({"status": "paid"}, ["id"]):
            if c.updated_at is not None and since <= c.updated_at < until:
                day = (c.updated_at + timedelta(minutes=offset_minutes)).date()
                count, cents = days.get(day, (0, 0))
                days[day] = (count + 1, cents + c.total_amount)
        return days

    def count_by_status(self, since, until):
        return dict(
            Counter(
                c.status
                for c in self._rows.values()
                if c.created_at is not None and since <= c.created_at < until
            )
        )

    def _matches(self, c, query) -> bool:
        for name in (
            "status",
            "payment_method",
            "plan_id",
            "user_id",
            "external_id",
            "customer_email",
        ):
            if getattr(query, name) is not None and getattr(c, name) != getattr(query, name):
                return False
        if query.since is not None and (c.created_at is None or c.created_at < query.since):
            return False
        if query.until is not None and (c.created_at is None or c.created_at >= query.until):
            return False
        if query.text is not None and not (
            query.text in (c.customer_name or "").lower()
            or query.text in (c.customer_email or "").lower()
            or c.external_id == query.text
        ):
            return False
        if query.digits is not None and not (
            query.digits in (c.customer_document or "") or query.digits in (c.customer_phone or "")
        ):
            return False
        return True

    def _searched(self, query) -> list:
        return sorted(
            (c for c in self._rows.values() if self._matches(c, query)),
            key=lambda c: c.id,
            reverse=True,
        )

    def search(self, query, page, limit):
        found = self._searched(query)
        start = (page - 1) * limit
        return Page(items=found[start : start + limit], total=len(found), page=page, limit=limit)

    def search_totals(self, query):
        counts: Counter = Counter()
        amounts: Counter = Counter()
        for c in self._searched(query):
            counts[c.status] += 1
            amounts[c.status] += c.total_amount
        return dict(counts), dict(amounts)


class MemorySubscriptionRepository(MemoryRepository):
    def ended(self, now):
        return [
            s
            for s in self._select({"status": "active"}, ["id"])
            if s.end_date is not None and s.end_date <= now
        ]

    def count_active_subscribers(self, now) -> int:
        return len({s.user_id for s in self._rows.values() if s.is_active_at(now)})

    def churn(self, since, now) -> tuple[int, int]:
        from domain.reporting.renewal_figures import churn_window_active

        then = {
            s.user_id
            for s in self._rows.values()
            if churn_window_active(s.status, s.start_date, s.end_date, since)
        }
        still = {s.user_id for s in self._rows.values() if s.is_active_at(now)}
        return len(then), len(then - still)


class MemoryWebhookEventRepository(MemoryRepository):
    def record(self, notification) -> bool:
        if self.first({"gateway": notification.gateway, "event_key": notification.event_key}):
            return False
        self.add(notification)
        return True


class MemoryPaymentGatewayRepository(MemoryRepository):
    """Stores secret keys and certificates sealed, as the database does
    (adapters.secret_box)."""

    def __init__(self, *args, secrets: SecretBox | None = None):
        super().__init__(*args)
        self.secrets = secrets

    def _out(self, row):
        if row is None:
            return None
        return attrs.evolve(
            row,
            secret_key=opened(self.secrets, row.secret_key),
            certificate=opened(self.secrets, row.certificate),
        )

    def _in(self, entity):
        return attrs.evolve(
            entity,
            secret_key=sealed(self.secrets, entity.secret_key),
            certificate=sealed(self.secrets, entity.certificate),
        )

    def get(self, pk):
        return self._out(super().get(pk))

    def get_many(self, pks):
        return [self._out(r) for r in super().get_many(pks)]

    def add(self, entity):
        return self._out(super().add(self._in(entity)))

    def update(self, entity):
        return self._out(super().update(self._in(entity)))

    def _select(self, filters, order_by):
        return [self._out(r) for r in super()._select(filters, order_by)]

    def lock_settings(self, names):
        for name in missing_gateways([r.name for r in self._rows.values()], names):
            self.add(self.entity_cls(id=None, name=name))
        return list(self._select({}, ["id"]))

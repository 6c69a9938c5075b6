"""Pony repositories of checkout, subscriptions and payments."""

from __future__ import annotations

from datetime import date

import attrs

from adapters.pony.raw_sql import sql_value
from adapters.pony.repository import PonyRepository
from adapters.secret_box import opened, sealed
from domain.common.pagination import Page
from domain.payments.gateways import missing_gateways
from domain.payments.payment_data import PaymentData
from ports.security import SecretBox

LEGACY_PROVIDER = "junglepay"  # rows copied from the original carry no provider


class PonyCheckoutRepository(PonyRepository):
    # payment_data: a PaymentData in the domain, its JSON object (unknown keys kept, in
    # `extra`) in the row; reading, Checkout's converter calls PaymentData.from_json.
    def _values(self, entity):
        values = super()._values(entity)
        payment = values["payment_data"]
        values["payment_data"] = payment.as_json() if isinstance(payment, PaymentData) else payment
        return values

    def get_for_update(self, pk: int):
        # SELECT ... FOR UPDATE on PostgreSQL; Pony takes BEGIN IMMEDIATE on SQLite.
        row = self.E.get_for_update(id=pk)
        return self.to_domain(row) if row is not None else None

    def _by_external_id(self, external_id: str, provider: str):
        # Served by the external_id index; the provider narrows the few rows it finds.
        if provider == LEGACY_PROVIDER:
            where = (
                "lambda c: c.external_id == ext and (c.payment_data is None or "
                "c.payment_data['provider'] is None or c.payment_data['provider'] == p)"
            )
        else:
            where = "lambda c: c.external_id == ext and c.payment_data['provider'] == p"
        return self.E.select(where, {"ext": external_id, "p": provider}).order_by(self.E.id)

    def get_by_external_id(self, external_id: str, provider: str):
        row = self._by_external_id(external_id, provider).first()
        return self.to_domain(row) if row is not None else None

    def get_for_update_by_external_id(self, external_id: str, provider: str):
        row = self._by_external_id(external_id, provider).for_update().first()
        return self.to_domain(row) if row is not None else None

    def pending_for_update(self):
        # Served by the (status, created_at) index. SKIP LOCKED: a checkout a payment
        # notification holds is being settled; the next run sees it if it is still due.
        rows = self.E.select(status="pending").order_by(self.E.id).for_update(skip_locked=True)
        return [self.to_domain(r) for r in rows]

    def paid_by_day(self, since, until, offset_minutes=0):
        # The local day of each payment: its UTC time shifted by the zone's offset.
        shift = int(offset_minutes)
        local = (
            f"date(updated_at, '{shift:+d} minutes')"
            if self.pdb.dialect == "sqlite"
            else f"date(updated_at + interval '{shift:d} minutes')"
        )
        rows = self.db.select(
            f"SELECT {local}, COUNT(*), SUM(total_amount) FROM checkouts "
            "WHERE status = 'paid' AND updated_at >= $since AND updated_at < $until "
            f"GROUP BY {local}",
            self._window(since, until),
        )
        # PostgreSQL answers dates (and SUM as a Decimal), SQLite 'YYYY-MM-DD' text.
        return {_day(day): (count, int(cents)) for day, count, cents in rows}

    def count_by_status(self, since, until):
        rows = self.db.select(
            "SELECT status, COUNT(*) FROM checkouts WHERE created_at >= $since "
            "AND created_at < $until GROUP BY status",
            self._window(since, until),
        )
        return dict(rows)

    def _search_where(self, query) -> tuple[str, dict]:
        """The WHERE clause of a SalesQuery, its values as $parameters."""
        clauses, values = ["1 = 1"], {}
        for name in (
            "status",
            "payment_method",
            "plan_id",
            "user_id",
            "external_id",
            "customer_email",
        ):
            if getattr(query, name) is not None:
                clauses.append(f"{name} = ${name}")
                values[name] = getattr(query, name)
        if query.since is not None:
            clauses.append("created_at >= $since")
            values["since"] = sql_value(query.since, self.pdb.dialect)
        if query.until is not None:
            clauses.append("created_at < $until")
            values["until"] = sql_value(query.until, self.pdb.dialect)
        if query.text is not None:
            clauses.append(
                "(LOWER(customer_name) LIKE $like ESCAPE '!' OR "
                "LOWER(customer_email) LIKE $like ESCAPE '!' OR external_id = $raw)"
            )
            values["like"], values["raw"] = f"%{_escaped(query.text)}%", query.text
        if query.digits is not None:
            clauses.append("(customer_document LIKE $dlike OR customer_phone LIKE $dlike)")
            values["dlike"] = f"%{query.digits}%"
        return " AND ".join(clauses), values

    def search(self, query, page, limit):
        where, values = self._search_where(query)
        total = self.db.select(f"SELECT COUNT(*) FROM checkouts WHERE {where}", values)[0]
        values = {**values, "lim": limit, "off": (page - 1) * limit}
        ids = (
            self.db.select(
                f"SELECT id FROM checkouts WHERE {where} ORDER BY id DESC LIMIT $lim OFFSET $off",
                values,
            )
            if total
            else []
        )
        return Page(items=self.get_many(ids), total=int(total), page=page, limit=limit)

    def search_totals(self, query):
        where, values = self._search_where(query)
        rows = self.db.select(
            "SELECT status, COUNT(*), COALESCE(SUM(total_amount), 0) "
            f"FROM checkouts WHERE {where} GROUP BY status",
            values,
        )
        return (
            {status: int(n) for status, n, _ in rows},
            {status: int(cents) for status, _, cents in rows},
        )

    def _window(self, since, until) -> dict:
        return {
            "since": sql_value(since, self.pdb.dialect),
            "until": sql_value(until, self.pdb.dialect),
        }


def _escaped(text: str) -> str:
    """`text` for a LIKE pattern with ESCAPE '!': its %, _ and ! taken literally."""
    return text.replace("!", "!!").replace("%", "!%").replace("_", "!_")


def _day(value) -> date:
    return value if isinstance(value, date) else date.fromisoformat(value)


class PonySubscriptionRepository(PonyRepository):
    def ended(self, now):
        # Served by the (status, end_date) index.
        rows = self.E.select(
            "lambda s: s.status == 'active' and s.end_date is not None and s.end_date <= now",
            {"now": now},
        ).order_by(self.E.id)
        return [self.to_domain(r) for r in rows]

    def count_active_subscribers(self, now) -> int:
        # domain.payments.subscriptions.Subscription.is_active_at, in SQL.
        rows = self.db.select(
            "SELECT COUNT(DISTINCT user_id) FROM subscriptions WHERE status = 'active' "
            "AND (start_date IS NULL OR start_date <= $now) "
            "AND (end_date IS NULL OR end_date > $now)",
            {"now": sql_value(now, self.pdb.dialect)},
        )
        return rows[0]

    def churn(self, since, now) -> tuple[int, int]:
        rows = self.db.select(
            _CHURN,
            {"since": sql_value(since, self.pdb.dialect), "now": sql_value(now, self.pdb.dialect)},
        )
        then, gone = rows[0]
        return int(then or 0), int(gone or 0)


# domain.reporting.renewal_figures.churn_window_active (s) and is_active_at (n), in SQL.
_CHURN = (
    "SELECT COUNT(DISTINCT s.user_id), COUNT(DISTINCT CASE WHEN NOT EXISTS ("
    "SELECT 1 FROM subscriptions n WHERE n.user_id = s.user_id AND n.status = 'active' "
    "AND (n.start_date IS NULL OR n.start_date <= $now) "
    "AND (n.end_date IS NULL OR n.end_date > $now)) THEN s.user_id END) "
    "FROM subscriptions s WHERE s.status IN ('active', 'expired', 'canceled') "
    "AND (s.start_date IS NULL OR s.start_date <= $since) "
    "AND (s.end_date IS NULL OR s.end_date > $since)"
)


class PonyWebhookEventRepository(PonyRepository):
    def record(self, notification) -> bool:
        # ON CONFLICT DO NOTHING (SQLite >= 3.24, PostgreSQL): a duplicate is a no-op,
        # not an IntegrityError that would abort the PostgreSQL transaction.
        # None columns are left out, so received_at falls back to its DEFAULT; values go
        # through Pony's converters, so they are stored as Pony stores them.
        values = {
            name: getattr(self.E, name).converters[0].py2sql(getattr(notification, name))
            for name in self._names
            if name != "id" and getattr(notification, name) is not None
        }
        columns = ", ".join(values)
        params = ", ".join(f"$(values[{name!r}])" for name in values)
        cursor = self.db.execute(
            f"INSERT INTO {self.table} ({columns}) VALUES ({params}) "
            "ON CONFLICT (gateway, event_key) DO NOTHING",
            {"values": values},
        )
        return cursor.rowcount == 1


class PonyPaymentGatewayRepository(PonyRepository):
    """Secret keys and certificates are sealed on the way in and opened on the way out
    (adapters.secret_box): the core sees plaintext, the database only ciphertext."""

    def __init__(self, *args, secrets: SecretBox | None = None):
        super().__init__(*args)
        self.secrets = secrets

    def to_domain(self, row):
        entity = super().to_domain(row)
        return attrs.evolve(
            entity,
            secret_key=opened(self.secrets, entity.secret_key),
            certificate=opened(self.secrets, entity.certificate),
        )

    def _values(self, entity):
        values = super()._values(entity)
        values["secret_key"] = sealed(self.secrets, values["secret_key"])
        values["certificate"] = sealed(self.secrets, values["certificate"])
        return values

    def lock_settings(self, names):
        # Missing rows are created first, always in the same order, with ON CONFLICT DO
        # NOTHING: a concurrent first setting waits for the other's commit instead of
        # colliding with it on the unique indexes (a deadlock on PostgreSQL). Then
        # every row is locked, so the one-active-row rule is checked one change at a time.
        # A row stands for a gateway by its name as the domain matches it ('JunglePay' is
        # junglepay): read as plain names, not entities, so that the lock below is this
        # session's first read of the rows (Pony refuses rows that changed since it read
        # them).
        present = self.db.select(f"SELECT name FROM {self.table}")
        for name in missing_gateways(present, names):
            self.db.execute(
                f"INSERT INTO {self.table} (name, is_active) VALUES ($name, FALSE) "
                "ON CONFLICT (name) DO NOTHING",
                {"name": name},
            )
        return [self.to_domain(r) for r in self.E.select().order_by(self.E.id).for_update()]

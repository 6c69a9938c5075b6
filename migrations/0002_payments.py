"""Payments: gateways, subscriptions, checkouts and the log of processed notifications."""
from adapters.sql_dialect import ddl

__depends__ = ["0001_accounts_catalog"]

steps = [
    ddl([
        """CREATE TABLE payment_gateways (
            id {pk},
            name TEXT NOT NULL UNIQUE,
            public_key TEXT,
            secret_key TEXT,
            postback_url TEXT,
            is_active BOOLEAN NOT NULL DEFAULT FALSE
        )""",
        # At most one active gateway: a unique index over the active rows only.
        "CREATE UNIQUE INDEX payment_gateways_one_active_idx ON payment_gateways (is_active)"
        " WHERE is_active",
        """CREATE TABLE subscriptions (
            id {pk},
            user_id INTEGER NOT NULL REFERENCES users (id),
            plan_id INTEGER REFERENCES plans (id),
            external_id TEXT,
            start_date {ts},
            end_date {ts},
            status TEXT NOT NULL DEFAULT 'pending'
                CHECK (status IN ('pending', 'active', 'expired', 'canceled')),
            created_at {ts} NOT NULL DEFAULT {now}
        )""",
        "CREATE INDEX subscriptions_user_idx ON subscriptions (user_id, status)",
        "CREATE INDEX subscriptions_external_idx ON subscriptions (external_id)",
        "CREATE INDEX subscriptions_status_end_idx ON subscriptions (status, end_date)",
        """CREATE TABLE checkouts (
            id {pk},
            user_id INTEGER REFERENCES users (id),
            plan_id INTEGER NOT NULL REFERENCES plans (id),
            external_id TEXT,
            status TEXT NOT NULL DEFAULT 'pending'
                CHECK (status IN ('pending', 'paid', 'failed', 'abandoned', 'refunded')),
            payment_method TEXT CHECK (payment_method IN ('pix', 'credit_card')),
            order_bump BOOLEAN NOT NULL DEFAULT FALSE,
            order_bump_ids {json},
            total_amount INTEGER NOT NULL,
            customer_name TEXT,
            customer_email TEXT,
            customer_document TEXT,
            customer_phone TEXT,
            created_at {ts} NOT NULL DEFAULT {now},
            updated_at {ts} NOT NULL DEFAULT {now}
        )""",
        "CREATE INDEX checkouts_external_idx ON checkouts (external_id)",
        "CREATE INDEX checkouts_status_created_idx ON checkouts (status, created_at)",
        "CREATE INDEX checkouts_user_idx ON checkouts (user_id)",
        """CREATE TABLE payment_notifications (
            id {pk},
            gateway TEXT NOT NULL,
            event_key TEXT NOT NULL,
            external_id TEXT,
            status TEXT,
            checkout_id INTEGER REFERENCES checkouts (id),
            outcome TEXT,
            received_at {ts} NOT NULL DEFAULT {now},
            UNIQUE (gateway, event_key)
        )""",
    ], [
        "DROP TABLE payment_notifications",
        "DROP TABLE checkouts",
        "DROP TABLE subscriptions",
        "DROP TABLE payment_gateways",
    ]),
]

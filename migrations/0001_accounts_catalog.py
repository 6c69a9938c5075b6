"""Accounts and catalogue: users, plans, creators (models), posts, order bumps,
admin settings, support contacts."""
from adapters.sql_dialect import ddl

__depends__ = []

steps = [
    ddl([
        """CREATE TABLE users (
            id {pk},
            name TEXT,
            email TEXT NOT NULL UNIQUE,
            password TEXT NOT NULL,
            role TEXT NOT NULL DEFAULT 'user' CHECK (role IN ('admin', 'user')),
            subscription_status INTEGER NOT NULL DEFAULT 0,
            created_at {ts} NOT NULL DEFAULT {now}
        )""",
        """CREATE TABLE plans (
            id {pk},
            name TEXT NOT NULL,
            price INTEGER NOT NULL,
            duration INTEGER NOT NULL,
            benefits_json {json},
            cta_text TEXT,
            checkout_url TEXT,
            accepts_pix BOOLEAN NOT NULL DEFAULT TRUE,
            accepts_card BOOLEAN NOT NULL DEFAULT TRUE
        )""",
        """CREATE TABLE models (
            id {pk},
            name TEXT NOT NULL,
            description TEXT,
            icon_url TEXT,
            banner_url TEXT,
            is_featured BOOLEAN NOT NULL DEFAULT FALSE,
            is_advertiser BOOLEAN NOT NULL DEFAULT FALSE,
            created_at {ts} NOT NULL DEFAULT {now}
        )""",
        """CREATE TABLE posts (
            id {pk},
            model_id INTEGER REFERENCES models (id),
            title TEXT,
            content_url TEXT NOT NULL,
            type TEXT NOT NULL CHECK (type IN ('image', 'video')),
            created_at {ts} NOT NULL DEFAULT {now}
        )""",
        "CREATE INDEX posts_model_created_idx ON posts (model_id, created_at)",
        """CREATE TABLE order_bumps (
            id {pk},
            name TEXT NOT NULL,
            description TEXT,
            price INTEGER NOT NULL,
            is_active BOOLEAN NOT NULL DEFAULT TRUE,
            image_url TEXT,
            display_order INTEGER NOT NULL DEFAULT 0,
            created_at {ts} NOT NULL DEFAULT {now}
        )""",
        "CREATE INDEX order_bumps_active_order_idx ON order_bumps (is_active, display_order)",
        """CREATE TABLE admin_settings (
            key TEXT PRIMARY KEY,
            value TEXT NOT NULL
        )""",
        """CREATE TABLE support_contacts (
            id {pk},
            platform TEXT NOT NULL,
            url TEXT NOT NULL,
            is_active BOOLEAN NOT NULL DEFAULT TRUE,
            updated_at {ts} NOT NULL DEFAULT {now}
        )""",
    ], [
        "DROP TABLE support_contacts",
        "DROP TABLE admin_settings",
        "DROP TABLE order_bumps",
        "DROP TABLE posts",
        "DROP TABLE models",
        "DROP TABLE plans",
        "DROP TABLE users",
    ]),
]

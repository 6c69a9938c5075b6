"""Columns the original CreatorFlix had beyond the seed's diagram: plans.is_active and
card_style; models.slug, thumbnail_url, external_url, category, post_count and status.
A database adopted from the original already has them (adapters/adoption.py brings
their types, defaults and constraints to these)."""
from adapters.sql_dialect import ddl

__depends__ = ["0005_checkout_payment_data"]

steps = [
    ddl([
        "ALTER TABLE plans ADD COLUMN is_active BOOLEAN NOT NULL DEFAULT TRUE",
        "ALTER TABLE plans ADD COLUMN card_style TEXT NOT NULL DEFAULT 'secondary'"
        " CONSTRAINT plans_card_style_check"
        " CHECK (card_style IN ('primary', 'secondary', 'outline'))",
        "ALTER TABLE models ADD COLUMN slug TEXT",
        "CREATE UNIQUE INDEX models_slug_idx ON models (slug)",
        "ALTER TABLE models ADD COLUMN thumbnail_url TEXT",
        "ALTER TABLE models ADD COLUMN external_url TEXT",
        "ALTER TABLE models ADD COLUMN category TEXT",
        "ALTER TABLE models ADD COLUMN post_count INTEGER NOT NULL DEFAULT 0",
        "ALTER TABLE models ADD COLUMN status TEXT NOT NULL DEFAULT 'active'"
        " CONSTRAINT models_status_check CHECK (status IN ('active', 'hidden', 'draft'))",
        "CREATE INDEX models_status_featured_idx ON models (status, is_featured, id)",
        "CREATE INDEX plans_active_price_idx ON plans (is_active, price)",
    ], [
        "DROP INDEX plans_active_price_idx",
        "DROP INDEX models_status_featured_idx",
        "ALTER TABLE models DROP COLUMN status",
        "ALTER TABLE models DROP COLUMN post_count",
        "ALTER TABLE models DROP COLUMN category",
        "ALTER TABLE models DROP COLUMN external_url",
        "ALTER TABLE models DROP COLUMN thumbnail_url",
        "DROP INDEX models_slug_idx",
        "ALTER TABLE models DROP COLUMN slug",
        "ALTER TABLE plans DROP COLUMN card_style",
        "ALTER TABLE plans DROP COLUMN is_active",
    ]),
]

"""Ads: campaigns and their impression and click events."""
from adapters.sql_dialect import ddl

__depends__ = ["0003_whitelabel"]

EVENT_TABLE = """CREATE TABLE {table} (
    id {{pk}},
    ad_id INTEGER NOT NULL REFERENCES ads (id) ON DELETE CASCADE,
    placement TEXT,
    user_agent TEXT,
    ip TEXT,
    created_at {{ts}} NOT NULL DEFAULT {{now}}
)"""

steps = [
    ddl([
        """CREATE TABLE ads (
            id {pk},
            name TEXT NOT NULL,
            type TEXT NOT NULL DEFAULT 'banner'
                CHECK (type IN ('diamond', 'diamond_block', 'banner', 'spot', 'hero')),
            placement TEXT NOT NULL DEFAULT 'home_top',
            status TEXT NOT NULL DEFAULT 'draft' CHECK (status IN ('active', 'paused', 'draft')),
            title TEXT NOT NULL,
            subtitle TEXT,
            cta_text TEXT,
            image_url TEXT,
            link TEXT NOT NULL,
            category TEXT,
            impressions INTEGER NOT NULL DEFAULT 0,
            clicks INTEGER NOT NULL DEFAULT 0,
            priority INTEGER NOT NULL DEFAULT 0,
            start_date {ts},
            end_date {ts},
            created_at {ts} NOT NULL DEFAULT {now},
            updated_at {ts} NOT NULL DEFAULT {now}
        )""",
        "CREATE INDEX ads_status_placement_idx ON ads (status, placement, priority)",
        EVENT_TABLE.format(table="impressions"),
        "CREATE INDEX impressions_ad_created_idx ON impressions (ad_id, created_at)",
        EVENT_TABLE.format(table="clicks"),
        "CREATE INDEX clicks_ad_created_idx ON clicks (ad_id, created_at)",
    ], [
        "DROP TABLE clicks",
        "DROP TABLE impressions",
        "DROP TABLE ads",
    ]),
]

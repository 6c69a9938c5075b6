"""Ad events say whether they count: `counted` (TRUE for every event recorded before) and,
when not, `filter_reason` ('bot', 'repeat' or 'no_token'; domain.ads.counting). Two
partial indexes per event table: the repeat lookup (the counted events of an ad from one
IP within a window) and the retention job (events still holding an IP or user agent,
by age)."""
from adapters.sql_dialect import ddl

__depends__ = ["0006_original_columns"]

REASON_CHECK = ("CHECK ((counted AND filter_reason IS NULL) OR "
                "(NOT counted AND filter_reason IN ('bot', 'repeat', 'no_token')))")


def _create(table: str) -> list[str]:
    return [
        f"ALTER TABLE {table} ADD COLUMN counted BOOLEAN NOT NULL DEFAULT TRUE",
        f"ALTER TABLE {table} ADD COLUMN filter_reason TEXT {REASON_CHECK}",
        f"CREATE INDEX {table}_repeat_idx ON {table} (ad_id, ip, created_at) WHERE counted",
        f"CREATE INDEX {table}_visitor_age_idx ON {table} (created_at) "
        "WHERE ip IS NOT NULL OR user_agent IS NOT NULL",
    ]


def _drop(table: str) -> list[str]:
    # SQLite drops a column only once no index names it; the CHECK belongs to the
    # column filter_reason, so that one goes first.
    return [
        f"DROP INDEX {table}_visitor_age_idx",
        f"DROP INDEX {table}_repeat_idx",
        f"ALTER TABLE {table} DROP COLUMN filter_reason",
        f"ALTER TABLE {table} DROP COLUMN counted",
    ]


steps = [
    ddl(_create("impressions") + _create("clicks"), _drop("clicks") + _drop("impressions")),
]

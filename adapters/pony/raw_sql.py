"""Values bound to the plain SQL that some repositories run beside Pony (atomic counters,
bulk writes), written exactly as Pony writes them."""

from __future__ import annotations

from datetime import datetime
from typing import Any


def sql_value(value: Any, dialect: str) -> Any:
    """`value` as Pony stores it in `dialect`: on SQLite a timestamp is text with
    microseconds ('2026-01-01 12:00:00.000000'), so that comparisons in SQL order raw
    and Pony-written rows alike; PostgreSQL takes the datetime itself."""
    if isinstance(value, datetime) and dialect == "sqlite":
        return value.isoformat(" ", timespec="microseconds")
    return value

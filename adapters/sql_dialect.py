"""One migration source for SQLite and PostgreSQL: SQL written with placeholders that
each dialect fills in. Used by the yoyo migrations in `migrations/`."""

from __future__ import annotations

from collections.abc import Callable, Sequence

DIALECT_TYPES: dict[str, dict[str, str]] = {
    "sqlite": {
        "pk": "INTEGER PRIMARY KEY AUTOINCREMENT",
        "json": "TEXT",
        "ts": "TIMESTAMP",
        "now": "CURRENT_TIMESTAMP",
        "bigint": "INTEGER",
    },
    "postgresql": {
        "pk": "SERIAL PRIMARY KEY",
        "json": "JSONB",
        "ts": "TIMESTAMP",
        "now": "(now() AT TIME ZONE 'utc')",
        "bigint": "BIGINT",
    },
}


def dialect_of(conn) -> str:
    """'sqlite' or 'postgresql', from the DB-API connection yoyo hands to a step."""
    module = type(conn).__module__
    if module.startswith("sqlite3"):
        return "sqlite"
    if module.startswith("psycopg"):
        return "postgresql"
    raise RuntimeError(f"unsupported database connection {module}")


def render(sql: str, dialect: str) -> str:
    return sql.format(**DIALECT_TYPES[dialect])


def run_sql(statements: Sequence[str]) -> Callable:
    """A yoyo step function running `statements` rendered for the connection's dialect."""

    def apply(conn) -> None:
        dialect = dialect_of(conn)
        cursor = conn.cursor()
        for statement in statements:
            cursor.execute(render(statement, dialect))

    return apply


def ddl(create: Sequence[str], drop: Sequence[str]):
    """A yoyo step: `create` statements applied, `drop` statements on rollback."""
    from yoyo import step

    return step(run_sql(create), run_sql(drop))

"""Applying and rolling back the yoyo migrations in `migrations/`."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from yoyo import get_backend, read_migrations

from adapters import adoption, secret_box
from ports.security import SecretBox

MIGRATIONS_DIR = Path(__file__).resolve().parent.parent / "migrations"


def _yoyo_url(url: str) -> str:
    return "postgresql://" + url[len("postgres://") :] if url.startswith("postgres://") else url


def _open(url: str):
    if url.startswith("sqlite:"):
        from adapters.pony.database import make_sqlite_private

        make_sqlite_private(url)  # before sqlite3 creates it world-readable
    return get_backend(_yoyo_url(url)), read_migrations(str(MIGRATIONS_DIR))


def migrate(
    url: str,
    on_adopt: Callable[[adoption.AdoptionPlan], None] | None = None,
    secrets: SecretBox | None = None,
) -> list[str]:
    """Apply pending migrations; returns their ids (empty when up to date). A database
    the original CreatorFlix created is adopted first (see `adopt`; `on_adopt` is
    told what was done); AdoptionBlocked, with nothing changed, when its rows do not
    allow it. `secrets` lets the data steps seal stored secrets (0008)."""
    with secret_box.for_migrations(secrets):
        return _migrate(url, on_adopt)


def _migrate(url: str, on_adopt: Callable[[adoption.AdoptionPlan], None] | None) -> list[str]:
    adopted = adopt(url) if is_original_database(url) else None
    if adopted is not None and on_adopt is not None:
        on_adopt(adopted)
    backend, migrations = _open(url)
    try:
        with backend.lock():
            if adopted is not None:
                backend.mark_migrations([m for m in migrations if m.id in adoption.BASELINE])
            todo = backend.to_apply(migrations)
            backend.apply_migrations(todo)
        return [m.id for m in todo]
    finally:
        backend.connection.close()


def _pg_connect(url: str):
    import psycopg2

    return psycopg2.connect(_yoyo_url(url))


def is_original_database(url: str) -> bool:
    """Whether `url` holds the original CreatorFlix's tables without our baseline."""
    if not _yoyo_url(url).startswith("postgresql://"):
        return False
    conn = _pg_connect(url)
    try:
        return adoption.is_original(conn)
    finally:
        conn.close()


def adoption_plan(url: str) -> adoption.AdoptionPlan:
    """What adopting the original database at `url` would do (nothing is changed)."""
    conn = _pg_connect(url)
    try:
        return adoption.make_plan(conn, str(MIGRATIONS_DIR))
    finally:
        conn.rollback()
        conn.close()


def adopt(url: str) -> adoption.AdoptionPlan:
    """Adopt the original database at `url` in one transaction; AdoptionBlocked, with
    nothing changed, when existing rows stand in the way."""
    conn = _pg_connect(url)
    try:
        plan = adoption.make_plan(conn, str(MIGRATIONS_DIR))
        adoption.apply_plan(conn, plan)
        conn.commit()
        return plan
    finally:
        conn.rollback()
        conn.close()


def plan(url: str) -> list[str]:
    """`migrate --dry-run`: the lines of what migrate would do."""
    lines: list[str] = []
    if is_original_database(url):
        lines += adoption_plan(url).lines()
        # Read from the folder only: opening yoyo's backend would create its tables.
        todo = [m.id for m in read_migrations(str(MIGRATIONS_DIR)) if m.id not in adoption.BASELINE]
    else:
        todo = pending(url)
    lines.append("migrations to apply: " + (", ".join(todo) if todo else "none (up to date)"))
    return lines


def rollback(url: str, count: int, secrets: SecretBox | None = None) -> list[str]:
    """Roll back the last `count` applied migrations (a large count rolls back all)."""
    backend, migrations = _open(url)
    try:
        with backend.lock(), secret_box.for_migrations(secrets):
            todo = backend.to_rollback(migrations)[: max(count, 0)]
            baseline = [m.id for m in todo if m.id in adoption.BASELINE]
            if baseline and _was_adopted(backend):
                raise adoption.RollbackRefused(
                    "this database was adopted from the original CreatorFlix: rolling back "
                    f"{', '.join(baseline)} would drop the original's tables and columns; "
                    "roll back fewer migrations (or restore the backup taken before)"
                )
            backend.rollback_migrations(todo)
        return [m.id for m in todo]
    finally:
        backend.connection.close()


def _was_adopted(backend) -> bool:
    cursor = backend.connection.cursor()
    try:
        if not backend.uri.scheme.startswith("postgres"):
            return False
        cursor.execute("SELECT to_regclass(%s) IS NOT NULL", (adoption.ADOPTED_MARKER,))
        return bool(cursor.fetchone()[0])
    finally:
        cursor.close()


def reseal_secrets(url: str, secrets: SecretBox) -> int:
    """`creatorflix rotate-secrets`: every stored secret sealed under the current key
    (plaintext rows and rows sealed under a previous key); returns how many changed."""
    if _yoyo_url(url).startswith("sqlite:"):
        import sqlite3

        from adapters.pony.database import make_sqlite_private, sqlite_path

        make_sqlite_private(url)
        conn, placeholder = sqlite3.connect(sqlite_path(url)), "?"
    else:
        conn, placeholder = _pg_connect(url), "%s"
    try:
        changed = secret_box.reseal_rows(
            conn, secrets, placeholder, secret_box.SEALED_COLUMNS + secret_box.LATER_SEALED_COLUMNS
        )
        conn.commit()
        return changed
    finally:
        conn.close()


def pending(url: str) -> list[str]:
    backend, migrations = _open(url)
    try:
        return [m.id for m in backend.to_apply(migrations)]
    finally:
        backend.connection.close()

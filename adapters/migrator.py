"""Applying and rolling back the yoyo migrations in `migrations/`."""
from __future__ import annotations

from pathlib import Path

from yoyo import get_backend, read_migrations

MIGRATIONS_DIR = Path(__file__).resolve().parent.parent / "migrations"


def _yoyo_url(url: str) -> str:
    return "postgresql://" + url[len("postgres://"):] if url.startswith("postgres://") else url


def _open(url: str):
    return get_backend(_yoyo_url(url)), read_migrations(str(MIGRATIONS_DIR))


def migrate(url: str) -> list[str]:
    """Apply pending migrations; returns their ids (empty when up to date)."""
    backend, migrations = _open(url)
    try:
        with backend.lock():
            todo = backend.to_apply(migrations)
            backend.apply_migrations(todo)
        return [m.id for m in todo]
    finally:
        backend.connection.close()


def rollback(url: str, count: int) -> list[str]:
    """Roll back the last `count` applied migrations (a large count rolls back all)."""
    backend, migrations = _open(url)
    try:
        with backend.lock():
            todo = backend.to_rollback(migrations)[:max(count, 0)]
            backend.rollback_migrations(todo)
        return [m.id for m in todo]
    finally:
        backend.connection.close()


def pending(url: str) -> list[str]:
    backend, migrations = _open(url)
    try:
        return [m.id for m in backend.to_apply(migrations)]
    finally:
        backend.connection.close()

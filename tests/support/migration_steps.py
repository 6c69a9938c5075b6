"""Migrations applied or rolled back around 0008 (gateway secrets sealed at rest), on an
empty database of each kind."""

from __future__ import annotations

import sqlite3

import pytest
from yoyo import get_backend, read_migrations

from adapters import migrator, secret_box
from adapters.pony.database import sqlite_path
from tests.support import postgres


@pytest.fixture(params=["sqlite", "postgres"])
def empty_url(request, tmp_path):
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'cf.db'}"
        return
    request.getfixturevalue("postgres_url")
    name = f"creatorflix_secrets_{tmp_path.name[-20:]}".lower().replace("-", "_")
    yield postgres.create_database(name)
    postgres.drop_database(name)


def migrate_before_0008(url) -> None:
    backend = get_backend(url)
    try:
        with backend.lock():
            migrations = read_migrations(str(migrator.MIGRATIONS_DIR))
            older = migrations.filter(lambda m: m.id < "0008")
            backend.apply_migrations(backend.to_apply(older))
    finally:
        backend.connection.close()


def rollback_from_0008(url, box=None) -> None:
    backend = get_backend(url)
    try:
        with backend.lock(), secret_box.for_migrations(box):
            migrations = read_migrations(str(migrator.MIGRATIONS_DIR))
            newer = migrations.filter(lambda m: m.id >= "0008")
            backend.rollback_migrations(backend.to_rollback(newer))
    finally:
        backend.connection.close()


def connect(url):
    if url.startswith("sqlite"):
        conn = sqlite3.connect(sqlite_path(url))
        conn.execute("PRAGMA foreign_keys = ON")  # as Pony's connections do
        return conn, "?"
    import psycopg2

    return psycopg2.connect(url), "%s"


def run(url, sql, params=()):
    conn, p = connect(url)
    try:
        cur = conn.cursor()
        if params:
            cur.execute(sql.replace("?", p), params)
        else:
            cur.execute(sql)
        rows = cur.fetchall() if cur.description else None
        conn.commit()
        return rows
    finally:
        conn.close()

"""Migration 0012 on both databases: ad events accept the filter reason `ip_cap` (SQLite:
the column is swapped with its values; PostgreSQL: the CHECK replaced) and still refuse
anything else; existing accounts get the UTS #39 skeleton of their address; a rollback
files `ip_cap` events under `repeat`."""

from __future__ import annotations

import sqlite3

import psycopg2
import pytest
from yoyo import get_backend, read_migrations

from adapters import migrator
from tests.support.migration_steps import empty_url, run  # noqa: F401

# What a refused row raises on either database (a CHECK constraint).
REFUSED = (sqlite3.IntegrityError, psycopg2.IntegrityError)


def _apply(url, wanted) -> None:
    backend = get_backend(url)
    try:
        with backend.lock():
            migrations = read_migrations(str(migrator.MIGRATIONS_DIR)).filter(wanted)
            backend.apply_migrations(backend.to_apply(migrations))
    finally:
        backend.connection.close()


def _rollback_0012(url) -> None:
    backend = get_backend(url)
    try:
        with backend.lock():
            migrations = read_migrations(str(migrator.MIGRATIONS_DIR))
            newer = migrations.filter(lambda m: m.id >= "0012")
            backend.rollback_migrations(backend.to_rollback(newer))
    finally:
        backend.connection.close()


def test_ip_cap_is_a_reason_and_accounts_get_their_skeletons(empty_url):
    url = empty_url
    _apply(url, lambda m: m.id < "0012")
    run(url, "INSERT INTO users (email, password) VALUES ('al\u0131ce@x.test', 'h')")
    run(url, "INSERT INTO ads (name, title, link) VALUES ('a', 't', 'https://x.test')")
    for counted, reason in ((True, None), (False, "bot"), (False, "repeat")):
        run(
            url,
            "INSERT INTO clicks (ad_id, ip, counted, filter_reason) VALUES (1, '10.0.0.1', ?, ?)",
            (counted, reason),
        )
    migrator.migrate(url)
    assert run(url, "SELECT email_skeleton FROM users") == [("alice@x.test",)]
    assert sorted(run(url, "SELECT id, filter_reason FROM clicks"), key=str) == sorted(
        [(1, None), (2, "bot"), (3, "repeat")], key=str
    )
    run(
        url,
        "INSERT INTO clicks (ad_id, ip, ip_group, counted, filter_reason) "
        "VALUES (1, '10.0.0.1', '10.0.0.1', ?, 'ip_cap')",
        (False,),
    )
    with pytest.raises(REFUSED):
        run(
            url,
            "INSERT INTO clicks (ad_id, counted, filter_reason) VALUES (1, ?, 'other')",
            (False,),
        )
    with pytest.raises(REFUSED):
        run(url, "INSERT INTO clicks (ad_id, counted, filter_reason) VALUES (1, ?, 'bot')", (True,))
    _rollback_0012(url)
    assert run(url, "SELECT filter_reason FROM clicks WHERE id = 4") == [("repeat",)]
    migrator.migrate(url)
    assert run(url, "SELECT count(*) FROM clicks") == [(4,)]

"""Migration 0008 on both databases: checkouts accept `review` (SQLite: the table is
rebuilt with its rows, indexes, foreign keys and id sequence), and a rollback is refused
while a checkout is in review."""

from __future__ import annotations

import pytest

from adapters import migrator
from tests.support.migration_steps import empty_url, migrate_before_0008, rollback_from_0008, run  # noqa: F401
from tests.support.original_db import original_url  # noqa: F401


def indexes(url) -> set:
    if url.startswith("sqlite"):
        return {
            r[0]
            for r in run(
                url,
                "SELECT name FROM sqlite_master WHERE type = 'index' "
                "AND tbl_name = 'checkouts' AND sql IS NOT NULL",
            )
        }
    return {
        r[0] for r in run(url, "SELECT indexname FROM pg_indexes WHERE tablename = 'checkouts'")
    }


def seed(url) -> None:
    run(url, "INSERT INTO users (email, password) VALUES ('a@x.test', 'h')")
    run(url, "INSERT INTO plans (name, price, duration) VALUES ('P', 2990, 30)")
    for status in ("pending", "paid"):
        run(
            url,
            "INSERT INTO checkouts (user_id, plan_id, status, total_amount, external_id)"
            " VALUES (1, 1, ?, 2990, ?)",
            (status, f"tx-{status}"),
        )
    run(
        url,
        "INSERT INTO payment_notifications (gateway, event_key, checkout_id) "
        "VALUES ('junglepay', 'tx-paid:paid', 2)",
    )


def test_checkouts_accept_review_and_keep_their_rows_indexes_and_references(empty_url):
    migrate_before_0008(empty_url)
    seed(empty_url)
    before = indexes(empty_url)
    migrator.migrate(empty_url)
    assert before <= indexes(empty_url)  # 0008 keeps every index (later ones add theirs)
    assert run(empty_url, "SELECT id, status, external_id FROM checkouts ORDER BY id") == [
        (1, "pending", "tx-pending"),
        (2, "paid", "tx-paid"),
    ]
    run(empty_url, "UPDATE checkouts SET status = 'review' WHERE id = 1")
    with pytest.raises(Exception, match="(?i)check"):
        run(empty_url, "UPDATE checkouts SET status = 'bogus' WHERE id = 1")
    with pytest.raises(Exception, match="(?i)foreign key"):
        run(
            empty_url,
            "INSERT INTO payment_notifications (gateway, event_key, checkout_id) "
            "VALUES ('junglepay', 'x', 99)",
        )
    with pytest.raises(Exception, match="(?i)foreign key"):
        run(empty_url, "DELETE FROM checkouts WHERE id = 2")  # still referenced
    run(empty_url, "INSERT INTO checkouts (plan_id, total_amount) VALUES (1, 100)")
    assert run(empty_url, "SELECT MAX(id) FROM checkouts") == [(3,)]

    with pytest.raises(Exception, match="in review"):
        rollback_from_0008(empty_url)
    run(empty_url, "UPDATE checkouts SET status = 'failed' WHERE id = 1")
    rollback_from_0008(empty_url)
    with pytest.raises(Exception, match="(?i)check"):
        run(empty_url, "UPDATE checkouts SET status = 'review' WHERE id = 1")
    migrator.migrate(empty_url)
    run(empty_url, "UPDATE checkouts SET status = 'review' WHERE id = 1")


def test_an_adopted_original_database_takes_review_too(original_url):
    from entrypoints import cli

    assert cli.main(["migrate"]) == 0
    run(original_url, "UPDATE checkouts SET status = 'review' WHERE id = 1")
    with pytest.raises(Exception, match="(?i)check"):
        run(original_url, "UPDATE checkouts SET status = 'bogus' WHERE id = 1")
    checks = run(
        original_url,
        "SELECT conname FROM pg_constraint WHERE conrelid = "
        "'checkouts'::regclass AND contype = 'c' AND "
        "pg_get_constraintdef(oid) LIKE '%abandoned%'",
    )
    assert checks == [("checkouts_status_check",)]

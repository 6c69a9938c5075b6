"""`creatorflix original-triggers disable|enable` on the original's database (built by
tests/support/original_db.py with its three notification triggers), before and after
`creatorflix migrate` takes it over: disabled triggers stay in place and fire no more;
enabled ones fire again."""

from __future__ import annotations

import psycopg2
import pytest

from entrypoints import cli
from tests.support.original_db import original_url  # noqa: F401 (fixture)

pytestmark = pytest.mark.postgres
THREE = {
    ("checkouts", "sale_completed_trigger"),
    ("users", "user_registered_trigger"),
    ("subscriptions", "subscription_active_trigger"),
}


def query(url: str, sql: str) -> list[tuple]:
    conn = psycopg2.connect(url)
    try:
        with conn.cursor() as cur:
            cur.execute(sql)
            return cur.fetchall()
    finally:
        conn.close()


def states(url: str) -> dict[tuple[str, str], str]:
    found = query(
        url,
        """
        SELECT c.relname, t.tgname, t.tgenabled FROM pg_trigger t
        JOIN pg_class c ON c.oid = t.tgrelid WHERE NOT t.tgisinternal""",
    )
    return {(table, trigger): mode for table, trigger, mode in found}


def notices(url: str) -> int:
    return query(url, "SELECT count(*) FROM notify_log")[0][0]


def new_user(url: str, email: str) -> None:
    conn = psycopg2.connect(url)
    with conn, conn.cursor() as cur:
        cur.execute(
            "INSERT INTO users (name, email, password, role) VALUES ('Nova', %s, 'x', 'user')",
            (email,),
        )
    conn.close()


@pytest.mark.parametrize("adopted", [False, True])
def test_disable_leaves_the_triggers_off_and_enable_restores_them(original_url, capsys, adopted):
    if adopted:
        assert cli.main(["migrate"]) == 0
    assert {pair: states(original_url)[pair] for pair in THREE} == dict.fromkeys(THREE, "O")
    capsys.readouterr()

    assert cli.main(["original-triggers", "disable"]) == 0
    out = capsys.readouterr().out
    assert "sale_completed_trigger on checkouts: disabled" in out
    assert {states(original_url)[pair] for pair in THREE} == {"D"}
    before = notices(original_url)
    new_user(original_url, "quiet@example.com")
    assert notices(original_url) == before  # the hub is told nothing

    assert cli.main(["original-triggers", "enable"]) == 0
    assert "user_registered_trigger on users: enabled" in capsys.readouterr().out
    assert {states(original_url)[pair] for pair in THREE} == {"O"}
    new_user(original_url, "loud@example.com")
    assert notices(original_url) == before + 1


def test_status_and_a_database_without_them(original_url, capsys, monkeypatch, tmp_path):
    assert cli.main(["original-triggers", "status"]) == 0
    assert capsys.readouterr().out.count(": enabled") == 3
    monkeypatch.setenv("CREATORFLIX_DATABASE_URL", f"sqlite:///{tmp_path / 'x.db'}")
    assert cli.main(["original-triggers", "disable"]) == 1
    assert "only a PostgreSQL database" in capsys.readouterr().err

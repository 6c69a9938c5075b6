"""Security, round three (issue 20):
- ad events keep `ip_group` (the address as the per-IP caps count it: an IPv6 address
  by its /64; domain.ads.counting.ip_group), a partial index for the cap lookup (the
  counted events of one address and ad in the last hour), and `filter_reason` may be
  'ip_cap'. SQLite cannot alter a CHECK: the column is swapped for a new one with the
  new CHECK (same values); PostgreSQL drops the old CHECK (whatever its name) and adds
  `<table>_filter_reason_check`. Events recorded before keep no ip_group (older than
  the hour that matters, or nearly so). Rolled back, 'ip_cap' events become 'repeat'.
- users keep `email_skeleton`, the UTS #39 skeleton of their address
  (adapters/email_lookalikes.py), indexed: a look-alike of an account's address is
  found in one query. Filled here for every existing account."""
from yoyo import step

from adapters.email_lookalikes import skeleton
from adapters.sql_dialect import ddl, dialect_of

__depends__ = {"0010_age_assurance"}

TABLES = ("impressions", "clicks")
BEFORE = ("bot", "repeat", "no_token")
AFTER = BEFORE + ("ip_cap",)


def _check(reasons) -> str:
    return ("CHECK ((counted AND filter_reason IS NULL) OR (NOT counted AND filter_reason "
            "IN (" + ", ".join(f"'{r}'" for r in reasons) + ")))")


def _recheck(conn, reasons) -> None:
    cur = conn.cursor()
    for table in TABLES:
        if dialect_of(conn) == "postgresql":
            cur.execute("SELECT conname FROM pg_constraint WHERE conrelid = %s::regclass "
                        "AND contype = 'c' AND pg_get_constraintdef(oid) LIKE "
                        "'%%filter_reason%%'", (table,))
            for (name,) in cur.fetchall():
                cur.execute(f'ALTER TABLE {table} DROP CONSTRAINT "{name}"')
            cur.execute(f"ALTER TABLE {table} ADD CONSTRAINT {table}_filter_reason_check "
                        + _check(reasons))
        else:
            # The old CHECK belongs to the column: it goes with it.
            cur.execute(f"ALTER TABLE {table} RENAME COLUMN filter_reason TO filter_reason_old")
            cur.execute(f"ALTER TABLE {table} ADD COLUMN filter_reason TEXT {_check(reasons)}")
            cur.execute(f"UPDATE {table} SET filter_reason = filter_reason_old "
                        "WHERE filter_reason_old IS NOT NULL")
            cur.execute(f"ALTER TABLE {table} DROP COLUMN filter_reason_old")


def _allow_ip_cap(conn) -> None:
    _recheck(conn, AFTER)


def _refuse_ip_cap(conn) -> None:
    cur = conn.cursor()
    for table in TABLES:
        cur.execute(f"UPDATE {table} SET filter_reason = 'repeat' "
                    "WHERE filter_reason = 'ip_cap'")
    _recheck(conn, BEFORE)


def _fill_skeletons(conn) -> None:
    cur = conn.cursor()
    cur.execute("SELECT id, email FROM users")
    rows = [(skeleton(email), pk) for pk, email in cur.fetchall()]
    mark = "%s" if dialect_of(conn) == "postgresql" else "?"
    cur.executemany(f"UPDATE users SET email_skeleton = {mark} WHERE id = {mark}", rows)


def _noop(conn) -> None:
    pass


steps = [
    ddl([f"ALTER TABLE {t} ADD COLUMN ip_group TEXT" for t in TABLES]
        + [f"CREATE INDEX {t}_ip_cap_idx ON {t} (ip_group, ad_id, created_at) WHERE counted"
           for t in TABLES],
        [f"DROP INDEX {t}_ip_cap_idx" for t in TABLES]
        + [f"ALTER TABLE {t} DROP COLUMN ip_group" for t in TABLES]),
    step(_allow_ip_cap, _refuse_ip_cap),
    ddl(["ALTER TABLE users ADD COLUMN email_skeleton TEXT",
         "CREATE INDEX users_email_skeleton_idx ON users (email_skeleton)"],
        ["DROP INDEX users_email_skeleton_idx",
         "ALTER TABLE users DROP COLUMN email_skeleton"]),
    step(_fill_skeletons, _noop),
]

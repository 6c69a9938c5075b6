"""Security, round two (issue 13):
- checkouts may be in `review` (paid for another amount than their total: an
  administrator settles them). SQLite cannot alter a CHECK: the table is rebuilt with
  the same columns, rows, indexes and AUTOINCREMENT sequence; PostgreSQL drops the
  status CHECK (whatever its name: an adopted database may carry the original's) and
  adds `checkouts_status_check`;
- `audit_log`: one row per administrator write;
- the gateways' secret keys sealed with the secret key (adapters/secret_box.py) when
  `creatorflix migrate` lends the key; otherwise they stay readable as they are and are
  sealed on their next write or by `creatorflix rotate-secrets`."""
import re

from yoyo import step

from adapters import secret_box
from adapters.sql_dialect import ddl, dialect_of

__depends__ = ["0006_original_columns"]

BEFORE = ("pending", "paid", "failed", "abandoned", "refunded")
AFTER = BEFORE + ("review",)


def _in(statuses) -> str:
    return "CHECK (status IN (" + ", ".join(f"'{s}'" for s in statuses) + "))"


def _sqlite_rebuild(conn, statuses) -> None:
    cur = conn.cursor()
    cur.execute("SELECT sql FROM sqlite_master WHERE type = 'table' AND name = 'checkouts'")
    (create,) = cur.fetchone()
    create, found = re.subn(r"CHECK \(status IN \([^)]*\)\)", _in(statuses), create)
    if found != 1:
        raise RuntimeError("checkouts: the status CHECK was not found")
    create = re.sub(r"^CREATE TABLE [\"`]?checkouts[\"`]?", "CREATE TABLE checkouts_rebuilt",
                    create)
    cur.execute("SELECT sql FROM sqlite_master WHERE type IN ('index', 'trigger') AND "
                "tbl_name = 'checkouts' AND sql IS NOT NULL")
    others = [row[0] for row in cur.fetchall()]
    cur.execute("SELECT seq FROM sqlite_sequence WHERE name = 'checkouts'")
    sequence = cur.fetchone()
    # yoyo's SQLite connection does not enforce foreign keys: payment_notifications'
    # reference to checkouts survives the drop and names the rebuilt table afterwards.
    cur.execute(create)
    cur.execute("INSERT INTO checkouts_rebuilt SELECT * FROM checkouts")
    cur.execute("DROP TABLE checkouts")
    cur.execute("ALTER TABLE checkouts_rebuilt RENAME TO checkouts")
    for sql in others:
        cur.execute(sql)
    if sequence is not None:
        cur.execute("UPDATE sqlite_sequence SET seq = MAX(seq, ?) WHERE name = 'checkouts'",
                    (sequence[0],))


def _postgres_recheck(conn, statuses) -> None:
    cur = conn.cursor()
    cur.execute("SELECT conname FROM pg_constraint WHERE conrelid = 'checkouts'::regclass "
                "AND contype = 'c' AND pg_get_constraintdef(oid) LIKE '%status%' "
                "AND pg_get_constraintdef(oid) LIKE '%abandoned%'")
    for (name,) in cur.fetchall():
        cur.execute(f'ALTER TABLE checkouts DROP CONSTRAINT "{name}"')
    cur.execute(f"ALTER TABLE checkouts ADD CONSTRAINT checkouts_status_check {_in(statuses)}")


def _status_check(statuses):
    def apply(conn) -> None:
        if dialect_of(conn) == "sqlite":
            _sqlite_rebuild(conn, statuses)
        else:
            _postgres_recheck(conn, statuses)
    return apply


def _refuse_while_in_review(conn) -> None:
    cur = conn.cursor()
    cur.execute("SELECT COUNT(*) FROM checkouts WHERE status = 'review'")
    if cur.fetchone()[0]:
        raise RuntimeError("checkouts in review: settle them (POST /api/admin/checkouts/"
                           "{id}/settle) before rolling back 0008_security")
    _status_check(BEFORE)(conn)


def _placeholder(conn) -> str:
    return "?" if dialect_of(conn) == "sqlite" else "%s"


def _seal(conn) -> None:
    box = secret_box.migration_box()
    if box is not None:
        secret_box.reseal_rows(conn, box, _placeholder(conn))


def _unseal(conn) -> None:
    box = secret_box.migration_box()
    if box is not None:
        secret_box.unseal_rows(conn, box, _placeholder(conn))
        return
    cur = conn.cursor()
    cur.execute("SELECT COUNT(*) FROM payment_gateways WHERE secret_key LIKE "
                + _placeholder(conn), (secret_box.PREFIX + "%",))
    if cur.fetchone()[0]:
        # Older code would take the ciphertext for the key: decrypt, or do not go back.
        raise RuntimeError("sealed gateway secrets: roll 0008_security back with "
                           "`creatorflix migrate --rollback`, which has the secret key")


steps = [
    step(_status_check(AFTER), _refuse_while_in_review),
    ddl([
        """CREATE TABLE audit_log (
            id {pk},
            created_at {ts} NOT NULL DEFAULT {now},
            actor_id INTEGER,
            actor_email TEXT,
            method TEXT NOT NULL,
            route TEXT NOT NULL,
            resource TEXT NOT NULL,
            path TEXT NOT NULL,
            record_id TEXT,
            status INTEGER NOT NULL,
            changes {json}
        )""",
        "CREATE INDEX audit_log_created_idx ON audit_log (created_at)",
        "CREATE INDEX audit_log_actor_idx ON audit_log (actor_id, created_at)",
        "CREATE INDEX audit_log_resource_idx ON audit_log (resource, created_at)",
    ], [
        "DROP TABLE audit_log",
    ]),
    step(_seal, _unseal),
]

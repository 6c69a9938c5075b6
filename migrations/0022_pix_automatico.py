"""Pix Automático (issue 26): a subscription renewing through a PSP's recurrence keeps
its `pix_rec_id` (the rec's idRec, 29 characters; indexed: a payer's cancellation names
it) and `renewal_anchor`, the recurrence's first due date (calendario.dataInicial), from
which every cycle's due date follows (domain.payments.pix_automatico.add_cycles). A
renewal whose recurring charge (cobr) was sent waits for its due date as `scheduled`.

SQLite cannot alter a CHECK: the status column is swapped for one with the new CHECK
(same values; the index on it made again); PostgreSQL drops the old CHECK (whatever its
name) and adds `subscription_renewals_status_check`. Rolled back, scheduled renewals
become unconfirmed (an operator checks them in the PSP's panel)."""
from yoyo import step

from adapters.sql_dialect import ddl, dialect_of

__depends__ = {"0021_pix_account"}

BEFORE = ("due", "charging", "paid", "refused", "failed", "unconfirmed")
AFTER = BEFORE + ("scheduled",)
INDEX = ("CREATE INDEX subscription_renewals_due_idx "
         "ON subscription_renewals (status, next_attempt_at)")


def _check(statuses) -> str:
    return "CHECK (status IN (" + ", ".join(f"'{s}'" for s in statuses) + "))"


def _recheck(conn, statuses) -> None:
    cur = conn.cursor()
    if dialect_of(conn) == "postgresql":
        cur.execute("SELECT conname FROM pg_constraint WHERE conrelid = "
                    "'subscription_renewals'::regclass AND contype = 'c' AND "
                    "pg_get_constraintdef(oid) LIKE '%%unconfirmed%%'")
        for (name,) in cur.fetchall():
            cur.execute(f'ALTER TABLE subscription_renewals DROP CONSTRAINT "{name}"')
        cur.execute("ALTER TABLE subscription_renewals ADD CONSTRAINT "
                    f"subscription_renewals_status_check {_check(statuses)}")
        return
    # The old CHECK belongs to the column: it goes with it (and so must its index).
    cur.execute("DROP INDEX subscription_renewals_due_idx")
    cur.execute("ALTER TABLE subscription_renewals RENAME COLUMN status TO status_old")
    cur.execute("ALTER TABLE subscription_renewals ADD COLUMN status TEXT NOT NULL "
                f"DEFAULT 'due' {_check(statuses)}")
    cur.execute("UPDATE subscription_renewals SET status = status_old")
    cur.execute("ALTER TABLE subscription_renewals DROP COLUMN status_old")
    cur.execute(INDEX)


def _allow_scheduled(conn) -> None:
    _recheck(conn, AFTER)


def _refuse_scheduled(conn) -> None:
    conn.cursor().execute("UPDATE subscription_renewals SET status = 'unconfirmed' "
                          "WHERE status = 'scheduled'")
    _recheck(conn, BEFORE)


steps = [
    ddl(["ALTER TABLE subscriptions ADD COLUMN pix_rec_id TEXT",
         "ALTER TABLE subscriptions ADD COLUMN renewal_anchor DATE",
         "CREATE INDEX subscriptions_pix_rec_idx ON subscriptions (pix_rec_id)"],
        ["DROP INDEX subscriptions_pix_rec_idx",
         "ALTER TABLE subscriptions DROP COLUMN renewal_anchor",
         "ALTER TABLE subscriptions DROP COLUMN pix_rec_id"]),
    step(_allow_scheduled, _refuse_scheduled),
]

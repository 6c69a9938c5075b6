"""Issue 21: idempotent checkouts — a checkout keeps the digest of the Idempotency-Key
its request carried (with its caller), unique, so a repeated or concurrent request with
the same key finds the same checkout instead of charging again; and postbacks answered
at once — each JunglePay postback is recorded here and read back by the background
worker (claimed like the mail outbox), never inside the request."""
from adapters.sql_dialect import ddl

__depends__ = {"0010_age_assurance"}

steps = [
    ddl(["ALTER TABLE checkouts ADD COLUMN idempotency_key TEXT",
         # NULLs (checkouts without a key) never collide, on SQLite and PostgreSQL.
         "CREATE UNIQUE INDEX checkouts_idempotency_key_idx ON checkouts (idempotency_key)"],
        ["DROP INDEX checkouts_idempotency_key_idx",
         "ALTER TABLE checkouts DROP COLUMN idempotency_key"]),
    ddl(["""CREATE TABLE payment_postbacks (
            id {pk},
            gateway TEXT NOT NULL,
            external_id TEXT NOT NULL,
            checkout_ref TEXT,
            status TEXT NOT NULL DEFAULT 'pending' CONSTRAINT payment_postbacks_status_check
                CHECK (status IN ('pending', 'done', 'failed')),
            attempts INTEGER NOT NULL DEFAULT 0,
            next_attempt_at {ts} NOT NULL,
            claim_token TEXT,
            claimed_until {ts},
            outcome TEXT,
            last_error TEXT,
            received_at {ts} NOT NULL DEFAULT {now},
            processed_at {ts}
        )""",
         "CREATE INDEX payment_postbacks_due_idx ON payment_postbacks (status, next_attempt_at)"],
        ["DROP TABLE payment_postbacks"]),
]

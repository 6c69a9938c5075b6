"""Idempotent checkouts (issue 21.5): a checkout keeps the digest of the Idempotency-Key
its request carried (with its caller), unique, so a repeated or concurrent request with
the same key finds the same checkout instead of charging again."""
from adapters.sql_dialect import ddl

__depends__ = {"0010_age_assurance"}

steps = [
    ddl(["ALTER TABLE checkouts ADD COLUMN idempotency_key TEXT",
         # NULLs (checkouts without a key) never collide, on SQLite and PostgreSQL.
         "CREATE UNIQUE INDEX checkouts_idempotency_key_idx ON checkouts (idempotency_key)"],
        ["DROP INDEX checkouts_idempotency_key_idx",
         "ALTER TABLE checkouts DROP COLUMN idempotency_key"]),
]

"""Mail and account self-service: the transactional mail outbox, revoked bearer tokens
(logout) and a per-user token version (log out everywhere), members' withdrawal requests (CDC art. 49), and on users the moment the email
was verified and when the account was anonymised (LGPD)."""
from adapters.sql_dialect import ddl

__depends__ = ["0006_original_columns"]

steps = [
    ddl([
        "ALTER TABLE users ADD COLUMN email_verified_at {ts}",
        "ALTER TABLE users ADD COLUMN anonymised_at {ts}",
        "ALTER TABLE users ADD COLUMN token_version INTEGER NOT NULL DEFAULT 0",
        """CREATE TABLE mail_outbox (
            id {pk},
            kind TEXT NOT NULL,
            recipient TEXT NOT NULL,
            subject TEXT NOT NULL,
            text_body TEXT NOT NULL,
            html_body TEXT NOT NULL,
            inline_images {json},
            dedupe_key TEXT,
            user_id INTEGER,
            status TEXT NOT NULL DEFAULT 'pending' CONSTRAINT mail_outbox_status_check
                CHECK (status IN ('pending', 'sending', 'sent', 'failed')),
            attempts INTEGER NOT NULL DEFAULT 0,
            next_attempt_at {ts} NOT NULL,
            claim_token TEXT,
            claimed_until {ts},
            last_error TEXT,
            created_at {ts} NOT NULL DEFAULT {now},
            sent_at {ts}
        )""",
        "CREATE UNIQUE INDEX mail_outbox_dedupe_idx ON mail_outbox (dedupe_key)",
        "CREATE INDEX mail_outbox_due_idx ON mail_outbox (status, next_attempt_at)",
        "CREATE INDEX mail_outbox_user_idx ON mail_outbox (user_id)",
        """CREATE TABLE revoked_tokens (
            jti TEXT PRIMARY KEY,
            user_id INTEGER NOT NULL,
            expires_at {ts} NOT NULL
        )""",
        "CREATE INDEX revoked_tokens_expiry_idx ON revoked_tokens (expires_at)",
        """CREATE TABLE withdrawal_requests (
            id {pk},
            checkout_id INTEGER NOT NULL REFERENCES checkouts (id),
            user_id INTEGER NOT NULL REFERENCES users (id),
            status TEXT NOT NULL DEFAULT 'requested' CONSTRAINT withdrawal_status_check
                CHECK (status IN ('requested', 'refunded', 'rejected')),
            reason TEXT,
            created_at {ts} NOT NULL DEFAULT {now},
            resolved_at {ts}
        )""",
        "CREATE UNIQUE INDEX withdrawal_requests_checkout_idx "
        "ON withdrawal_requests (checkout_id)",
    ], [
        "DROP TABLE withdrawal_requests",
        "DROP TABLE revoked_tokens",
        "DROP TABLE mail_outbox",
        "ALTER TABLE users DROP COLUMN token_version",
        "ALTER TABLE users DROP COLUMN anonymised_at",
        "ALTER TABLE users DROP COLUMN email_verified_at",
    ]),
]

"""Notifications (issue 24): the webhook endpoints an administrator registers (signing
secrets sealed at rest), the one Telegram setting (bot token sealed), and the queue and
log of deliveries to both, claimed by the workers as the mail outbox is."""
from adapters.sql_dialect import ddl

__depends__ = {"0010_age_assurance"}

steps = [
    ddl([
        """CREATE TABLE webhook_endpoints (
            id {pk},
            url TEXT NOT NULL,
            events {json} NOT NULL,
            description TEXT,
            is_active BOOLEAN NOT NULL DEFAULT TRUE,
            secret TEXT NOT NULL,
            previous_secret TEXT,
            previous_secret_until {ts},
            failing_since {ts},
            disabled_reason TEXT,
            created_at {ts} NOT NULL DEFAULT {now},
            updated_at {ts}
        )""",
        """CREATE TABLE telegram_settings (
            id INTEGER PRIMARY KEY CHECK (id = 1),
            bot_token TEXT,
            chat_id TEXT,
            events {json} NOT NULL,
            is_active BOOLEAN NOT NULL DEFAULT FALSE,
            updated_at {ts}
        )""",
        """CREATE TABLE webhook_deliveries (
            id {pk},
            channel TEXT NOT NULL CONSTRAINT webhook_deliveries_channel_check
                CHECK (channel IN ('webhook', 'telegram')),
            endpoint_id INTEGER REFERENCES webhook_endpoints (id) ON DELETE CASCADE,
            event TEXT NOT NULL,
            message_id TEXT NOT NULL,
            body TEXT NOT NULL,
            status TEXT NOT NULL DEFAULT 'pending' CONSTRAINT webhook_deliveries_status_check
                CHECK (status IN ('pending', 'sending', 'succeeded', 'failed')),
            attempts INTEGER NOT NULL DEFAULT 0,
            first_attempt_at {ts},
            next_attempt_at {ts},
            claim_token TEXT,
            claimed_until {ts},
            status_code INTEGER,
            duration_ms INTEGER,
            response_excerpt TEXT,
            last_error TEXT,
            created_at {ts} NOT NULL DEFAULT {now},
            delivered_at {ts},
            CHECK ((channel = 'webhook') = (endpoint_id IS NOT NULL))
        )""",
        "CREATE INDEX webhook_deliveries_due_idx ON webhook_deliveries (status, next_attempt_at)",
        "CREATE INDEX webhook_deliveries_endpoint_idx ON webhook_deliveries (endpoint_id, id)",
        "CREATE INDEX webhook_deliveries_claim_idx ON webhook_deliveries (claim_token)",
    ], [
        "DROP TABLE webhook_deliveries",
        "DROP TABLE telegram_settings",
        "DROP TABLE webhook_endpoints",
    ]),
]

"""Issue 25: subscriptions that renew themselves. A plan is sold `manual` (a pass,
today's default) or `automatic`; an automatic subscription keeps the gateway's reusable
card reference (with its brand and last 4 digits, nothing else) and its renewal state;
each renewal charge is one row of `subscription_renewals`, made before the charge and
unique per subscription and period, so a period is never charged twice."""
from adapters.sql_dialect import ddl

__depends__ = {"0016_plan_installments"}

steps = [
    ddl(["ALTER TABLE plans ADD COLUMN renewal TEXT NOT NULL DEFAULT 'manual' "
         "CHECK (renewal IN ('manual', 'automatic'))"],
        ["ALTER TABLE plans DROP COLUMN renewal"]),
    ddl(["ALTER TABLE subscriptions ADD COLUMN auto_renew BOOLEAN NOT NULL DEFAULT FALSE",
         "ALTER TABLE subscriptions ADD COLUMN renewal_state TEXT "
         "CHECK (renewal_state IN ('active', 'past_due', 'ended'))",
         "ALTER TABLE subscriptions ADD COLUMN card_ref TEXT",
         "ALTER TABLE subscriptions ADD COLUMN card_brand TEXT",
         "ALTER TABLE subscriptions ADD COLUMN card_last4 TEXT",
         # The plan a member switched to: it takes effect at the next renewal.
         "ALTER TABLE subscriptions ADD COLUMN next_plan_id INTEGER REFERENCES plans (id)",
         "CREATE INDEX subscriptions_renewal_idx ON subscriptions (auto_renew, end_date)"],
        ["DROP INDEX subscriptions_renewal_idx",
         "ALTER TABLE subscriptions DROP COLUMN next_plan_id",
         "ALTER TABLE subscriptions DROP COLUMN card_last4",
         "ALTER TABLE subscriptions DROP COLUMN card_brand",
         "ALTER TABLE subscriptions DROP COLUMN card_ref",
         "ALTER TABLE subscriptions DROP COLUMN renewal_state",
         "ALTER TABLE subscriptions DROP COLUMN auto_renew"]),
    ddl(["""CREATE TABLE subscription_renewals (
            id {pk},
            subscription_id INTEGER NOT NULL REFERENCES subscriptions (id) ON DELETE CASCADE,
            period_start {ts} NOT NULL,
            period_end {ts} NOT NULL,
            plan_id INTEGER NOT NULL REFERENCES plans (id),
            amount INTEGER NOT NULL CHECK (amount > 0),
            reference TEXT NOT NULL,
            gateway TEXT NOT NULL,
            status TEXT NOT NULL CONSTRAINT subscription_renewals_status_check
                CHECK (status IN ('due', 'charging', 'paid', 'refused', 'failed',
                                  'unconfirmed')),
            attempts INTEGER NOT NULL DEFAULT 0,
            next_attempt_at {ts},
            claim_token TEXT,
            claimed_until {ts},
            transaction_id TEXT,
            last_error TEXT,
            created_at {ts} NOT NULL DEFAULT {now},
            updated_at {ts}
        )""",
         "CREATE UNIQUE INDEX subscription_renewals_period_idx "
         "ON subscription_renewals (subscription_id, period_start)",
         "CREATE UNIQUE INDEX subscription_renewals_reference_idx "
         "ON subscription_renewals (reference)",
         "CREATE INDEX subscription_renewals_due_idx "
         "ON subscription_renewals (status, next_attempt_at)"],
        ["DROP TABLE subscription_renewals"]),
]

"""Issue 25: subscriptions that renew themselves. A plan is sold `manual` (a pass,
today's default) or `automatic`; an automatic subscription keeps the gateway's reusable
card reference (with its brand and last 4 digits, nothing else) and its renewal state;
each renewal charge is one row of `subscription_renewals`, made before the charge and
unique per subscription and period, so a period is never charged twice. Coupons: a
discount on the plan's price, once, forever or for a number of periods, counted per
redemption (a subscription keeps the coupon its renewals apply)."""
from adapters.sql_dialect import ddl

__depends__ = {"0016_plan_installments"}

steps = [
    ddl(["""CREATE TABLE coupons (
            id {pk},
            code TEXT NOT NULL,
            percent_off INTEGER CHECK (percent_off BETWEEN 1 AND 100),
            amount_off INTEGER CHECK (amount_off > 0),
            duration TEXT NOT NULL DEFAULT 'once'
                CHECK (duration IN ('once', 'forever', 'repeating')),
            cycles INTEGER CHECK (cycles >= 1),
            max_redemptions INTEGER CHECK (max_redemptions >= 1),
            times_redeemed INTEGER NOT NULL DEFAULT 0 CHECK (times_redeemed >= 0),
            expires_at {ts},
            plan_ids {json},
            created_at {ts} NOT NULL DEFAULT {now},
            CHECK ((percent_off IS NULL) <> (amount_off IS NULL)),
            CHECK ((duration = 'repeating') = (cycles IS NOT NULL))
        )""",
         "CREATE UNIQUE INDEX coupons_code_idx ON coupons (code)"],
        ["DROP TABLE coupons"]),
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
         # The coupon its renewals apply, and for how many more (NULL: forever).
         "ALTER TABLE subscriptions ADD COLUMN coupon_id INTEGER REFERENCES coupons (id)",
         "ALTER TABLE subscriptions ADD COLUMN coupon_cycles_left INTEGER",
         "CREATE INDEX subscriptions_renewal_idx ON subscriptions (auto_renew, end_date)"],
        ["DROP INDEX subscriptions_renewal_idx",
         "ALTER TABLE subscriptions DROP COLUMN coupon_cycles_left",
         "ALTER TABLE subscriptions DROP COLUMN coupon_id",
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
            amount INTEGER NOT NULL CHECK (amount >= 0),
            discount INTEGER NOT NULL DEFAULT 0,
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

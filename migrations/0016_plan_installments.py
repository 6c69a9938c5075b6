"""In-page card payments (issue 22): how many installments a plan may be paid in by
card (JunglePay's `installments`), 12 unless the operator says otherwise."""
from adapters.sql_dialect import ddl

__depends__ = ["0010_age_assurance"]

steps = [
    ddl(["ALTER TABLE plans ADD COLUMN max_installments INTEGER NOT NULL DEFAULT 12 "
         "CHECK (max_installments BETWEEN 1 AND 12)"],
        ["ALTER TABLE plans DROP COLUMN max_installments"]),
]

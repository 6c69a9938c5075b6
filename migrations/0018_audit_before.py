"""Audit entries that read as sentences (issue 23): the values a change replaced, so the
log can say "preço 29,90 → 34,90" (NULL for creations, actions and older entries)."""
from adapters.sql_dialect import ddl

__depends__ = {"0010_age_assurance"}

steps = [
    ddl(["ALTER TABLE audit_log ADD COLUMN before {json}"],
        ["ALTER TABLE audit_log DROP COLUMN before"]),
]

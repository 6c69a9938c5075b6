"""Email-change links that work once (issue 20, finding 8): the id of the one pending
change of an account. A link names it; asking a newer change replaces it, following
the link (or logging out everywhere, or a new password) clears it."""
from adapters.sql_dialect import ddl

__depends__ = ["0010_age_assurance"]

steps = [
    ddl(["ALTER TABLE users ADD COLUMN email_change TEXT"],
        ["ALTER TABLE users DROP COLUMN email_change"]),
]

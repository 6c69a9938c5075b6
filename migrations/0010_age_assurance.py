"""Age assurance (issue 16): one row per attempt and its outcome. Who (an account or the
random id of an anonymous visitor), method, times, provider reference, outcome and
expiry — never a birth date, a document number, an image or a biometric template."""
from adapters.sql_dialect import ddl

__depends__ = ["0006_original_columns"]

steps = [
    ddl([
        """CREATE TABLE age_assurances (
            id {pk},
            method TEXT NOT NULL CHECK (method IN ('oidc', 'card', 'document', 'sandbox')),
            outcome TEXT NOT NULL
                CHECK (outcome IN ('pending', 'assured', 'rejected', 'revoked')),
            user_id INTEGER REFERENCES users (id) ON DELETE CASCADE,
            anonymous_id TEXT,
            provider_ref TEXT,
            created_at {ts} NOT NULL DEFAULT {now},
            decided_at {ts},
            expires_at {ts},
            CHECK ((user_id IS NULL) <> (anonymous_id IS NULL))
        )""",
        # The per-request check of an account: holder, outcome, latest expiry.
        "CREATE INDEX age_assurances_holder_idx ON age_assurances (user_id, outcome, expires_at)",
        "CREATE INDEX age_assurances_method_idx ON age_assurances (method, outcome)",
    ], [
        "DROP TABLE age_assurances",
    ]),
]

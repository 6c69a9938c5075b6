"""White-label catalogue synced from the bucket, and the sync reports.
`whitelabel_media.etag`/`size` (ours) hold each object's change token."""
from adapters.sql_dialect import ddl

__depends__ = ["0002_payments"]

steps = [
    ddl([
        """CREATE TABLE whitelabel_models (
            id {pk},
            folder_name TEXT NOT NULL UNIQUE,
            thumbnail_url TEXT,
            icon_url TEXT,
            banner_url TEXT,
            post_count INTEGER NOT NULL DEFAULT 0,
            status TEXT NOT NULL DEFAULT 'new' CHECK (status IN ('new', 'active', 'hidden')),
            last_synced_at {ts},
            created_at {ts} NOT NULL DEFAULT {now}
        )""",
        "CREATE INDEX whitelabel_models_status_idx ON whitelabel_models (status, folder_name)",
        """CREATE TABLE whitelabel_posts (
            id {pk},
            whitelabel_model_id INTEGER NOT NULL
                REFERENCES whitelabel_models (id) ON DELETE CASCADE,
            folder_name TEXT NOT NULL,
            title TEXT,
            media_cdns {json},
            created_at {ts} NOT NULL DEFAULT {now},
            UNIQUE (whitelabel_model_id, folder_name)
        )""",
        """CREATE TABLE whitelabel_media (
            id {pk},
            whitelabel_post_id INTEGER NOT NULL
                REFERENCES whitelabel_posts (id) ON DELETE CASCADE,
            s3_key TEXT NOT NULL UNIQUE,
            url TEXT,
            type TEXT NOT NULL CHECK (type IN ('image', 'video')),
            etag TEXT,
            size {bigint},
            created_at {ts} NOT NULL DEFAULT {now}
        )""",
        "CREATE INDEX whitelabel_media_post_idx ON whitelabel_media (whitelabel_post_id)",
        """CREATE TABLE whitelabel_sync_runs (
            id {pk},
            status TEXT NOT NULL,
            started_at {ts} NOT NULL DEFAULT {now},
            finished_at {ts},
            dry_run BOOLEAN NOT NULL DEFAULT FALSE,
            report {json},
            error TEXT
        )""",
    ], [
        "DROP TABLE whitelabel_sync_runs",
        "DROP TABLE whitelabel_media",
        "DROP TABLE whitelabel_posts",
        "DROP TABLE whitelabel_models",
    ]),
]

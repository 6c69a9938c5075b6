"""A scratch database for a benchmark: a temporary SQLite file in a given folder, or a
PostgreSQL database created on the server of --pg-url (and dropped after), migrated
either way, with its PonyDatabase open."""

from __future__ import annotations

import uuid
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit


class ScratchDatabase:
    def __init__(self, pg_url: str | None, workdir: Path, prefix: str = "creatorflix_bench"):
        self.pg_url, self.name = pg_url, None
        if pg_url:
            import psycopg2

            self.name = f"{prefix}_{uuid.uuid4().hex[:8]}"
            conn = psycopg2.connect(pg_url)
            conn.autocommit = True
            conn.cursor().execute(f'CREATE DATABASE "{self.name}"')
            conn.close()
            self.url = urlunsplit(urlsplit(pg_url)._replace(path="/" + self.name))
        else:
            self.url = f"sqlite:///{workdir / f'bench-{uuid.uuid4().hex[:8]}.db'}"
        from adapters import migrator
        from adapters.pony.database import PonyDatabase

        migrator.migrate(self.url)
        self.pdb = PonyDatabase(self.url)

    def drop(self) -> None:
        self.pdb.close()
        if self.name:
            import psycopg2

            conn = psycopg2.connect(self.pg_url)
            conn.autocommit = True
            conn.cursor().execute(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)')
            conn.close()

"""Binding Pony to a database URL and mapping it onto the migrated schema."""

from __future__ import annotations

import logging
import os
from pathlib import Path
from types import SimpleNamespace
from urllib.parse import urlsplit

from pony.orm import Database, db_session
from pony.orm.dbapiprovider import InterfaceError, OperationalError
from pony.orm.dbproviders.postgres import PGPool, PGProvider

from adapters.pony.entities import define_entities
from domain.common.errors import ServiceUnavailable


def sqlite_path(url: str) -> str:
    """`sqlite:///rel.db` -> absolute path of rel.db; `sqlite:////abs.db` -> /abs.db."""
    path = url[len("sqlite:///") :]
    if not path:
        raise ValueError("sqlite URL has no file path")
    return os.path.abspath(path)


log = logging.getLogger("creatorflix.database")

# The migrations this code expects (yoyo ids are the file names: adapters/migrator.py).
MIGRATIONS_DIR = Path(__file__).resolve().parents[2] / "migrations"

SQLITE_COMPANIONS = ("", "-journal", "-wal", "-shm")
PRIVATE = 0o600


def make_sqlite_private(url: str) -> None:
    """The SQLite file (created here, empty, when missing) and its -journal/-wal/-shm
    readable by the owner only: they hold password hashes and gateway settings. SQLite
    gives the companion files it creates the database file's own mode."""
    path = sqlite_path(url)
    try:
        os.close(os.open(path, os.O_RDWR | os.O_CREAT, PRIVATE))
        for suffix in SQLITE_COMPANIONS:
            if os.path.exists(path + suffix):
                os.chmod(path + suffix, PRIVATE)
    except OSError as exc:  # not ours to change (another owner): say so, go on
        log.warning("could not make %s private (0600): %s", path, exc.strerror)


class _RollbackOnlyPGPool(PGPool):
    """Pony resets a pooled connection with DISCARD ALL at the end of every db_session:
    one more round trip and server work on every request. We keep no session state (no
    temporary tables, prepared statements or SET), so ending the transaction is enough."""

    def release(self, con) -> None:
        assert con is self.con
        try:
            con.rollback()
        except Exception:
            self.drop(con)
            raise


class _PGProvider(PGProvider):
    def get_pool(self, *args, **kwargs):
        return _RollbackOnlyPGPool(self.dbapi_module, *args, **kwargs)


class PonyDatabase:
    """One Pony `Database` with its own entities, bound to `url` (sqlite:/// or
    postgresql://). Several can live in one process (the tests use two)."""

    def __init__(self, url: str):
        self.url = url
        self.db = Database()
        self.entities: SimpleNamespace = define_entities(self.db)
        scheme = urlsplit(url).scheme
        try:
            if scheme == "sqlite":
                self.dialect = "sqlite"
                make_sqlite_private(url)
                # An absolute path: Pony resolves relative ones against the caller's module.
                self.db.bind(provider="sqlite", filename=sqlite_path(url), create_db=False)
            elif scheme in ("postgresql", "postgres"):
                self.dialect = "postgresql"
                self.db.bind(provider=_PGProvider, dsn=url, connect_timeout=5)
            else:
                raise ValueError(f"unsupported database URL scheme {scheme!r}")
            # check_tables (the default) fails fast when a mapped column is missing.
            self.db.generate_mapping(create_tables=False)
        except (OperationalError, InterfaceError) as exc:
            if self.dialect != "postgresql":
                raise  # SQLite's are about the file or the schema: say them
            # The server does not answer now (a restart?): the caller may wait for it
            # (entrypoints/server.py does when a worker boots).
            raise ServiceUnavailable("the database does not answer") from exc

    def ping(self) -> bool:
        try:
            with db_session:
                self.db.execute("SELECT 1")
            return True
        except Exception:  # any failure to reach the database means "not healthy"
            return False

    def migrations_current(self) -> bool:
        """Whether every migration of this code is applied (read from yoyo's table)."""
        expected = {path.stem for path in MIGRATIONS_DIR.glob("[0-9]*.py")}
        try:
            with db_session:
                applied = set(self.db.select("SELECT migration_id FROM _yoyo_migration"))
        except Exception:  # no table, or no database: not current
            return False
        return expected <= applied

    def query_count(self) -> int:
        """Queries this thread has sent since the last `reset_query_count()`."""
        total = self.db.local_stats.get(None)
        return total.db_count if total is not None else 0

    def reset_query_count(self) -> None:
        self.db.merge_local_stats()

    def close(self) -> None:
        """Close every pooled connection (tests drop their databases afterwards)."""
        self.db.disconnect()

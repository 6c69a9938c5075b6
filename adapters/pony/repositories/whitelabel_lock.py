"""The one-sync-at-a-time lock on a real database, held across processes and app
servers, and released by the operating system or the server if the holder dies:
PostgreSQL: a session advisory lock on a connection of its own;
SQLite: an exclusive flock on a file next to the database."""

from __future__ import annotations

import fcntl
import os
from collections.abc import Iterator
from contextlib import contextmanager

from adapters.pony.database import sqlite_path
from domain.common.errors import ServiceUnavailable
from domain.whitelabel.sync import SyncInProgress

# pg_advisory_lock key: any constant 64-bit number naming "the white-label sync".
ADVISORY_KEY = 0x6372666C_73796E63  # "crflsync"


class PonySyncLock:
    def __init__(self, pdb):
        self.pdb = pdb

    @contextmanager
    def hold(self) -> Iterator[None]:
        if self.pdb.dialect == "postgresql":
            with self._advisory():
                yield
        else:
            with self._flock():
                yield

    @contextmanager
    def _advisory(self) -> Iterator[None]:
        import psycopg2
        import psycopg2.errors

        try:
            conn = psycopg2.connect(self.pdb.url, connect_timeout=5)
        except psycopg2.Error as exc:
            raise ServiceUnavailable("the database is unavailable") from exc
        try:
            conn.autocommit = True
            with conn.cursor() as cur:
                # A holder that just ended may still be leaving: its session (and lock)
                # ends when the server notices, a moment after. Wait that moment, at most.
                cur.execute("SET lock_timeout = '1s'")
                try:
                    cur.execute("SELECT pg_advisory_lock(%s)", (ADVISORY_KEY,))
                except psycopg2.errors.LockNotAvailable:
                    raise SyncInProgress() from None
            yield
        finally:
            conn.close()  # ends the session, which releases the lock

    @contextmanager
    def _flock(self) -> Iterator[None]:
        path = sqlite_path(self.pdb.url) + ".sync-lock"
        fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
        try:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                raise SyncInProgress() from None
            yield
        finally:
            os.close(fd)  # closing the descriptor releases the flock

"""Running calls at the same moment from several threads (concurrency tests)."""

from __future__ import annotations

import threading
from collections.abc import Callable


def at_once(count: int, call: Callable[[int], object], timeout: float = 120) -> list:
    """`call(i)` in `count` threads released together by a barrier; their results, in
    thread order. Fails when a thread is still running after `timeout` seconds, and
    re-raises what a call raised."""
    barrier = threading.Barrier(count)
    results: list = [None] * count
    errors: list[BaseException] = []

    def run(i: int) -> None:
        barrier.wait(timeout=10)
        try:
            results[i] = call(i)
        except BaseException as exc:  # reported to the test below
            errors.append(exc)

    threads = [threading.Thread(target=run, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=timeout)
    assert not any(t.is_alive() for t in threads), "a concurrent call did not finish"
    if errors:
        raise errors[0]
    return results


def lock_is_held(backend, sql: str) -> bool:
    """Whether another connection finds the row(s) of `sql` locked right now."""
    if backend.name == "postgres":
        import psycopg2
        from psycopg2 import errors

        conn = psycopg2.connect(backend.url)
        try:
            conn.cursor().execute(sql + " FOR UPDATE NOWAIT")
            return False
        except errors.LockNotAvailable:
            return True
        finally:
            conn.close()
    import sqlite3

    from adapters.pony.database import sqlite_path

    conn = sqlite3.connect(sqlite_path(backend.url), timeout=0, isolation_level=None)
    try:  # SQLite locks the whole database for writing
        conn.execute("BEGIN IMMEDIATE")
        conn.execute("ROLLBACK")
        return False
    except sqlite3.OperationalError:
        return True
    finally:
        conn.close()

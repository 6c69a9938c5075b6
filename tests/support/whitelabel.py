"""Helpers for the white-label sync tests: running a sync on a backend, reading the
catalogue back, and counting the writes a database really received."""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager

from hypothesis import strategies as st

from domain.whitelabel.sync import SyncCommand, sync_catalogue
from tests.support.backends import Backend

CATALOGUE = ("whitelabel_models", "whitelabel_posts", "whitelabel_media")


def lock_for(backend: Backend):
    if backend.is_pony:
        from adapters.pony.repositories.whitelabel_lock import PonySyncLock

        return PonySyncLock(backend.database)
    from adapters.memory.repositories.whitelabel import MemorySyncLock

    return MemorySyncLock(backend.database)


def run_sync(backend: Backend, storage, clock, uow=None, **command):
    return sync_catalogue(
        SyncCommand(**command), uow or backend.uow, storage, lock_for(backend), clock
    )


def rows(backend: Backend) -> dict[str, list]:
    """Every row of the catalogue tables, as entities (ids and timestamps included)."""
    with backend.uow() as uow:
        return {t: list(getattr(uow, t).find().items) for t in CATALOGUE}


def catalogue_view(backend: Backend) -> tuple:
    """The catalogue without ids or timestamps, to compare backends and histories."""
    found = rows(backend)
    folders = {m.id: m.folder_name for m in found["whitelabel_models"]}
    posts = {
        p.id: (folders[p.whitelabel_model_id], p.folder_name) for p in found["whitelabel_posts"]
    }
    return (
        {
            m.folder_name: (m.thumbnail_url, m.icon_url, m.banner_url, m.post_count, m.status)
            for m in found["whitelabel_models"]
        },
        {posts[p.id]: (p.title, p.media_cdns) for p in found["whitelabel_posts"]},
        {
            m.s3_key: (m.url, m.type, m.etag, m.size, posts[m.whitelabel_post_id])
            for m in found["whitelabel_media"]
        },
    )


class WriteCount:
    value: int = 0


_WRITE = re.compile(
    r"^\s*(INSERT|UPDATE|DELETE)\b.*\bwhitelabel_(models|posts|media)\b", re.IGNORECASE | re.DOTALL
)


@contextmanager
def catalogue_writes(backend: Backend) -> Iterator[WriteCount]:
    """Count the writes the catalogue tables receive inside the block, observed from the
    database's side: SQLite's statement trace, PostgreSQL's row versions (xmin), the
    memory store's row objects."""
    count = WriteCount()
    if backend.name == "sqlite":
        from pony.orm import db_session

        with db_session:
            connection = backend.database.db.get_connection()

        def trace(sql: str) -> None:
            if _WRITE.match(sql):
                count.value += 1

        connection.set_trace_callback(trace)
        try:
            yield count
        finally:
            connection.set_trace_callback(None)
    elif backend.name == "postgres":
        before = _row_versions(backend)
        yield count
        after = _row_versions(backend)
        count.value = len(set(before.items()) ^ set(after.items()))
    else:
        before = {t: dict(backend.database.tables[t]) for t in CATALOGUE}
        yield count
        # Units of work swap the table dicts; rows are frozen: a written row is a new object.
        after = {t: dict(backend.database.tables[t]) for t in CATALOGUE}
        count.value = sum(
            1
            for t in CATALOGUE
            for pk in before[t].keys() | after[t].keys()
            if before[t].get(pk) is not after[t].get(pk)
        )


def _row_versions(backend: Backend) -> dict:
    from pony.orm import db_session

    with db_session:
        return {
            (t, pk): xmin
            for t in CATALOGUE
            for pk, xmin in backend.database.db.select(f"SELECT id, xmin::text FROM {t}")
        }


class CrashingUow:
    """A unit-of-work factory whose `crash_at`-th commit fails (the power goes out)."""

    def __init__(self, factory, crash_at: int):
        self.factory, self.crash_at, self.commits = factory, crash_at, 0

    def __call__(self):
        uow = self.factory()
        real_commit = uow.commit

        def commit():
            self.commits += 1
            if self.commits == self.crash_at:
                raise RuntimeError("power cut")
            real_commit()

        uow.commit = commit
        return uow


# -- random buckets for the property tests -----------------------------------------
MODEL_NAMES = ["ana", "bia", "cy"]
POST_NAMES = ["2024-01", "2024-02", "p", "profile"]
FILES = ["a.jpg", "b.PNG", "c.mp4", "d.txt", ".DS_Store", "icon.jpg", "banner.webp", "e.gif"]
bucket_key = st.one_of(
    st.builds(
        lambda m, p, f: f"{m}/{p}/{f}",
        st.sampled_from(MODEL_NAMES),
        st.sampled_from(POST_NAMES),
        st.sampled_from(FILES),
    ),
    st.builds(lambda m, f: f"{m}/{f}", st.sampled_from(MODEL_NAMES), st.sampled_from(FILES)),
    st.builds(lambda m, f: f"{m}/p/deep/{f}", st.sampled_from(MODEL_NAMES), st.sampled_from(FILES)),
    st.sampled_from(FILES),
)
buckets = st.dictionaries(
    bucket_key, st.tuples(st.integers(1, 2), st.sampled_from(["e1", "e2"])), max_size=25
)

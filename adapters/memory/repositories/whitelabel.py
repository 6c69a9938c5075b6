"""In-memory repositories of the whitelabel area: the same bulk methods as the Pony
ones (parents found by folder name, children deleted with their parent as the schema's
ON DELETE CASCADE does), and the in-process sync lock."""

from __future__ import annotations

import threading
import weakref
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from datetime import datetime
from typing import Any

import attrs

from adapters.memory.repository import MemoryRepository
from domain.whitelabel.diff import (
    MediaChange,
    ModelChange,
    NewMedia,
    NewModel,
    NewPost,
    PostChange,
    StoredModel,
)
from domain.whitelabel.entities import WhitelabelMedia, WhitelabelModel, WhitelabelPost
from domain.whitelabel.sync import SyncInProgress
from ports.repositories import DuplicateError


class _BulkRepository(MemoryRepository):
    unique: Callable[[Any], Any]  # the natural key the schema keeps unique

    def _table(self, name: str) -> dict:
        return self._store.tables[name]

    def _insert_all(self, entities: list) -> None:
        taken = {type(self).unique(e) for e in self._rows.values()}
        for entity in entities:
            key = type(self).unique(entity)
            if key in taken:
                raise DuplicateError(self.table)
            taken.add(key)
            entity = attrs.evolve(entity, id=self._store.next_id(self.table))
            self._rows[entity.id] = entity

    def _update_all(self, changes: dict[int, dict]) -> None:
        for pk, values in changes.items():
            if pk in self._rows:
                self._rows[pk] = attrs.evolve(self._rows[pk], **values)

    def delete_many(self, ids: Sequence[int]) -> None:
        self._cascade(set(ids))

    def _cascade(self, ids: set[int]) -> None:
        for pk in ids:
            self._rows.pop(pk, None)


def _drop_media_of(tables: dict, post_ids: set[int]) -> None:
    media = tables["whitelabel_media"]
    for pk in [pk for pk, m in media.items() if m.whitelabel_post_id in post_ids]:
        del media[pk]


class MemoryWhitelabelModelRepository(_BulkRepository):
    unique = staticmethod(lambda m: m.folder_name)

    def stored_rows(self) -> Iterator[StoredModel]:
        for m in list(self._rows.values()):
            yield StoredModel(
                m.id, m.folder_name, m.thumbnail_url, m.icon_url, m.banner_url, m.post_count
            )

    def create_many(self, rows: Sequence[NewModel], now: datetime) -> None:
        self._insert_all(
            [
                WhitelabelModel(id=None, **r._asdict(), last_synced_at=now, created_at=now)
                for r in rows
            ]
        )

    def update_many(self, rows: Sequence[ModelChange], now: datetime) -> None:
        self._update_all({r.id: {**r._asdict(), "last_synced_at": now} for r in rows})

    def _cascade(self, ids: set[int]) -> None:
        posts = self._table("whitelabel_posts")
        post_ids = {pk for pk, p in posts.items() if p.whitelabel_model_id in ids}
        _drop_media_of(self._store.tables, post_ids)
        for pk in post_ids:
            del posts[pk]
        super()._cascade(ids)


class MemoryWhitelabelPostRepository(_BulkRepository):
    unique = staticmethod(lambda p: (p.whitelabel_model_id, p.folder_name))

    def stored_rows(self) -> Iterator[tuple]:
        for p in list(self._rows.values()):
            yield p.id, p.whitelabel_model_id, p.folder_name, p.title, p.media_cdns

    def create_many(self, rows: Sequence[NewPost], now: datetime) -> None:
        model_ids = {m.folder_name: m.id for m in self._table("whitelabel_models").values()}
        # As the SQL INSERT ... SELECT: a row whose model is missing inserts nothing.
        self._insert_all(
            [
                WhitelabelPost(
                    id=None,
                    whitelabel_model_id=model_ids[r.model_folder],
                    folder_name=r.folder_name,
                    title=r.title,
                    media_cdns=r.media_cdns,
                    created_at=now,
                )
                for r in rows
                if r.model_folder in model_ids
            ]
        )

    def update_many(self, rows: Sequence[PostChange], now: datetime) -> None:
        self._update_all({r.id: {"title": r.title, "media_cdns": r.media_cdns} for r in rows})

    def _cascade(self, ids: set[int]) -> None:
        _drop_media_of(self._store.tables, ids)
        super()._cascade(ids)


class MemoryWhitelabelMediaRepository(_BulkRepository):
    unique = staticmethod(lambda m: m.s3_key)

    def stored_rows(self) -> Iterator[tuple]:
        for m in list(self._rows.values()):
            yield m.s3_key, m.id, m.url, m.etag, m.size

    def create_many(self, rows: Sequence[NewMedia], now: datetime) -> None:
        folders = {m.id: m.folder_name for m in self._table("whitelabel_models").values()}
        post_ids = {
            (folders[p.whitelabel_model_id], p.folder_name): p.id
            for p in self._table("whitelabel_posts").values()
        }
        self._insert_all(
            [
                WhitelabelMedia(
                    id=None,
                    whitelabel_post_id=post_ids[key],
                    s3_key=r.s3_key,
                    url=r.url,
                    type=r.type,
                    etag=r.etag,
                    size=r.size,
                    created_at=now,
                )
                for r in rows
                if (key := (r.model_folder, r.post_folder)) in post_ids
            ]
        )

    def update_many(self, rows: Sequence[MediaChange], now: datetime) -> None:
        self._update_all({r.id: {"url": r.url, "etag": r.etag, "size": r.size} for r in rows})


_LOCKS: weakref.WeakKeyDictionary[Any, threading.Lock] = weakref.WeakKeyDictionary()
_LOCKS_GUARD = threading.Lock()


class MemorySyncLock:
    """One sync at a time per MemoryStore (a memory store lives in one process)."""

    def __init__(self, store):
        with _LOCKS_GUARD:
            self._lock = _LOCKS.setdefault(store, threading.Lock())

    @contextmanager
    def hold(self) -> Iterator[None]:
        if not self._lock.acquire(blocking=False):
            raise SyncInProgress()
        try:
            yield
        finally:
            self._lock.release()

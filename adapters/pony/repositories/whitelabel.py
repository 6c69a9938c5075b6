"""Pony repositories of the whitelabel area. The sync's bulk reads and writes bypass
Pony's entity cache (no bulk insert there, STACK-NOTES) and go through the raw DB-API
connection of the current db_session, so they commit or roll back with the unit of
work: one statement per batch (sqlite3 executemany, psycopg2 execute_values), and
parents are found by folder name inside the statement, never one query per row."""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from datetime import datetime
from typing import NamedTuple

from adapters.pony.raw_sql import sql_value
from adapters.pony.repository import PonyRepository
from domain.whitelabel.diff import (
    MediaChange,
    ModelChange,
    NewMedia,
    NewModel,
    NewPost,
    PostChange,
    StoredModel,
)

STREAM_ROWS = 2000


class _BulkRepository(PonyRepository):
    @property
    def _pg(self) -> bool:
        return self.pdb.dialect == "postgresql"

    def _connection(self):
        return self.db.get_connection()

    def _stream(self, sql: str) -> Iterator[tuple]:
        """Rows of `sql`, fetched a few thousand at a time (a server-side cursor on
        PostgreSQL, whose client cursors would load the whole result)."""
        connection = self._connection()
        cursor = connection.cursor(name="creatorflix_stream") if self._pg else connection.cursor()
        try:
            cursor.execute(sql)
            while True:
                rows = cursor.fetchmany(STREAM_ROWS)
                if not rows:
                    return
                yield from rows
        finally:
            cursor.close()

    def _write(
        self,
        sqlite_sql: str,
        pg_sql: str,
        pg_template: str,
        rows: Sequence[NamedTuple],
        now: datetime,
        json_fields: Sequence[str] = (),
    ) -> None:
        """One statement for the whole batch; rows are bound by field name (plus :now),
        the `json_fields` as JSON text."""
        if not rows:
            return
        stamp = sql_value(now, self.pdb.dialect)
        params = [{**row._asdict(), "now": stamp} for row in rows]
        for param in params:
            for field in json_fields:
                param[field] = _json_text(param[field])
        cursor = self._connection().cursor()
        if self._pg:
            from psycopg2.extras import execute_values

            # page_size = the whole batch: one statement, not one per 100 rows.
            execute_values(cursor, pg_sql, params, template=pg_template, page_size=len(params))
        else:
            cursor.executemany(sqlite_sql, params)

    def delete_many(self, ids: Sequence[int]) -> None:
        if not ids:
            return
        cursor = self._connection().cursor()
        if self._pg:
            cursor.execute(f"DELETE FROM {self.table} WHERE id = ANY(%s)", (list(ids),))
        else:
            # The schema's ON DELETE CASCADE removes the children (Pony's would not).
            cursor.executemany(f"DELETE FROM {self.table} WHERE id = ?", [(i,) for i in ids])


def _json_text(value) -> str:
    return json.dumps(value, separators=(",", ":"), sort_keys=True, ensure_ascii=False)


class PonyWhitelabelModelRepository(_BulkRepository):
    def stored_rows(self) -> Iterator[StoredModel]:
        for row in self._stream(
            "SELECT id, folder_name, thumbnail_url, icon_url, banner_url, "
            "post_count FROM whitelabel_models"
        ):
            yield StoredModel(*row)

    def create_many(self, rows: Sequence[NewModel], now: datetime) -> None:
        self._write(
            "INSERT INTO whitelabel_models (folder_name, thumbnail_url, icon_url, banner_url, "
            "post_count, status, last_synced_at, created_at) VALUES (:folder_name, "
            ":thumbnail_url, :icon_url, :banner_url, :post_count, 'new', :now, :now)",
            "INSERT INTO whitelabel_models (folder_name, thumbnail_url, icon_url, banner_url, "
            "post_count, status, last_synced_at, created_at) VALUES %s",
            "(%(folder_name)s, %(thumbnail_url)s, %(icon_url)s, %(banner_url)s, "
            "%(post_count)s, 'new', %(now)s, %(now)s)",
            rows,
            now,
        )

    def update_many(self, rows: Sequence[ModelChange], now: datetime) -> None:
        self._write(
            "UPDATE whitelabel_models SET thumbnail_url = :thumbnail_url, icon_url = :icon_url, "
            "banner_url = :banner_url, post_count = :post_count, last_synced_at = :now "
            "WHERE id = :id",
            "UPDATE whitelabel_models AS t SET thumbnail_url = v.thumbnail_url, "
            "icon_url = v.icon_url, banner_url = v.banner_url, post_count = v.post_count, "
            "last_synced_at = v.now FROM (VALUES %s) AS v(id, thumbnail_url, icon_url, "
            "banner_url, post_count, now) WHERE t.id = v.id",
            "(%(id)s::integer, %(thumbnail_url)s::text, %(icon_url)s::text, "
            "%(banner_url)s::text, %(post_count)s::integer, %(now)s::timestamp)",
            rows,
            now,
        )


class PonyWhitelabelPostRepository(_BulkRepository):
    def stored_rows(self) -> Iterator[tuple]:
        for pk, model_id, folder, title, cdns in self._stream(
            "SELECT id, whitelabel_model_id, folder_name, title, media_cdns FROM whitelabel_posts"
        ):
            # Pony makes psycopg2 hand jsonb over as text; SQLite stores text.
            yield pk, model_id, folder, title, json.loads(cdns) if isinstance(cdns, str) else cdns

    def create_many(self, rows: Sequence[NewPost], now: datetime) -> None:
        self._write(
            "INSERT INTO whitelabel_posts (whitelabel_model_id, folder_name, title, media_cdns, "
            "created_at) SELECT id, :folder_name, :title, :media_cdns, :now "
            "FROM whitelabel_models WHERE folder_name = :model_folder",
            "INSERT INTO whitelabel_posts (whitelabel_model_id, folder_name, title, media_cdns, "
            "created_at) SELECT m.id, v.folder_name, v.title, v.media_cdns::jsonb, v.now "
            "FROM (VALUES %s) AS v(model_folder, folder_name, title, media_cdns, now) "
            "JOIN whitelabel_models m ON m.folder_name = v.model_folder",
            "(%(model_folder)s::text, %(folder_name)s::text, %(title)s::text, "
            "%(media_cdns)s::text, %(now)s::timestamp)",
            rows,
            now,
            json_fields=("media_cdns",),
        )

    def update_many(self, rows: Sequence[PostChange], now: datetime) -> None:
        self._write(
            "UPDATE whitelabel_posts SET title = :title, media_cdns = :media_cdns WHERE id = :id",
            "UPDATE whitelabel_posts AS t SET title = v.title, media_cdns = v.media_cdns::jsonb "
            "FROM (VALUES %s) AS v(id, title, media_cdns) WHERE t.id = v.id",
            "(%(id)s::integer, %(title)s::text, %(media_cdns)s::text)",
            rows,
            now,
            json_fields=("media_cdns",),
        )


class PonyWhitelabelMediaRepository(_BulkRepository):
    def stored_rows(self) -> Iterator[tuple]:
        return self._stream("SELECT s3_key, id, url, etag, size FROM whitelabel_media")

    def create_many(self, rows: Sequence[NewMedia], now: datetime) -> None:
        self._write(
            "INSERT INTO whitelabel_media (whitelabel_post_id, s3_key, url, type, etag, size, "
            "created_at) SELECT p.id, :s3_key, :url, :type, :etag, :size, :now "
            "FROM whitelabel_posts p JOIN whitelabel_models m ON m.id = p.whitelabel_model_id "
            "WHERE m.folder_name = :model_folder AND p.folder_name = :post_folder",
            "INSERT INTO whitelabel_media (whitelabel_post_id, s3_key, url, type, etag, size, "
            "created_at) SELECT p.id, v.s3_key, v.url, v.type, v.etag, v.size, v.now "
            "FROM (VALUES %s) AS v(model_folder, post_folder, s3_key, url, type, etag, size, now) "
            "JOIN whitelabel_models m ON m.folder_name = v.model_folder "
            "JOIN whitelabel_posts p ON p.whitelabel_model_id = m.id "
            "AND p.folder_name = v.post_folder",
            "(%(model_folder)s::text, %(post_folder)s::text, %(s3_key)s::text, %(url)s::text, "
            "%(type)s::text, %(etag)s::text, %(size)s::bigint, %(now)s::timestamp)",
            rows,
            now,
        )

    def update_many(self, rows: Sequence[MediaChange], now: datetime) -> None:
        self._write(
            "UPDATE whitelabel_media SET url = :url, etag = :etag, size = :size WHERE id = :id",
            "UPDATE whitelabel_media AS t SET url = v.url, etag = v.etag, size = v.size "
            "FROM (VALUES %s) AS v(id, url, etag, size) WHERE t.id = v.id",
            "(%(id)s::integer, %(url)s::text, %(etag)s::text, %(size)s::bigint)",
            rows,
            now,
        )

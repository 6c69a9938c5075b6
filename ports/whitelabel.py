"""Ports of the white-label catalogue. Besides the generic repository, each table has
the bulk methods the sync uses: a compact streamed read of what is stored, and writes
of a whole batch in a bounded number of statements (one per batch where the database
allows it), inside the caller's unit of work."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import AbstractContextManager
from datetime import datetime
from typing import Protocol

from domain.whitelabel.diff import (
    MediaChange,
    ModelChange,
    NewMedia,
    NewModel,
    NewPost,
    PostChange,
    StoredModel,
)
from domain.whitelabel.entities import SyncRun, WhitelabelMedia, WhitelabelModel, WhitelabelPost
from ports.repositories import Repository


class WhitelabelModelRepository(Repository[WhitelabelModel], Protocol):
    def stored_rows(self) -> Iterator[StoredModel]:
        """Every model, compact, streamed."""

    def create_many(self, rows: Sequence[NewModel], now: datetime) -> None:
        """Insert these models (status new, created_at = last_synced_at = now)."""

    def update_many(self, rows: Sequence[ModelChange], now: datetime) -> None:
        """Write the aggregates of these models and last_synced_at = now (never status)."""

    def delete_many(self, ids: Sequence[int]) -> None:
        """Delete these models (their posts and media cascade)."""


class WhitelabelPostRepository(Repository[WhitelabelPost], Protocol):
    def stored_rows(self) -> Iterator[tuple[int, int, str, str | None, object]]:
        """Every post as (id, whitelabel_model_id, folder_name, title, media_cdns),
        streamed."""

    def create_many(self, rows: Sequence[NewPost], now: datetime) -> None:
        """Insert these posts under the models named by `model_folder`."""

    def update_many(self, rows: Sequence[PostChange], now: datetime) -> None:
        """Write the title and media_cdns of these posts."""

    def delete_many(self, ids: Sequence[int]) -> None:
        """Delete these posts (their media cascade)."""


class WhitelabelMediaRepository(Repository[WhitelabelMedia], Protocol):
    def stored_rows(self) -> Iterator[tuple[str, int, str | None, str | None, int | None]]:
        """Every media as (s3_key, id, url, etag, size), streamed."""

    def create_many(self, rows: Sequence[NewMedia], now: datetime) -> None:
        """Insert these media under the posts named by (model_folder, post_folder)."""

    def update_many(self, rows: Sequence[MediaChange], now: datetime) -> None:
        """Write the url, etag and size of these media."""

    def delete_many(self, ids: Sequence[int]) -> None:
        """Delete these media."""


SyncRunRepository = Repository[SyncRun]


class SyncLock(Protocol):
    """Only one sync at a time, across processes and app servers."""

    def hold(self) -> AbstractContextManager[None]:
        """Hold the lock for the `with` block; raise domain Conflict at once when
        another sync holds it. Independent of any unit of work (it is held across
        the sync's many transactions)."""

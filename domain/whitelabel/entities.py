"""White-label catalogue synced from a bucket: models, posts and media."""

from __future__ import annotations

from datetime import datetime

from attrs import field, frozen

from domain.common.statuses import PUBLISHED

STATUS_NEW = "new"
STATUS_ACTIVE = PUBLISHED  # shown to the public
STATUS_HIDDEN = "hidden"
MODEL_STATUSES = (STATUS_NEW, STATUS_ACTIVE, STATUS_HIDDEN)


def empty_media_cdns() -> dict[str, list[str]]:
    return {"images": [], "videos": []}


@frozen
class WhitelabelModel:
    """Table `whitelabel_models`: one top-level folder of the bucket."""

    id: int | None
    folder_name: str
    thumbnail_url: str | None = None
    icon_url: str | None = None
    banner_url: str | None = None
    post_count: int = 0
    status: str = STATUS_NEW
    last_synced_at: datetime | None = None
    created_at: datetime | None = None


@frozen
class WhitelabelPost:
    """Table `whitelabel_posts`: one sub-folder of a model folder."""

    id: int | None
    whitelabel_model_id: int
    folder_name: str
    title: str | None = None
    media_cdns: dict = field(factory=empty_media_cdns)
    created_at: datetime | None = None


@frozen
class WhitelabelMedia:
    """Table `whitelabel_media`: one object of the bucket. `etag`/`size` (ours) are the
    change token of the object, as rclone uses them."""

    id: int | None
    whitelabel_post_id: int
    s3_key: str
    type: str
    url: str | None = None
    etag: str | None = None
    size: int | None = None
    created_at: datetime | None = None


@frozen
class SyncRun:
    """Table `whitelabel_sync_runs` (ours): the report of one sync."""

    id: int | None
    status: str
    started_at: datetime | None = None
    finished_at: datetime | None = None
    dry_run: bool = False
    report: dict = field(factory=dict)
    error: str | None = None

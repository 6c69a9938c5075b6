"""Use case: make the white-label catalogue match the bucket.

1. Take the sync lock (one sync at a time, across processes) and record a run.
2. Stream the whole listing into a compact scan, with no transaction open. A storage
   error aborts here: nothing has been written, nothing deleted.
3. Read the stored catalogue (one read transaction), diff, check the mass-delete guard
   (a dry run writes nothing, so it is never refused: its report says what the guard
   would refuse, and why).
4. Apply the plan batch by batch, one transaction per batch (a bounded number of
   statements per thousand objects). Committing per batch keeps transactions short
   and the database responsive; a run interrupted after any batch converges on the next
   run, because every run diffs the whole bucket against whatever is stored.
5. Record the report. However the run ends, it is recorded as ended: should the report
   itself fail to be stored, the run is closed as failed with a bare report."""

from __future__ import annotations

import time
from collections.abc import Callable

import attrs
from attrs import frozen

from domain.common.errors import Conflict, DomainError
from domain.common.fields import Boolean
from domain.whitelabel.diff import (
    CREATE,
    DELETE,
    MEDIA,
    MODELS,
    POSTS,
    Batch,
    StoredCatalogue,
    StoredMedia,
    StoredPost,
    SyncPlan,
    diff,
    media_token,
)
from domain.whitelabel.entities import SyncRun
from domain.whitelabel.scan import BucketScan, cdns_fingerprint, describe
from ports.clock import Clock
from ports.storage import ObjectStorage
from ports.unit_of_work import UnitOfWork, UnitOfWorkFactory
from ports.whitelabel import SyncLock

RUNNING, SUCCEEDED, FAILED, REFUSED, INTERRUPTED = (
    "running",
    "succeeded",
    "failed",
    "refused",
    "interrupted",
)
RUN_STATUSES = (RUNNING, SUCCEEDED, FAILED, REFUSED, INTERRUPTED)
BATCH_SIZE = 1000
PROGRESS_EVERY = 1000

SYNC_FIELDS = {
    "dry_run": Boolean(nullable=False, description="compute and report, write nothing"),
    "allow_mass_delete": Boolean(
        nullable=False,
        description=(
            "allow a sync that deletes more than half of the catalogue or whose listing is empty"
        ),
    ),
}

Progress = Callable[[str, int], None]  # (phase "listing" | "writing", count so far)


@frozen
class SyncCommand:
    dry_run: bool = False
    allow_mass_delete: bool = False
    batch_size: int = BATCH_SIZE


class SyncInProgress(Conflict):
    """Another sync holds the lock."""

    code = "sync_in_progress"

    def __init__(self) -> None:
        super().__init__("another white-label sync is running; try again when it ends")


class SyncRefused(Conflict):
    """The mass-delete guard stopped the sync; `run` holds its report."""

    code = "mass_delete_refused"

    def __init__(self, message: str, run: SyncRun):
        super().__init__(message + "; pass allow_mass_delete to proceed", field="allow_mass_delete")
        self.run = run


def _repository(uow: UnitOfWork, kind: str):
    return {
        MODELS: uow.whitelabel_models,
        POSTS: uow.whitelabel_posts,
        MEDIA: uow.whitelabel_media,
    }[kind]


def load_stored(uow_factory: UnitOfWorkFactory) -> StoredCatalogue:
    """The stored catalogue, compact (one read transaction, three streamed queries)."""
    with uow_factory() as uow:
        models = {m.folder: m for m in uow.whitelabel_models.stored_rows()}
        folder_of = {m.id: m.folder for m in models.values()}
        posts = {}
        for pk, model_id, folder, title, cdns in uow.whitelabel_posts.stored_rows():
            posts[(folder_of[model_id], folder)] = StoredPost(
                pk, model_id, folder, title, cdns_fingerprint(cdns)
            )
        media = {
            key: StoredMedia(pk, media_token(url, etag, size))
            for key, pk, url, etag, size in uow.whitelabel_media.stored_rows()
        }
    return StoredCatalogue(models=models, posts=posts, media=media)


def scan_bucket(
    storage: ObjectStorage, scan: BucketScan, progress: Progress | None = None
) -> BucketScan:
    """Stream the whole listing into `scan` (ServiceUnavailable on storage errors)."""
    for obj in storage.list_objects():
        scan.add(obj.key, obj.size, obj.etag)
        if progress is not None and scan.listed % PROGRESS_EVERY == 0:
            progress("listing", scan.listed)
    if progress is not None:
        progress("listing", scan.listed)
    return scan


def apply_batch(batch: Batch, uow_factory: UnitOfWorkFactory, clock: Clock) -> None:
    """Write one batch in its own transaction (one bulk statement)."""
    with uow_factory() as uow:
        repository = _repository(uow, batch.kind)
        if batch.action == DELETE:
            repository.delete_many(batch.rows)
        elif batch.action == CREATE:
            repository.create_many(batch.rows, clock.now())
        else:
            repository.update_many(batch.rows, clock.now())
        uow.commit()


def _report(
    scan: BucketScan,
    plan: SyncPlan | None,
    batches_total: int,
    applied: int,
    listing_seconds: float,
    duration: float,
) -> dict:
    counts = plan.counts() if plan is not None else {}
    return {
        # Why a run without allow_mass_delete is (or, for a dry run, would be) refused.
        "refusal": plan.refusal() if plan is not None else None,
        "listed": scan.listed,
        "ignored": {
            "count": scan.ignored_count,
            "by_reason": dict(sorted(scan.ignored.items())),
            "examples": list(scan.ignored_examples),
        },
        **counts,
        "catalogue": (
            {
                "models": len(plan.catalogue.models),
                "posts": len(plan.catalogue.posts),
                "media": len(plan.catalogue.keys),
            }
            if plan is not None
            else None
        ),
        "batches": {"total": batches_total, "applied": applied},
        "write_statements": applied,
        "listing_seconds": round(listing_seconds, 3),
        "duration_seconds": round(duration, 3),
    }


def _record(uow_factory: UnitOfWorkFactory, run: SyncRun) -> SyncRun:
    with uow_factory() as uow:
        saved = uow.sync_runs.update(run) if run.id is not None else uow.sync_runs.add(run)
        uow.commit()
    return saved


def _finish(uow_factory: UnitOfWorkFactory, run: SyncRun) -> SyncRun:
    """Record how the run ended. Should that write fail (e.g. a report the database
    refuses), the run is still closed, as failed with a bare report, never left
    'running'; the error propagates."""
    try:
        return _record(uow_factory, run)
    except Exception as exc:
        _record(
            uow_factory,
            attrs.evolve(
                run,
                status=FAILED,
                report={},
                error=f"the sync report could not be stored ({type(exc).__name__})",
            ),
        )
        raise


def _start(uow_factory: UnitOfWorkFactory, clock: Clock, dry_run: bool) -> SyncRun:
    with uow_factory() as uow:
        # We hold the lock: a run still marked running died with its process.
        for stale in uow.sync_runs.find({"status": RUNNING}).items:
            uow.sync_runs.update(attrs.evolve(stale, status=INTERRUPTED))
        run = uow.sync_runs.add(
            SyncRun(id=None, status=RUNNING, started_at=clock.now(), dry_run=dry_run)
        )
        uow.commit()
    return run


def sync_catalogue(
    command: SyncCommand,
    uow_factory: UnitOfWorkFactory,
    storage: ObjectStorage,
    lock: SyncLock,
    clock: Clock,
    *,
    progress: Progress | None = None,
    timer: Callable[[], float] = time.monotonic,
) -> SyncRun:
    """Run one sync and return its recorded report. Raises Conflict when another sync
    runs, SyncRefused when the mass-delete guard holds (never for a dry run: its report
    carries the refusal instead), ServiceUnavailable when the storage cannot be listed
    (each recorded as the run's status and error)."""
    with lock.hold():
        run = _start(uow_factory, clock, command.dry_run)
        started = timer()
        scan, plan, listing, total, applied = BucketScan(), None, 0.0, 0, 0
        try:
            scan_bucket(storage, scan, progress)
            listing = timer() - started
            plan = diff(describe(scan, storage.public_url), load_stored(uow_factory))
            total = plan.batch_count(command.batch_size)
            refusal = plan.refusal()
            if refusal and not command.allow_mass_delete and not command.dry_run:
                run = _finish(
                    uow_factory,
                    attrs.evolve(
                        run,
                        status=REFUSED,
                        finished_at=clock.now(),
                        error=refusal,
                        report=_report(scan, plan, total, 0, listing, timer() - started),
                    ),
                )
                raise SyncRefused(refusal, run)
            written = 0
            for batch in plan.batches(command.batch_size) if not command.dry_run else ():
                apply_batch(batch, uow_factory, clock)
                applied, written = applied + 1, written + len(batch.rows)
                if progress is not None:
                    progress("writing", written)
        except SyncRefused:
            raise
        except Exception as exc:
            message = (
                exc.message
                if isinstance(exc, DomainError)
                else f"internal error ({type(exc).__name__})"
            )
            _finish(
                uow_factory,
                attrs.evolve(
                    run,
                    status=FAILED,
                    finished_at=clock.now(),
                    error=message,
                    report=_report(scan, plan, total, applied, listing, timer() - started),
                ),
            )
            raise
        return _finish(
            uow_factory,
            attrs.evolve(
                run,
                status=SUCCEEDED,
                finished_at=clock.now(),
                report=_report(scan, plan, total, applied, listing, timer() - started),
            ),
        )

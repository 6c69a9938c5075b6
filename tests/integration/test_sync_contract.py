"""The white-label sync on every persistence set-up (memory, SQLite, PostgreSQL):
idempotence observed from the database's side, deletions, the mass-delete guard,
storage failures, interruption and the one-sync-at-a-time lock."""

from __future__ import annotations

import threading

import pytest

from adapters.memory.unit_of_work import MemoryStore
from domain.common.errors import Conflict, ServiceUnavailable
from domain.whitelabel.sync import FAILED, REFUSED, RUNNING, SUCCEEDED, SyncRefused
from tests.support.backends import Backend, clear_pony
from tests.support.fake_storage import FakeStorage
from tests.support.whitelabel import CrashingUow, catalogue_view, catalogue_writes, rows, run_sync

BUCKET = {
    "ana/cover.jpg": (10, "c1"),
    "ana/profile/icon.png": (5, "i1"),
    "ana/profile/banner.jpg": (6, "b1"),
    "ana/2024-01/a.jpg": (100, "a1"),
    "ana/2024-01/b.mp4": (900, "b1"),
    "ana/2024-02/c.png": (50, "c1"),
    "bia/2024-05/d.jpg": (70, "d1"),
    "bia/2024-05/e.webm": (70, "e1"),
    "cy/r/f.gif": (1, "f1"),
    "cy/r/notes.txt": (1, "n1"),
    ".DS_Store": (1, "x"),
}
NOTHING = {"models": 0, "posts": 0, "media": 0}


def counts(run) -> tuple:
    return run.report["created"], run.report["updated"], run.report["deleted"]


def test_first_sync_builds_the_catalogue_of_the_layout(backend, clock):
    run = run_sync(backend, FakeStorage(BUCKET), clock)
    assert run.status == SUCCEEDED and run.error is None
    assert counts(run) == ({"models": 3, "posts": 4, "media": 6}, NOTHING, NOTHING)
    assert run.report["ignored"]["count"] == 2
    assert run.report["ignored"]["by_reason"] == {"hidden": 1, "unsupported_extension": 1}
    models, posts, media = catalogue_view(backend)
    base = "https://bucket.example/"
    assert models["ana"] == (
        base + "ana/2024-02/c.png",
        base + "ana/profile/icon.png",
        base + "ana/profile/banner.jpg",
        2,
        "new",
    )
    assert models["cy"] == (base + "cy/r/f.gif", None, None, 1, "new")
    assert posts[("ana", "2024-01")] == (
        "2024-01",
        {"images": [base + "ana/2024-01/a.jpg"], "videos": [base + "ana/2024-01/b.mp4"]},
    )
    assert media["bia/2024-05/e.webm"] == (
        base + "bia/2024-05/e.webm",
        "video",
        "e1",
        70,
        ("bia", "2024-05"),
    )
    with backend.uow() as uow:
        [ana] = [m for m in uow.whitelabel_models.find().items if m.folder_name == "ana"]
        assert ana.created_at == ana.last_synced_at == clock.now()


def test_an_unchanged_resync_writes_nothing(backend, clock):
    storage = FakeStorage(BUCKET)
    with catalogue_writes(backend) as first:
        run_sync(backend, storage, clock)
    assert first.value > 0  # the counter does see writes
    before = rows(backend)
    clock.advance(hours=1)
    with catalogue_writes(backend) as again:
        run = run_sync(backend, storage, clock)
    assert again.value == 0
    assert counts(run) == (NOTHING, NOTHING, NOTHING)
    assert run.report["write_statements"] == 0
    assert rows(backend) == before


def test_changes_update_only_what_changed(backend, clock):
    storage = FakeStorage(BUCKET)
    run_sync(backend, storage, clock)
    clock.advance(minutes=5)
    storage.put("ana/2024-01/a.jpg", 101, "a2")  # re-uploaded
    storage.put("ana/2024-03/g.jpg", 1, "g1")  # a new post
    with catalogue_writes(backend) as writes:
        run = run_sync(backend, storage, clock)
    assert counts(run) == (
        {"models": 0, "posts": 1, "media": 1},
        {"models": 1, "posts": 0, "media": 1},
        NOTHING,
    )
    assert writes.value > 0
    models, _, media = catalogue_view(backend)
    assert media["ana/2024-01/a.jpg"][2:4] == ("a2", 101)
    assert models["ana"][0].endswith("ana/2024-03/g.jpg") and models["ana"][3] == 3
    with backend.uow() as uow:
        by_folder = {m.folder_name: m for m in uow.whitelabel_models.find().items}
    assert by_folder["ana"].last_synced_at == clock.now()  # touched
    assert by_folder["bia"].last_synced_at < clock.now()  # untouched


def test_removed_objects_delete_media_then_empty_posts_then_empty_models(backend, clock):
    storage = FakeStorage(BUCKET)
    run_sync(backend, storage, clock)
    storage.remove("ana/2024-01/b.mp4")
    run = run_sync(backend, storage, clock)
    assert run.report["deleted"] == {"models": 0, "posts": 0, "media": 1}
    storage.remove("ana/2024-02/c.png")
    run = run_sync(backend, storage, clock)
    assert run.report["deleted"] == {"models": 0, "posts": 1, "media": 1}
    storage.remove("cy/r/f.gif")
    run = run_sync(backend, storage, clock)
    assert run.report["deleted"] == {"models": 1, "posts": 1, "media": 1}
    models, posts, media = catalogue_view(backend)
    assert set(models) == {"ana", "bia"} and models["ana"][3] == 1
    assert set(posts) == {("ana", "2024-01"), ("bia", "2024-05")}
    assert set(media) == {"ana/2024-01/a.jpg", "bia/2024-05/d.jpg", "bia/2024-05/e.webm"}


def synced_then_mostly_removed(backend, clock):
    """BUCKET synced, then most of it removed from the bucket (a mass delete to come):
    (the storage, the rows stored before)."""
    storage = FakeStorage(BUCKET)
    run_sync(backend, storage, clock)
    before = rows(backend)
    for key in ["ana/2024-01/a.jpg", "ana/2024-01/b.mp4", "ana/2024-02/c.png", "cy/r/f.gif"]:
        storage.remove(key)
    return storage, before


def test_the_mass_delete_guard_holds_unless_allowed(backend, clock):
    storage, before = synced_then_mostly_removed(backend, clock)
    with pytest.raises(SyncRefused) as refused:
        run_sync(backend, storage, clock)
    assert refused.value.field == "allow_mass_delete"
    assert refused.value.run.status == REFUSED
    assert refused.value.run.report["deleted"]["media"] == 4
    assert rows(backend) == before
    run = run_sync(backend, storage, clock, allow_mass_delete=True)
    assert run.report["deleted"] == {"models": 1, "posts": 3, "media": 4}


def test_an_empty_listing_is_refused_unless_allowed(backend, clock):
    run_sync(backend, FakeStorage(BUCKET), clock)
    before = rows(backend)
    with pytest.raises(SyncRefused, match="holds no model"):
        run_sync(backend, FakeStorage({".keep": (0, "e")}), clock)
    assert rows(backend) == before
    run = run_sync(backend, FakeStorage(), clock, allow_mass_delete=True)
    assert run.report["deleted"] == {"models": 3, "posts": 4, "media": 6}
    assert rows(backend) == {t: [] for t in before}


def test_a_storage_error_aborts_with_nothing_written_or_deleted(backend, clock):
    storage = FakeStorage(BUCKET)
    run_sync(backend, storage, clock)
    before = rows(backend)
    storage.remove("bia/2024-05/d.jpg")
    storage.put("dee/p/new.jpg")
    storage.fail_after = 5
    with pytest.raises(ServiceUnavailable):
        run_sync(backend, storage, clock, allow_mass_delete=True)
    assert rows(backend) == before
    with backend.uow() as uow:
        last = uow.sync_runs.first(order_by=("-id",))
    assert last.status == FAILED and "connection reset" in last.error
    assert last.report["listed"] == 5


def test_a_dry_run_reports_and_writes_nothing(backend, clock):
    storage = FakeStorage(BUCKET)
    with catalogue_writes(backend) as writes:
        run = run_sync(backend, storage, clock, dry_run=True)
    assert writes.value == 0 and run.dry_run and run.status == SUCCEEDED
    assert run.report["created"] == {"models": 3, "posts": 4, "media": 6}
    assert run.report["batches"] == {"total": 3, "applied": 0}


def test_a_dry_run_reports_what_the_mass_delete_guard_would_refuse(backend, clock):
    storage, before = synced_then_mostly_removed(backend, clock)
    run = run_sync(backend, storage, clock, dry_run=True)  # not refused: it writes nothing
    assert run.status == SUCCEEDED and run.dry_run and run.error is None
    assert "would delete 3 of 4 posts" in run.report["refusal"]
    assert run.report["deleted"] == {"models": 1, "posts": 3, "media": 4}
    assert rows(backend) == before
    assert (
        run_sync(backend, FakeStorage(), clock, dry_run=True)
        .report["refusal"]
        .startswith("the bucket listing holds no model")
    )
    assert run_sync(backend, FakeStorage(BUCKET), clock, dry_run=True).report["refusal"] is None
    with pytest.raises(SyncRefused):  # a real run still is refused
        run_sync(backend, storage, clock)


def test_a_badly_encoded_key_is_counted_as_ignored_and_reported_escaped(backend, clock):
    # What a zip made on Windows leaves in a bucket: a name that is not UTF-8, listed as
    # lone surrogates. The databases refuse such text; the sync must not.
    bucket = {**BUCKET, "ana/p2/\udcff\udcfe.jpg": (1, "w1"), "ana/p2/nul\x00.jpg": (1, "w2")}
    run = run_sync(backend, FakeStorage(bucket), clock)
    assert run.status == SUCCEEDED
    assert run.report["ignored"]["by_reason"]["invalid_name"] == 2
    assert run.report["ignored"]["count"] == 4
    assert {"ana/p2/\\udcff\\udcfe.jpg", "ana/p2/nul\\x00.jpg"} <= set(
        run.report["ignored"]["examples"]
    )
    with backend.uow() as uow:
        stored = uow.sync_runs.first(order_by=("-id",))
    assert (stored.status, stored.report) == (SUCCEEDED, run.report)
    assert counts(run)[0] == {"models": 3, "posts": 4, "media": 6}


def test_a_report_that_cannot_be_stored_still_closes_the_run(backend, clock):
    # Commit 1 records the run, 2-4 write the three batches, 5 records the report.
    with pytest.raises(RuntimeError, match="power cut"):
        run_sync(backend, FakeStorage(BUCKET), clock, uow=CrashingUow(backend.uow, crash_at=5))
    with backend.uow() as uow:
        last = uow.sync_runs.first(order_by=("-id",))
    assert last.status == FAILED != RUNNING
    assert last.error == "the sync report could not be stored (RuntimeError)"
    assert last.finished_at == clock.now()


def reset(backend: Backend) -> None:
    if backend.is_pony:
        clear_pony(backend.database)
    else:
        backend.database.__init__()


def test_a_sync_interrupted_after_any_batch_converges_on_the_next_run(backend, clock):
    before, after = dict(BUCKET), dict(BUCKET)
    for key in ["ana/2024-01/b.mp4", "cy/r/f.gif"]:
        del after[key]
    after.update(
        {
            "ana/2024-01/a.jpg": (1, "a9"),
            "dee/p/x.jpg": (1, "x1"),
            "dee/q/y.mp4": (2, "y1"),
            "bia/2024-06/z.png": (3, "z1"),
        }
    )
    expected_store = Backend("memory", MemoryStore())
    run_sync(expected_store, FakeStorage(after), clock)
    expected = catalogue_view(expected_store)

    run_sync(backend, FakeStorage(before), clock)
    planned = run_sync(
        backend, FakeStorage(after), clock, dry_run=True, batch_size=1, allow_mass_delete=True
    ).report["batches"]["total"]
    assert planned >= 10
    for batch in range(1, planned + 1):
        reset(backend)
        run_sync(backend, FakeStorage(before), clock)
        # Commit 1 records the run; commit 1 + n writes batch n.
        with pytest.raises(RuntimeError, match="power cut"):
            run_sync(
                backend,
                FakeStorage(after),
                clock,
                batch_size=1,
                allow_mass_delete=True,
                uow=CrashingUow(backend.uow, crash_at=1 + batch),
            )
        assert catalogue_view(backend) != expected, f"crash after batch {batch - 1}"
        run_sync(backend, FakeStorage(after), clock, allow_mass_delete=True)
        assert catalogue_view(backend) == expected, f"crash after batch {batch - 1}"
        assert run_sync(backend, FakeStorage(after), clock).report["write_statements"] == 0


class BlockingStorage(FakeStorage):
    """Its listing stops after the first object until released."""

    def __init__(self, objects):
        super().__init__(objects)
        self.listing, self.release = threading.Event(), threading.Event()

    def list_objects(self, prefix: str = ""):
        for n, obj in enumerate(super().list_objects(prefix)):
            if n == 1:
                self.listing.set()
                assert self.release.wait(10)
            yield obj


def test_only_one_sync_runs_at_a_time(backend, clock):
    blocking = BlockingStorage(BUCKET)
    outcome = {}

    def first():
        outcome["run"] = run_sync(backend, blocking, clock)

    thread = threading.Thread(target=first)
    thread.start()
    try:
        assert blocking.listing.wait(10)
        with pytest.raises(Conflict) as busy:
            run_sync(backend, FakeStorage(BUCKET), clock)
        assert busy.value.code == "sync_in_progress"
    finally:
        blocking.release.set()
        thread.join(10)
    assert outcome["run"].status == SUCCEEDED
    assert run_sync(backend, FakeStorage(BUCKET), clock).status == SUCCEEDED

"""`creatorflix sync`: exit codes, progress and report; and the sync lock held by
another process."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from domain.common.errors import Conflict
from entrypoints.sync_command import run_sync

ROOT = Path(__file__).resolve().parents[2]


def put(root: Path, key: str, body: bytes = b"x") -> None:
    (root / key).parent.mkdir(parents=True, exist_ok=True)
    (root / key).write_bytes(body)


def cli(deps, **flags) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = run_sync(deps, out=out, err=err, **flags)
    return code, out.getvalue(), err.getvalue()


def test_sync_prints_progress_and_the_report(deps):
    for n in range(2500):
        put(deps.storage.root, f"ana/p{n // 100}/{n}.jpg")
    code, out, err = cli(deps)
    assert code == 0
    assert "\rlisting: 1,000 objects listed" in err and "\rlisting: 2,500 objects" in err
    assert "\rwriting: 2,526 rows written" in err  # 1 model, 25 posts, 2,500 media
    head, _, report = out.partition("\n")
    assert head == "sync #1 succeeded"
    assert json.loads(report)["created"] == {"models": 1, "posts": 25, "media": 2500}
    code, out, _ = cli(deps, dry_run=True)
    assert code == 0 and out.startswith("sync #2 succeeded (dry run: nothing written)")


def test_a_refused_sync_exits_non_zero_with_the_reason(deps):
    put(deps.storage.root, "ana/p/a.jpg")
    put(deps.storage.root, "bia/p/b.jpg")
    assert cli(deps)[0] == 0
    for key in ("ana/p/a.jpg", "bia/p/b.jpg"):
        (deps.storage.root / key).unlink()
    code, out, err = cli(deps, dry_run=True)  # a dry run writes nothing: not refused
    assert code == 0 and out.startswith("sync #2 succeeded (dry run: nothing written)")
    assert json.loads(out.partition("\n")[2])["deleted"] == {"models": 2, "posts": 2, "media": 2}
    assert "a real run would be refused: the bucket listing holds no model" in err
    code, out, err = cli(deps)
    assert code == 1 and out.startswith("sync #3 refused: the bucket listing holds no model")
    assert "run again with --allow-mass-delete" in err
    assert cli(deps, allow_mass_delete=True)[0] == 0


def test_a_storage_error_exits_non_zero(deps):
    deps.storage.root.write_bytes(b"not a folder")
    code, out, err = cli(deps)
    assert (code, out) == (1, "")
    assert err.startswith("sync failed: the media folder cannot be read")


def test_the_installed_command(tmp_path):
    env = {
        **os.environ,
        "CREATORFLIX_DATABASE_URL": f"sqlite:///{tmp_path / 'cf.db'}",
        "CREATORFLIX_STORAGE_URL": f"file://{tmp_path / 'media'}",
        "CREATORFLIX_SECRET_KEY": "k" * 40,
    }
    put(tmp_path / "media", "ana/2024-01/a.jpg")
    (tmp_path / "not-a-folder").write_bytes(b"")
    command = [sys.executable, "-m", "entrypoints.cli"]
    subprocess.run(
        command + ["migrate"], env=env, cwd=ROOT, check=True, capture_output=True, timeout=60
    )
    done = subprocess.run(
        command + ["sync"], env=env, cwd=ROOT, capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("sync #1 succeeded")
    missing = {**env, "CREATORFLIX_STORAGE_URL": f"file://{tmp_path / 'missing'}"}
    refused = subprocess.run(
        command + ["sync"], env=missing, cwd=ROOT, capture_output=True, text=True, timeout=60
    )
    assert refused.returncode == 1 and "holds no model" in refused.stderr
    assert "sync #2 refused" in refused.stdout
    failed = subprocess.run(
        command + ["sync"],
        env={**env, "CREATORFLIX_STORAGE_URL": f"file://{tmp_path / 'not-a-folder'}"},
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert failed.returncode == 1 and "cannot be read" in failed.stderr


HOLD_LOCK = """
import sys
from adapters.pony.database import PonyDatabase
from adapters.pony.repositories.whitelabel_lock import PonySyncLock
with PonySyncLock(PonyDatabase(sys.argv[1])).hold():
    print("held", flush=True)
    sys.stdin.read()
"""


def test_the_lock_holds_across_processes(pony_backend):
    from adapters.pony.repositories.whitelabel_lock import PonySyncLock

    lock = PonySyncLock(pony_backend.database)
    other = subprocess.Popen(
        [sys.executable, "-c", HOLD_LOCK, pony_backend.url],
        cwd=ROOT,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert other.stdout.readline().strip() == "held"
        with pytest.raises(Conflict):
            with lock.hold():
                pass
    finally:
        other.stdin.close()
        other.wait(20)
    with lock.hold():  # released when the other process let go
        pass

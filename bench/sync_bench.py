"""White-label sync benchmark.

    .venv/bin/python bench/sync_bench.py [--storage local|s3|both] [--local-objects 100000]
        [--s3-objects 20000] [--pg-url postgresql://postgres@127.0.0.1:5432/postgres]
        [--batch-size 1000]

For each storage (a local folder of N files; moto's S3 server on loopback, in a child
process, holding N objects), on a scratch database (a temporary SQLite file, or a
scratch PostgreSQL database made and dropped through --pg-url), it measures:
  1. the bare listing: iterating storage.list_objects() and nothing else;
  2. the first sync into the empty catalogue;
  3. an unchanged re-sync (must write nothing);
(plus, for reference, the listing kept whole as a list of objects) and prints each
duration, the write statements issued, and the peak Python memory
(tracemalloc, measured in a second pass so that tracing does not distort the timings),
each as a ratio to the bare listing. The bucket: models of 50 posts of 20 media files,
each model with an icon, a cover file and one ignored .txt per post.
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import subprocess
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.scratch_db import ScratchDatabase  # noqa: E402

POSTS_PER_MODEL, MEDIA_PER_POST = 50, 20
SECRET = "bench-secret-key-" + "x" * 32


def bucket_keys(n: int) -> list[str]:
    """About n keys in the layout: media (3 in 4 images), profile icons, covers, notes."""
    keys: list[str] = []
    model = 0
    while len(keys) < n:
        name = f"model-{model:04}"
        keys += [f"{name}/profile/icon.jpg", f"{name}/cover.jpg"]
        for post in range(POSTS_PER_MODEL):
            folder = f"{name}/2024-{post:03}"
            keys.append(f"{folder}/notes.txt")
            keys += [
                f"{folder}/{i:03}.{'mp4' if i % 4 == 3 else 'jpg'}" for i in range(MEDIA_PER_POST)
            ]
        model += 1
    return keys[:n]


# -- storages ------------------------------------------------------------------------
def local_storage(n: int, workdir: Path):
    from adapters.clock import SystemClock
    from adapters.storage.local_folder import LocalFolderStorage

    root = workdir / "media"
    for key in bucket_keys(n):
        path = root / key
        path.parent.mkdir(parents=True, exist_ok=True)
        path.touch()
    from adapters.security import HmacSigner

    clock = SystemClock()
    return LocalFolderStorage(root, "http://127.0.0.1:8000", HmacSigner(SECRET, clock), clock)


def serve_moto(n: int) -> None:
    """Child process: moto's S3 server holding n objects; prints its port, serves until
    stdin closes (so the parent's measurements exclude the server's CPU and memory)."""
    import logging

    from moto.core import DEFAULT_ACCOUNT_ID
    from moto.s3.models import s3_backends
    from moto.server import ThreadedMotoServer

    logging.getLogger("werkzeug").setLevel(logging.ERROR)
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    backend = s3_backends[DEFAULT_ACCOUNT_ID]["global"]
    backend.create_bucket("media", "us-east-1")
    for key in bucket_keys(n):  # straight into moto's store: its HTTP puts are slow
        backend.put_object("media", key, b"x")
    print(server.get_host_and_port()[1], flush=True)
    sys.stdin.read()
    server.stop()


def s3_storage(n: int):
    from adapters.storage.minio_s3 import S3Storage

    child = subprocess.Popen(
        [sys.executable, __file__, "--serve-moto", str(n)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    port = int(child.stdout.readline())
    return S3Storage(f"127.0.0.1:{port}", "bench", "bench", "media", secure=False), child


# -- measurements --------------------------------------------------------------------
def measure(fn, trace: bool):
    """(seconds, peak traced bytes or None, result)."""
    gc.collect()
    if trace:
        tracemalloc.start()
    started = time.perf_counter()
    result = fn()
    seconds = time.perf_counter() - started
    peak = None
    if trace:
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
    return seconds, peak, result


def run_phases(storage, pg_url: str | None, workdir: Path, batch_size: int, trace: bool):
    from adapters.clock import SystemClock
    from adapters.pony.repositories.whitelabel_lock import PonySyncLock
    from adapters.pony.unit_of_work import PonyUnitOfWorkFactory
    from domain.whitelabel.sync import SyncCommand, sync_catalogue

    results = {
        "listing": measure(lambda: sum(1 for _ in storage.list_objects()), trace),
        # For reference only: what holding the listing as full objects costs.
        "listing as a list": measure(lambda: len(list(storage.list_objects())), trace),
    }
    db = ScratchDatabase(pg_url, workdir, "creatorflix_sync_bench")
    try:

        def sync():
            return sync_catalogue(
                SyncCommand(batch_size=batch_size),
                PonyUnitOfWorkFactory(db.pdb),
                storage,
                PonySyncLock(db.pdb),
                SystemClock(),
            )

        results["first sync"] = measure(sync, trace)
        results["unchanged re-sync"] = measure(sync, trace)
    finally:
        db.drop()
    return results


ROWS: list[dict] = []  # the figures, for --json (bench/run_all.py builds its table from them)


def report(title: str, timed: dict, traced: dict) -> None:
    base_s, base_mem = timed["listing"][0], traced["listing"][1]
    print(f"\n{title}: {timed['listing'][2]:,} objects")
    print(
        f"  {'phase':<18} {'seconds':>9} {'x listing':>10} {'statements':>11} "
        f"{'rows written':>13} {'peak MiB':>9} {'x listing':>10}"
    )
    for phase in ("listing", "listing as a list", "first sync", "unchanged re-sync"):
        seconds, _, result = timed[phase]
        peak = traced[phase][1]
        statements = rows = "-"
        if not phase.startswith("listing"):
            counts = result.report
            statements = counts["write_statements"]
            rows = sum(
                counts[a][k]
                for a in ("created", "updated", "deleted")
                for k in ("models", "posts", "media")
            )
        print(
            f"  {phase:<18} {seconds:>9.2f} {seconds / base_s:>10.2f} {statements:>11} "
            f"{rows:>13} {peak / 2**20:>9.1f} {peak / base_mem:>10.1f}"
        )
        if phase != "listing as a list":
            ROWS.append(
                {
                    "bench": "sync",
                    "figure": f"{title}, {timed['listing'][2]:,} objects: {phase}",
                    "value": round(seconds, 2),
                    "unit": "s",
                    "ratio": round(seconds / base_s, 2),
                    "ratio_of": "bare listing",
                    "notes": (
                        f"{statements} statements, {rows} rows written, "
                        if phase != "listing"
                        else ""
                    )
                    + f"peak {peak / 2**20:.1f} MiB ({peak / base_mem:.1f}x listing)",
                }
            )


def bench(kind: str, n: int, args) -> None:
    with tempfile.TemporaryDirectory(prefix="sync-bench-") as tmp:
        workdir = Path(tmp)
        child = None
        if kind == "local":
            started = time.perf_counter()
            storage = local_storage(n, workdir)
            print(f"(made {n:,} files in {time.perf_counter() - started:.1f}s)")
        else:
            storage, child = s3_storage(n)
        try:
            sum(1 for _ in storage.list_objects())  # warm-up (caches, connections)
            timed = run_phases(storage, args.pg_url, workdir, args.batch_size, trace=False)
            traced = run_phases(storage, args.pg_url, workdir, args.batch_size, trace=True)
        finally:
            if child is not None:
                child.stdin.close()
                child.wait(30)
        database = "PostgreSQL" if args.pg_url else "SQLite (temporary file)"
        report(
            f"{'local folder' if kind == 'local' else 'moto S3 server'} -> {database}",
            timed,
            traced,
        )


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--storage", choices=("local", "s3", "both"), default="both")
    parser.add_argument("--local-objects", type=int, default=100_000)
    parser.add_argument("--s3-objects", type=int, default=20_000)
    parser.add_argument(
        "--pg-url",
        help="PostgreSQL server URL (a scratch database is "
        "created and dropped); default: a SQLite file",
    )
    parser.add_argument("--batch-size", type=int, default=1000)
    parser.add_argument("--json", metavar="FILE", help="also write the figures as JSON")
    parser.add_argument("--serve-moto", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve_moto is not None:
        serve_moto(args.serve_moto)
        return
    print(
        f"sync benchmark: {os.cpu_count()} CPUs (shared with whatever else runs), "
        f"batch size {args.batch_size}"
    )
    if args.storage in ("local", "both"):
        bench("local", args.local_objects, args)
    if args.storage in ("s3", "both"):
        bench("s3", args.s3_objects, args)
    if args.json:
        Path(args.json).write_text(json.dumps(ROWS, indent=1))


if __name__ == "__main__":
    main()

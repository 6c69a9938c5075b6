"""Hung-Redis benchmark (issue 21, finding 3): how long logins take while the rate-limit
Redis is stopped (SIGSTOP), on the real server (`creatorflix serve`: gunicorn, 1 worker x
4 threads, a migrated SQLite file) with CREATORFLIX_RATE_LIMIT_URL pointing at a
redis-server of its own.

    .venv/bin/python bench/redis_hung_bench.py [--seconds 8]

Wrong-password logins, one at a time every 0.2 s, each from its own address (through a
trusted proxy) and for its own account, first with Redis answering, then for --seconds
with Redis stopped (long enough for the limiter's probes to be included): the median
and the worst latency of each phase, and how many answers were 401 (counted) or 429.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.slow_bodies_bench import SECRET, free_port, probe  # noqa: E402


def start_redis(port: int) -> subprocess.Popen:
    process = subprocess.Popen(
        [
            "redis-server",
            "--port",
            str(port),
            "--bind",
            "127.0.0.1",
            "--save",
            "",
            "--appendonly",
            "no",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    time.sleep(0.5)
    return process


def start_server(workdir: Path, port: int, redis_url: str) -> subprocess.Popen:
    from adapters import migrator

    url = f"sqlite:///{workdir / 'bench.db'}"
    migrator.migrate(url)
    env = {
        **os.environ,
        "CREATORFLIX_DATABASE_URL": url,
        "CREATORFLIX_SECRET_KEY": SECRET,
        "CREATORFLIX_STORAGE_URL": f"file://{workdir / 'media'}",
        "CREATORFLIX_PUBLIC_URL": f"http://127.0.0.1:{port}",
        "CREATORFLIX_MAIL_URL": f"file://{workdir / 'outbox'}",
        "CREATORFLIX_RATE_LIMIT_URL": redis_url,
        "CREATORFLIX_TRUSTED_PROXIES": "127.0.0.1",
        "CREATORFLIX_AGE_GATE": "off",
    }
    code = f"from entrypoints.server import serve; serve('127.0.0.1', {port}, 1, 4)"
    process = subprocess.Popen(
        [sys.executable, "-c", code],
        env=env,
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if probe(port) is not None:
            return process
        time.sleep(0.1)
    process.kill()
    raise RuntimeError("the server did not start")


def login(port: int, n: int) -> tuple[float, int]:
    started = time.monotonic()
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    try:
        conn.request(
            "POST",
            "/api/auth/login",
            body=json.dumps({"email": f"user{n}@example.com", "password": "wrong"}),
            headers={
                "Content-Type": "application/json",
                "X-Forwarded-For": f"10.{n // 65536 % 256}.{n // 256 % 256}.{n % 256}",
            },
        )
        answer = conn.getresponse()
        answer.read()
        return time.monotonic() - started, answer.status
    finally:
        conn.close()


def phase(port: int, first: int, seconds: float) -> tuple[list[float], Counter]:
    times, statuses = [], Counter()
    n, deadline = first, time.monotonic() + seconds
    while time.monotonic() < deadline:
        took, status = login(port, n)
        times.append(took)
        statuses[status] += 1
        n += 1
        time.sleep(0.2)
    return times, statuses


def describe(name: str, times: list[float], statuses: Counter) -> str:
    return (
        f"{name}: {len(times)} logins, median {statistics.median(times) * 1000:.1f} ms, "
        f"worst {max(times) * 1000:.1f} ms, answers {dict(statuses)}"
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=8.0)
    parser.add_argument("--json", metavar="FILE")
    args = parser.parse_args()
    if not shutil.which("redis-server"):
        print("redis-server is not installed", file=sys.stderr)
        return 1
    with tempfile.TemporaryDirectory() as tmp:
        redis_port, port = free_port(), free_port()
        redis = start_redis(redis_port)
        server = start_server(Path(tmp), port, f"redis://127.0.0.1:{redis_port}/0")
        try:
            healthy = phase(port, 0, 2.0)
            redis.send_signal(signal.SIGSTOP)
            hung = phase(port, 10_000, args.seconds)
        finally:
            redis.send_signal(signal.SIGCONT)
            server.terminate()
            server.wait(timeout=15)
            redis.kill()
            redis.wait()
    print(describe("Redis answering", *healthy))
    print(describe("Redis stopped (SIGSTOP)", *hung))
    figures = [
        {
            "bench": "redis",
            "figure": f"login, Redis {name}: median (worst)",
            "value": round(statistics.median(times) * 1000, 1),
            "unit": "ms",
            "ratio": None,
            "ratio_of": None,
            "target": None,
            "notes": f"worst {max(times) * 1000:.0f} ms, answers {dict(statuses)}",
        }
        for name, (times, statuses) in (("answering", healthy), ("stopped", hung))
    ]
    if args.json:
        Path(args.json).write_text(json.dumps(figures))
    return 0


if __name__ == "__main__":
    sys.exit(main())

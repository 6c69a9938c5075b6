"""Slow-bodies benchmark (issue 20, finding 1): what /health does while sockets that
declared a large body stall, on the real server (`creatorflix serve`: gunicorn, 1 worker
x 4 threads, a migrated SQLite file).

    .venv/bin/python bench/slow_bodies_bench.py [--sockets 16] [--probes 10]

Each attacking socket sends `POST /api/auth/login` with `Content-Length: 900000` and
70 kB of it, then nothing. Then /health is probed one request at a time with a 1 s
timeout: the figures are how many answered within the second and their latency.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

SECRET = "bench-secret-key-0123456789abcdef0123456789"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_server(workdir: Path, port: int, workers: int, threads: int) -> subprocess.Popen:
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
    }
    code = f"from entrypoints.server import serve; serve('127.0.0.1', {port}, {workers}, {threads})"
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


def probe(port: int, timeout: float = 1.0) -> float | None:
    """Seconds /health took to answer 200, or None (no answer within `timeout`)."""
    started = time.monotonic()
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        conn.request("GET", "/health")
        answer = conn.getresponse()
        answer.read()
        return time.monotonic() - started if answer.status == 200 else None
    except OSError:
        return None
    finally:
        conn.close()


def stalled_socket(port: int) -> socket.socket:
    sock = socket.create_connection(("127.0.0.1", port), timeout=10)
    sock.sendall(
        b"POST /api/auth/login HTTP/1.1\r\nHost: 127.0.0.1\r\n"
        b"Content-Type: application/json\r\nContent-Length: 900000\r\n\r\n" + b" " * 70_000
    )
    return sock


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sockets", type=int, default=16)
    parser.add_argument("--probes", type=int, default=10)
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument("--json", metavar="FILE")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        port = free_port()
        server = start_server(Path(tmp), port, args.workers, args.threads)
        try:
            sockets = [stalled_socket(port) for _ in range(args.sockets)]
            time.sleep(0.3)
            times = [probe(port) for _ in range(args.probes)]
            for sock in sockets:
                sock.close()
        finally:
            server.terminate()
            server.wait(timeout=15)
    answered = [t for t in times if t is not None]
    median = statistics.median(answered) * 1000 if answered else None
    print(
        f"slow bodies: {args.sockets} stalled sockets (900000 declared, 70 kB sent), "
        f"{args.workers}x{args.threads} threads: /health answered {len(answered)} of "
        f"{args.probes} within 1 s" + (f", median {median:.1f} ms" if median else "")
    )
    figures = [
        {
            "bench": "slow",
            "figure": f"/health answered within 1 s, {args.sockets} stalled 900 kB bodies",
            "value": len(answered),
            "unit": f"of {args.probes}",
            "ratio": len(answered) / args.probes,
            "ratio_of": "probes",
            "target": 1.0,
            "notes": f"median {median:.1f} ms" if median else "",
        }
    ]
    if args.json:
        Path(args.json).write_text(json.dumps(figures))
    return 0


if __name__ == "__main__":
    sys.exit(main())

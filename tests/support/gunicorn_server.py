"""The real server, as `creatorflix serve` runs it (entrypoints.server: gunicorn, gthread
workers), in a child process on a free loopback port, over a migrated SQLite file."""

from __future__ import annotations

import os
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from adapters import migrator
from tests.support.deps import TEST_SECRET
from tests.support.s3 import free_port

READY_SECONDS = 30


class GunicornServer:
    def __init__(
        self,
        workdir: Path,
        *,
        workers: int = 1,
        threads: int = 4,
        head_timeout: float = 10.0,
        body_timeout: float = 10.0,
        env: dict | None = None,
        database_url: str | None = None,
    ):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        if database_url is None:
            database_url = f"sqlite:///{workdir / 'live.db'}"
            migrator.migrate(database_url)
        self.log_path = workdir / "server.log"
        self.env = {
            **os.environ,
            "CREATORFLIX_DATABASE_URL": database_url,
            "CREATORFLIX_SECRET_KEY": TEST_SECRET,
            "CREATORFLIX_STORAGE_URL": f"file://{workdir / 'media'}",
            "CREATORFLIX_PUBLIC_URL": self.url,
            "CREATORFLIX_MAIL_URL": f"file://{workdir / 'outbox'}",
            **(env or {}),
        }
        code = (
            "from entrypoints.server import serve; "
            f"serve('127.0.0.1', {self.port}, {workers}, {threads}, {head_timeout}, "
            f"{body_timeout})"
        )
        with open(self.log_path, "wb") as log:
            self.process = subprocess.Popen(
                [sys.executable, "-c", code], env=self.env, stdout=log, stderr=subprocess.STDOUT
            )
        self._wait_ready()

    def _wait_ready(self) -> None:
        deadline = time.monotonic() + READY_SECONDS
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"the server exited: {self.log_path.read_text()}")
            try:
                with urllib.request.urlopen(self.url + "/health", timeout=1) as answer:
                    if answer.status == 200:
                        return
            except OSError:
                time.sleep(0.1)
        self.stop()
        raise RuntimeError(f"the server did not answer within {READY_SECONDS} s")

    def worker_pids(self) -> list[int]:
        """The gunicorn worker processes (children of the arbiter) running now."""
        children = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children")
        return [int(pid) for pid in children.read_text().split()]

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()

"""A private PostgreSQL server for fault drills: its own cluster in a scratch folder, on
its own loopback port, that a test may stop, restart or kill without touching the shared
server every other test uses.

    with PrivatePostgres(tmp_path) as pg:
        url = pg.create_database("drill")   # postgresql://postgres@127.0.0.1:PORT/drill
        pg.restart()                        # a blip: fast shutdown, then start again
        pg.stop(); pg.start()               # an outage of any length

PostgreSQL refuses to run as root, so as root the cluster is made and run as the
`postgres` system user (Debian's package creates it)."""

from __future__ import annotations

import glob
import os
import pwd
import shutil
import subprocess
import tempfile
import time
from pathlib import Path

from tests.support.s3 import free_port


def binaries() -> Path | None:
    """The folder of the newest installed server binaries (Debian keeps them off PATH)."""
    found = sorted(
        glob.glob("/usr/lib/postgresql/*/bin/initdb"), key=lambda p: int(Path(p).parent.parent.name)
    )
    if found:
        return Path(found[-1]).parent
    initdb = shutil.which("initdb")
    return Path(initdb).parent if initdb else None


def unavailable() -> str | None:
    """None when a private server can be made here, else why not (for a skip message)."""
    if binaries() is None:
        return "no PostgreSQL server binaries (initdb, pg_ctl) installed"
    if os.geteuid() == 0:
        try:
            pwd.getpwnam("postgres")
        except KeyError:
            return "running as root without a 'postgres' system user to run the server"
    return None


class PrivatePostgres:
    def __init__(self, workdir: Path | None = None):
        problem = unavailable()
        if problem:
            raise RuntimeError(problem)
        self.bin = binaries()
        self.root = Path(tempfile.mkdtemp(prefix="private-pg-", dir=workdir))
        self.data = self.root / "data"
        self.sockets = self.root / "sockets"
        self.log_path = self.root / "server.log"
        self.port = free_port()
        self.url = f"postgresql://postgres@127.0.0.1:{self.port}/postgres"
        self._as_user: list[str] = []
        if os.geteuid() == 0:
            self._as_user = ["runuser", "-u", "postgres", "--"]
            self.root.chmod(0o755)
            shutil.chown(self.root, "postgres", "postgres")
        self._run(
            "initdb",
            "-D",
            str(self.data),
            "-A",
            "trust",
            "-U",
            "postgres",
            "--no-sync",
            "-E",
            "UTF8",
            "--locale=C",
        )
        self._run_plain("mkdir", "-p", str(self.sockets))
        self.start()

    def _run(self, tool: str, *args: str, timeout: float = 60) -> None:
        self._run_plain(str(self.bin / tool), *args, timeout=timeout)

    def _run_plain(self, *command: str, timeout: float = 60) -> None:
        result = subprocess.run(
            [*self._as_user, *command], capture_output=True, timeout=timeout, text=True
        )
        if result.returncode != 0:
            raise RuntimeError(f"{command[0]} failed: {result.stderr or result.stdout}")

    def start(self) -> None:
        options = (
            f"-p {self.port} -c listen_addresses=127.0.0.1 "
            f"-c unix_socket_directories={self.sockets} -c fsync=off "
            "-c synchronous_commit=off -c full_page_writes=off -c max_connections=100"
        )
        self._run(
            "pg_ctl",
            "-D",
            str(self.data),
            "-l",
            str(self.log_path),
            "-o",
            options,
            "-w",
            "-t",
            "30",
            "start",
        )

    def stop(self, mode: str = "fast") -> None:
        """`fast` closes every session (as a restart does); `immediate` is a crash."""
        self._run("pg_ctl", "-D", str(self.data), "-m", mode, "-w", "-t", "30", "stop")

    def restart(self, down_seconds: float = 0.0) -> None:
        self.stop()
        if down_seconds:
            time.sleep(down_seconds)
        self.start()

    def create_database(self, name: str) -> str:
        import psycopg2

        conn = psycopg2.connect(self.url, connect_timeout=3)
        conn.autocommit = True
        try:
            with conn.cursor() as cur:
                cur.execute(f'CREATE DATABASE "{name}"')
        finally:
            conn.close()
        return f"postgresql://postgres@127.0.0.1:{self.port}/{name}"

    def close(self) -> None:
        try:
            self.stop("immediate")
        except (RuntimeError, subprocess.TimeoutExpired):
            pass
        shutil.rmtree(self.root, ignore_errors=True)

    def __enter__(self) -> PrivatePostgres:
        return self

    def __exit__(self, *exc_info) -> None:
        self.close()

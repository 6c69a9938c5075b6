"""Finding (and if need be starting) the local PostgreSQL, and making a scratch
database for one test session."""

from __future__ import annotations

import glob
import os
import shutil
import subprocess
import time
from urllib.parse import urlsplit, urlunsplit

DEFAULT_ADMIN_URL = "postgresql://postgres@127.0.0.1:5432/postgres"


def admin_url() -> str:
    return os.environ.get("CREATORFLIX_TEST_POSTGRES_URL", DEFAULT_ADMIN_URL)


def _connect(url: str):
    import psycopg2

    return psycopg2.connect(url, connect_timeout=3)


def _can_connect(url: str) -> bool:
    try:
        _connect(url).close()
        return True
    except Exception:
        return False


def _start_local_cluster() -> None:
    """Start the installed Debian cluster when it is stopped (as CI's machine has it)."""
    if not shutil.which("pg_ctlcluster"):
        return
    for version_dir in sorted(glob.glob("/etc/postgresql/*")):
        version = os.path.basename(version_dir)
        subprocess.run(
            ["pg_ctlcluster", "--skip-systemctl-redirect", version, "main", "start"],
            capture_output=True,
            timeout=60,
        )


def ensure_server() -> str | None:
    """None when PostgreSQL answers (starting it if needed), else why not."""
    url = admin_url()
    if _can_connect(url):
        return None
    _start_local_cluster()
    for _ in range(20):
        if _can_connect(url):
            return None
        time.sleep(0.5)
    return f"PostgreSQL does not answer at {url} (set CREATORFLIX_TEST_POSTGRES_URL)"


def with_database(url: str, name: str) -> str:
    parts = urlsplit(url)
    return urlunsplit(parts._replace(path="/" + name))


def create_database(name: str) -> str:
    conn = _connect(admin_url())
    conn.autocommit = True
    with conn.cursor() as cur:
        cur.execute(f'DROP DATABASE IF EXISTS "{name}"')
        cur.execute(f'CREATE DATABASE "{name}"')
    conn.close()
    return with_database(admin_url(), name)


def drop_database(name: str) -> None:
    conn = _connect(admin_url())
    conn.autocommit = True
    with conn.cursor() as cur:
        cur.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    conn.close()

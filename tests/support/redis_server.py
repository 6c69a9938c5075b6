"""Finding (and if need be starting) the local Redis the rate-limit tests share."""
from __future__ import annotations

import os
import shutil
import subprocess
import time
from urllib.parse import urlsplit

DEFAULT_URL = "redis://127.0.0.1:6379/0"


def url() -> str:
    return os.environ.get("CREATORFLIX_TEST_REDIS_URL", DEFAULT_URL)


def _answers(client) -> bool:
    import redis
    try:
        return bool(client.ping())
    except redis.exceptions.RedisError:
        return False


def ensure_server() -> str | None:
    """None when Redis answers at url() — starting the installed server on loopback when
    it is stopped, as STACK-NOTES says — else why not."""
    import redis
    client = redis.Redis.from_url(url(), socket_connect_timeout=2)
    try:
        if _answers(client):
            return None
        parts = urlsplit(url())
        if shutil.which("redis-server") and parts.hostname in ("127.0.0.1", "localhost"):
            subprocess.run(["redis-server", "--daemonize", "yes", "--bind", "127.0.0.1",
                            "--port", str(parts.port or 6379), "--save", "",
                            "--appendonly", "no"], capture_output=True, timeout=30)
            for _ in range(20):
                if _answers(client):
                    return None
                time.sleep(0.25)
        return f"no Redis answers at {url()}"
    finally:
        client.close()

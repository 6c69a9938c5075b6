"""Finding (and if need be starting) the local Redis the rate-limit tests share."""

from __future__ import annotations

import os
import shutil
import signal
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
            subprocess.run(
                [
                    "redis-server",
                    "--daemonize",
                    "yes",
                    "--bind",
                    "127.0.0.1",
                    "--port",
                    str(parts.port or 6379),
                    "--save",
                    "",
                    "--appendonly",
                    "no",
                ],
                capture_output=True,
                timeout=30,
            )
            for _ in range(20):
                if _answers(client):
                    return None
                time.sleep(0.25)
        return f"no Redis answers at {url()}"
    finally:
        client.close()


class PrivateRedis:
    """A redis-server of a test's own, on its own loopback port, that the test may hang
    (SIGSTOP), wake (SIGCONT), kill and start again — the shared Redis is never touched.

        with PrivateRedis() as server:
            server.url            # redis://127.0.0.1:PORT/0
            server.pause(); server.resume(); server.kill(); server.start()
    """

    def __init__(self) -> None:
        from tests.support.s3 import free_port

        if not shutil.which("redis-server"):
            raise RuntimeError("redis-server is not installed")
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.process: subprocess.Popen | None = None
        self.start()

    def start(self) -> None:
        import redis

        self.process = subprocess.Popen(
            [
                "redis-server",
                "--port",
                str(self.port),
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
        client = redis.Redis.from_url(self.url, socket_connect_timeout=1)
        try:
            for _ in range(100):
                if _answers(client):
                    return
                time.sleep(0.05)
        finally:
            client.close()
        raise RuntimeError(f"redis-server did not answer on port {self.port}")

    def pause(self) -> None:
        """Hung: connections are accepted by the kernel, nothing is answered."""
        assert self.process is not None
        self.process.send_signal(signal.SIGSTOP)

    def resume(self) -> None:
        assert self.process is not None
        self.process.send_signal(signal.SIGCONT)

    def kill(self) -> None:
        if self.process is not None:
            self.process.send_signal(signal.SIGCONT)  # a stopped process dies on SIGKILL too
            self.process.kill()
            self.process.wait()
            self.process = None

    def __enter__(self) -> PrivateRedis:
        return self

    def __exit__(self, *exc_info) -> None:
        self.kill()

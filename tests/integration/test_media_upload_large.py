"""A file larger than memory would like, through the real server (issue 23): 300 MB
streamed to the local folder by `creatorflix serve`'s worker, whose peak resident memory
grows by a small fraction of the file (it is spooled in 1 MiB chunks, never held)."""

from __future__ import annotations

import http.client
import json
import os
import uuid
from pathlib import Path

import pytest

from domain.accounts.auth import create_admin, issue_token
from domain.accounts.commands import CreateAdmin
from entrypoints.bootstrap import build_deps
from entrypoints.config import Config
from tests.support.deps import TEST_SECRET
from tests.support.gunicorn_server import GunicornServer
from tests.support.media_files import image_bytes

SIZE = 300 * 1024 * 1024
CHUNK = 1024 * 1024
# What the worker's peak RSS may grow by while a 300 MB file passes through it.
ALLOWED_GROWTH = 64 * 1024 * 1024


def peak_rss(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) * 1024
    raise AssertionError("no VmHWM")


def worker_pid(server: GunicornServer) -> int:
    children = Path(f"/proc/{server.process.pid}/task/{server.process.pid}/children")
    found = children.read_text().split()
    assert len(found) == 1, found
    return int(found[0])


@pytest.fixture
def server(tmp_path):
    started = GunicornServer(tmp_path, workers=1, threads=4, body_timeout=300.0)
    yield started, tmp_path
    started.stop()


def admin_token(workdir: Path) -> str:
    deps = build_deps(
        Config(
            database_url=f"sqlite:///{workdir / 'live.db'}",
            secret_key=TEST_SECRET,
            storage_url=f"file://{workdir / 'media'}",
            mail_worker=False,
        )
    )
    user, _ = create_admin(deps.auth, CreateAdmin("admin@example.com", "admin-password"))
    return issue_token(deps.auth, user).token


def send_upload(
    port: int, token: str, picture: bytes, padding: int, pace: float = 0.0
) -> tuple[int, dict]:
    """POST /api/admin/media with `picture` then `padding` zero bytes, 1 MiB at a time,
    pausing `pace` seconds between chunks."""
    import time

    boundary = uuid.uuid4().hex
    head = (
        f'--{boundary}\r\nContent-Disposition: form-data; name="file"; '
        f'filename="big.png"\r\nContent-Type: image/png\r\n\r\n'
    ).encode()
    tail = f"\r\n--{boundary}--\r\n".encode()
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=300)
    connection.putrequest("POST", "/api/admin/media")
    connection.putheader("Authorization", f"Bearer {token}")
    connection.putheader("Content-Type", f"multipart/form-data; boundary={boundary}")
    connection.putheader("Content-Length", str(len(head) + len(picture) + padding + len(tail)))
    connection.endheaders()
    connection.send(head + picture)
    zeros = bytes(CHUNK)
    try:
        while padding:
            piece = zeros[: min(CHUNK, padding)]
            connection.send(piece)
            padding -= len(piece)
            time.sleep(pace)
        connection.send(tail)
    except OSError:
        pass  # the server answered early and closed: read its answer
    answer = connection.getresponse()
    body = json.loads(answer.read())
    connection.close()
    return answer.status, body


def test_an_upload_slower_than_the_body_timeout_earns_time_as_it_arrives(tmp_path):
    # The server gives bodies 1 s; this upload takes ~4 s at ~2 MiB/s (far above the
    # minimum rate): it is not cut off.
    live = GunicornServer(tmp_path, workers=1, threads=4, body_timeout=1.0)
    try:
        status, body = send_upload(
            live.port, admin_token(tmp_path), image_bytes("PNG"), 8 * CHUNK, pace=0.5
        )
    finally:
        live.stop()
    assert status == 201, body


def test_a_300_mb_upload_is_streamed_not_held(server):
    live, workdir = server
    token = admin_token(workdir)
    boundary = uuid.uuid4().hex
    head = (
        f'--{boundary}\r\nContent-Disposition: form-data; name="file"; '
        f'filename="big.png"\r\nContent-Type: image/png\r\n\r\n'
    ).encode()
    tail = f"\r\n--{boundary}--\r\n".encode()
    picture = image_bytes("PNG", (800, 600))  # a real PNG; the rest pads it to 300 MB
    padding = SIZE - len(picture)
    pid = worker_pid(live)
    before = peak_rss(pid)

    connection = http.client.HTTPConnection("127.0.0.1", live.port, timeout=300)
    connection.putrequest("POST", "/api/admin/media")
    connection.putheader("Authorization", f"Bearer {token}")
    connection.putheader("Content-Type", f"multipart/form-data; boundary={boundary}")
    connection.putheader("Content-Length", str(len(head) + SIZE + len(tail)))
    connection.endheaders()
    connection.send(head + picture)
    zeros = bytes(CHUNK)
    while padding:
        piece = zeros[: min(CHUNK, padding)]
        connection.send(piece)
        padding -= len(piece)
    connection.send(tail)
    answer = connection.getresponse()
    body = json.loads(answer.read())
    connection.close()

    assert answer.status == 201, body
    assert body["size"] == SIZE and (body["width"], body["height"]) == (800, 600)
    stored = workdir / "media" / body["key"]
    assert os.path.getsize(stored) == SIZE
    growth = peak_rss(pid) - before
    assert growth < ALLOWED_GROWTH, f"the worker's peak RSS grew by {growth >> 20} MiB"
    print(f"300 MB upload: worker peak RSS {before >> 20} -> {peak_rss(pid) >> 20} MiB")


def test_an_anonymous_upload_is_refused_before_its_body_is_read(server):
    # The head declares 100 MB and a first part of the body follows; nothing more is
    # sent: the 401 comes at once, from a request whose body was never waited for.
    live, _ = server
    import socket

    boundary = uuid.uuid4().hex
    with socket.create_connection(("127.0.0.1", live.port), timeout=20) as sock:
        sock.sendall(
            (
                f"POST /api/admin/media HTTP/1.1\r\nHost: x\r\n"
                f"Content-Type: multipart/form-data; boundary={boundary}\r\n"
                f"Content-Length: {100 * 1024 * 1024}\r\n\r\n"
            ).encode()
            + b"\0" * (128 * 1024)
        )
        answer = b""
        while b'"unauthenticated"' not in answer:
            chunk = sock.recv(4096)
            if not chunk:
                break
            answer += chunk
    assert answer.startswith(b"HTTP/1.1 401"), answer[:200]
    assert b'"unauthenticated"' in answer

"""Serving the WSGI app with gunicorn, configured in code.

gthread workers: each worker process runs `threads` threads; `timeout` kills a worker
stuck longer than that, and `keepalive` bounds idle connections. Every request is read
whole (head, then body up to CREATORFLIX_MAX_BODY_BYTES) in the worker's main loop before
a thread takes it (entrypoints/slow_clients.py), so a slow client holds no thread; a
client gets HEAD_TIMEOUT seconds for its head and BODY_TIMEOUT for its body. The head
timeout below still bounds a thread that reads a head itself (a TLS or HTTP/2
connection, which `creatorflix serve` never configures).
Kept over a server that buffers on its own (waitress) for gunicorn's arbiter: several
processes, a killed worker replaced, graceful stops, post-fork hooks (docs/deploy.md).
"""

from __future__ import annotations

import logging
import os
import socket
import time
from collections.abc import Callable
from typing import Any

from gunicorn import glogging
from gunicorn.app.base import BaseApplication
from gunicorn.workers.gthread import ThreadWorker

from domain.common.errors import ServiceUnavailable
from entrypoints import log_redaction
from entrypoints.slow_clients import BODY_TIMEOUT, RequestBufferingWorker

# Seconds a connection may take to send a whole request head (request line + headers).
HEAD_TIMEOUT = 10.0
# Seconds a booting worker waits for a database that does not answer (under gunicorn's
# 30 s worker timeout).
BOOT_WAIT_SECONDS = 20.0

log = logging.getLogger("creatorflix.serve")


class HeadTimeoutThreadWorker(ThreadWorker):
    """gunicorn's gthread worker, except that a connection gets `head_timeout` seconds,
    from the moment it is queued for a thread, to deliver its request head. Measured with
    gunicorn 27: eight connections sending partial headers held all four threads of a
    worker, and a normal request waited as long as they did (over 20 s).

    The main loop (which wakes at least once a second) shuts a late connection down,
    which ends its thread's blocked read. The deadline counts from queueing, so slow
    connections queued behind slow ones are dropped together rather than one batch of
    threads after another; a queued connection whose whole head is already buffered
    (a normal client waiting for a thread) is kept and served."""

    head_timeout = HEAD_TIMEOUT
    grace = 1.0  # a thread always gets this long with a connection it just took

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._deadlines: dict = {}  # connection -> deadline, until its head is in
        self._in_thread: set = set()

    def enqueue_req(self, conn):
        self._deadlines[conn] = time.monotonic() + self.head_timeout
        super().enqueue_req(conn)

    def handle(self, conn):
        self._deadlines[conn] = max(self._deadlines.get(conn, 0.0), time.monotonic() + self.grace)
        self._in_thread.add(conn)
        try:
            return super().handle(conn)
        finally:
            self._in_thread.discard(conn)
            self._deadlines.pop(conn, None)

    def handle_request(self, req, conn):
        self._deadlines.pop(conn, None)  # the head is in: the app may take its time
        return super().handle_request(req, conn)

    def murder_pending(self):
        super().murder_pending()
        now = time.monotonic()
        for conn, deadline in list(self._deadlines.items()):
            if deadline >= now or self._deadlines.get(conn) != deadline:
                continue
            if conn not in self._in_thread and _head_buffered(conn.sock):
                continue
            self._deadlines.pop(conn, None)
            try:
                conn.sock.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass  # already closed by its thread


def _head_buffered(sock) -> bool:
    """Whether a whole request head (or the end of the stream) waits unread on `sock`."""
    try:
        data = sock.recv(65536, socket.MSG_PEEK | socket.MSG_DONTWAIT)
    except OSError:  # nothing buffered (EAGAIN), or a broken socket
        return False
    return not data or b"\r\n\r\n" in data


class ServerWorker(RequestBufferingWorker, HeadTimeoutThreadWorker):
    """The worker of `creatorflix serve`: requests are buffered whole in the main loop
    before a thread takes them (entrypoints/slow_clients.py), and the head timeout
    above still bounds what a thread reads of a head too large to buffer."""

    body_timeout = BODY_TIMEOUT


class RedactingLogger(glogging.Logger):
    """gunicorn's logger, its access and error lines passed through the filter that
    blanks secret query parameters (entrypoints/log_redaction.py)."""

    def setup(self, cfg) -> None:
        super().setup(cfg)
        log_redaction.install(self.error_log, self.access_log)


class _Gunicorn(BaseApplication):
    def __init__(self, options: dict):
        self.options = options
        super().__init__()

    def load_config(self) -> None:
        for key, value in self.options.items():
            self.cfg.set(key, value)

    def load(self):
        from entrypoints.http.app import get_app

        return when_the_database_answers(get_app)


def when_the_database_answers(
    load: Callable[[], Any], seconds: float = BOOT_WAIT_SECONDS, pause: float = 1.0
) -> Any:
    """`load()`, tried again while it fails because the database does not answer, for up
    to `seconds`. gunicorn stops the whole server when a worker fails to boot, so a
    worker replacing a killed one while the database restarts took every other worker
    down with it (found by tests/integration/test_deployment_drill.py)."""
    deadline = time.monotonic() + seconds
    while True:
        try:
            return load()
        except ServiceUnavailable as exc:
            if time.monotonic() + pause > deadline:
                raise
            log.warning("%s: this worker waits for it before serving", exc.message)
            time.sleep(pause)


def _start_mail_worker(worker) -> None:
    """gunicorn's post_worker_init hook: each worker process, after the fork and once
    its app is loaded, starts its outbox delivery thread (a thread started before the
    fork would not survive it)."""
    deps = getattr(worker.wsgi, "deps", None)
    if deps is not None and deps.config.mail_worker:
        from entrypoints.mail_worker import MailWorker

        worker.creatorflix_mail = MailWorker(deps).start()


def _stop_mail_worker(server, worker) -> None:
    """gunicorn's worker_exit hook: let the delivery thread finish its message."""
    mail = getattr(worker, "creatorflix_mail", None)
    if mail is not None:
        mail.stop()


def _say_where(host: str, port: int):
    """gunicorn's when_ready hook: the URL the server answers on, in a line of its own
    (gunicorn's "Listening at:" names no address for our sockets)."""
    shown = f"[{host}]" if ":" in host else host

    def when_ready(server) -> None:
        server.log.info("CreatorFlix serving at http://%s:%d/", shown, port)

    return when_ready


def gunicorn_options(host: str, port: int, workers: int, threads: int) -> dict:
    return {
        "bind": f"{host}:{port}",
        "workers": workers,
        "worker_class": ServerWorker,
        "threads": threads,
        "timeout": 30,
        "graceful_timeout": 10,
        "keepalive": 5,
        # Without it, gthread workers race for connections and one often takes most of
        # them: measured with wrk -c8, bare-route throughput swung 2.7k-9k req/s between
        # runs; with SO_REUSEPORT it stays within 6.8k-9k.
        "reuse_port": True,
        "limit_request_line": 8190,
        "accesslog": "-",
        # gunicorn's default line, plus the worker's pid; secrets in query strings are
        # blanked by RedactingLogger.
        "access_log_format": '%(h)s %(l)s %(u)s %(t)s "%(r)s" %(s)s %(b)s "%(f)s" "%(a)s" %(p)s',
        "logger_class": RedactingLogger,
        "post_worker_init": _start_mail_worker,
        "worker_exit": _stop_mail_worker,
        "when_ready": _say_where(host, port),
    }


def serve(
    host: str = "127.0.0.1",
    port: int = 8000,
    workers: int = 2,
    threads: int = 4,
    head_timeout: float = HEAD_TIMEOUT,
    body_timeout: float = BODY_TIMEOUT,
) -> None:
    HeadTimeoutThreadWorker.head_timeout = head_timeout  # inherited by the forked workers
    # Gateway calls may hold half the threads at most (the other half serves the cheap
    # routes during a gateway stall), unless CREATORFLIX_GATEWAY_CONCURRENCY says.
    os.environ.setdefault("CREATORFLIX_GATEWAY_CONCURRENCY", str(max(1, threads // 2)))
    ServerWorker.body_timeout = body_timeout
    _Gunicorn(gunicorn_options(host, port, workers, threads)).run()

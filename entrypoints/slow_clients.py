"""Slow clients kept away from gunicorn's threads (`creatorflix serve`; see server.py).

gthread hands a connection to a thread as soon as it is readable, and the thread then
blocks reading the request. A client that sends a head and part of a body, then stalls,
held a thread for as long as it liked: 16 such sockets held every thread and /health
answered nothing (issue 13); bodies over the old 64 KiB buffer still went to a thread,
so 8 sockets declaring 900 kB took the site down again (issue 20). So:

- Every request is buffered whole in the worker's main loop (as nginx does): a
  connection's bytes are read there, without blocking, until the whole request — head
  (at most HEAD_LIMIT bytes) and body (at most the app's CREATORFLIX_MAX_BODY_BYTES,
  Content-Length or chunked) — has arrived; only then does a thread get it, with the
  bytes handed to gunicorn's parser, so no thread ever reads a body from the socket.
  A request that is not whole within its total bound (HEAD_TIMEOUT for the head, then
  BODY_TIMEOUT for the body) is answered 408 and closed; one declaring or sending a body
  over the limit is answered 413 at once, one whose head passes HEAD_LIMIT 431; none of
  them ever held a thread. The
  bytes all connections of a worker may buffer are capped (BUFFER_BUDGET): past it a new
  body is answered 503 with Retry-After.
- `Expect: 100-continue` is answered by the main loop, which then buffers the body.
- A route may opt into streaming its body (an admin upload, authenticated before its
  body is read): list it in STREAMING_ROUTES (entrypoints/request_framing.py). Its
  connection goes to a thread once the head is in; the app authenticates, then reads
  through DeadlineBody, every read bounded by the time left until BODY_TIMEOUT after
  the head (past it the read fails, the app answers 408 and the connection is closed).
  Such a route must also cap how many of its requests run at once, so that uploads
  never hold every thread.

TLS and HTTP/2 prior-knowledge connections (never configured by `creatorflix serve`)
are left to gunicorn as they are."""

from __future__ import annotations

import selectors
import socket
import time
from functools import partial

from gunicorn.workers.gthread import ThreadWorker

from entrypoints.request_framing import (
    BODY,
    DEFAULT_BODY_LIMIT,
    HAND_OVER,
    HEAD,
    HEAD_TOO_LARGE,
    TOO_LARGE,
    WHOLE,
    Framing,
)
from entrypoints.streamed_bodies import DeadlineBody

# Seconds a client may take to send a request body once its head is in.
BODY_TIMEOUT = 10.0
# Seconds a connection answered by the main loop (408, 413, 503) is drained before closing.
LINGER = 2.0
# Bytes asked of the socket per read: larger buffers cost an mmap per call (measured:
# 256 KiB reads lost about 20% of a bare route's throughput).
RECV_SIZE = 64 * 1024
# The most one worker buffers for all its connections at once (1 MiB x 64).
BUFFER_BUDGET = 64 * 1024 * 1024


def _error_response(
    status: bytes, code: bytes, message: bytes, extra: bytes = b"", field: bytes = b""
) -> bytes:
    """A whole answer in the app's error shape (entrypoints/http/errors.py), closing."""
    named = b',"field":"' + field + b'"' if field else b""
    body = b'{"error":{"code":"' + code + b'","message":"' + message + b'"' + named + b"}}"
    return (
        b"HTTP/1.1 "
        + status
        + b"\r\nConnection: close\r\n"
        + extra
        + b"Content-Type: application/json\r\nContent-Length: "
        + str(len(body)).encode()
        + b"\r\n\r\n"
        + body
    )


TIMEOUT_RESPONSE = _error_response(
    b"408 Request Timeout", b"request_timeout", b"the request did not arrive in time"
)
TOO_LARGE_RESPONSE = _error_response(
    b"413 Payload Too Large", b"payload_too_large", b"the request body is too large", field=b"body"
)
HEAD_TOO_LARGE_RESPONSE = _error_response(
    b"431 Request Header Fields Too Large",
    b"request_header_fields_too_large",
    b"the request head is too large",
)
BUSY_RESPONSE = _error_response(
    b"503 Service Unavailable",
    b"unavailable",
    b"the server is busy; try again shortly",
    b"Retry-After: 5\r\n",
)
CONTINUE = b"HTTP/1.1 100 Continue\r\n\r\n"


class Pending:
    """A connection the main loop is buffering: its bytes, their framing, its deadline."""

    __slots__ = ("data", "framing", "deadline", "state", "continued")

    def __init__(self, body_limit: int, deadline: float):
        self.data = bytearray()
        self.framing = Framing(body_limit)
        self.deadline = deadline
        self.state = HEAD
        self.continued = False  # `100 Continue` sent


class RequestBufferingWorker(ThreadWorker):
    """gunicorn's gthread worker, buffering each request in the main loop until it is
    whole before a thread takes it (see the module docstring). Cooperative: combine it
    with other ThreadWorker subclasses (server.py puts it before the head timeout's).
    `head_timeout` and `body_timeout` are in seconds."""

    head_timeout: float
    body_timeout: float = BODY_TIMEOUT
    buffer_budget: int = BUFFER_BUDGET

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._buffering: dict = {}  # connection -> Pending
        self._buffered = 0  # bytes held in self._buffering
        self._lingering: dict = {}  # connection -> when to close it, answered

    def body_limit(self) -> int:
        """The largest body a route of the app takes: CREATORFLIX_MAX_BODY_BYTES, or
        more for an ID photo (the app's `largest_body`; each route then applies its own
        limit). Read once the app is loaded."""
        largest = getattr(self.wsgi, "largest_body", None)
        if isinstance(largest, int):
            return largest
        config = getattr(getattr(self.wsgi, "deps", None), "config", None)
        return getattr(config, "max_body_bytes", DEFAULT_BODY_LIMIT)

    # -- main loop -------------------------------------------------------------------
    def enqueue_req(self, conn):
        if self._can_buffer(conn):
            self._buffering[conn] = Pending(self.body_limit(), time.monotonic() + self.head_timeout)
            conn.sock.setblocking(False)
            self._read_available(conn, registered=False)
        else:
            super().enqueue_req(conn)

    def _can_buffer(self, conn) -> bool:
        from gunicorn.http2 import negotiation

        if self.cfg.is_ssl or conn.is_http2 or conn in self._buffering:
            return False
        if conn.parser is not None:  # kept alive: only when nothing is read ahead
            return not conn.parser.unreader.buf.getvalue()
        return not negotiation.prior_knowledge_allowed(self.cfg, conn.client)

    def _on_readable(self, conn, _sock) -> None:
        self._read_available(conn, registered=True)

    def _read_available(self, conn, registered: bool) -> None:
        pending: Pending = self._buffering[conn]
        data, ended = pending.data, False
        before = len(data)
        try:
            while True:
                chunk = conn.sock.recv(RECV_SIZE)
                if not chunk:
                    ended = True
                    break
                data.extend(chunk)
                if len(data) - before >= 1024 * 1024:
                    break  # let other connections have their turn
        except (BlockingIOError, InterruptedError):
            pass
        except OSError:
            ended = True
        self._buffered += len(data) - before
        state = pending.framing.state(data) if data else HEAD
        if state == BODY and pending.state == HEAD:  # the head is in: the body's bound now
            pending.deadline = time.monotonic() + self.body_timeout
        pending.state = state
        if state == BODY and pending.framing.expects_continue and not pending.continued:
            pending.continued = True  # the client waits for it before sending its body
            self._send(conn, CONTINUE)
        if ended and not data:
            self._drop(conn, registered)  # closed before sending anything
        elif state == TOO_LARGE:
            self._drop(conn, registered, TOO_LARGE_RESPONSE)
        elif state == HEAD_TOO_LARGE:
            self._drop(conn, registered, HEAD_TOO_LARGE_RESPONSE)
        elif ended or state in (WHOLE, HAND_OVER):
            self._hand_over(conn, registered, whole=state == WHOLE)
        elif state == BODY and self._buffered > self.buffer_budget:
            self._drop(conn, registered, BUSY_RESPONSE)
        elif not registered:
            self.poller.register(conn.sock, selectors.EVENT_READ, partial(self._on_readable, conn))

    def _hand_over(self, conn, registered: bool, whole: bool) -> None:
        pending: Pending = self._forget(conn, registered)
        data, framing = pending.data, pending.framing
        if whole:
            if len(data) > framing.end:
                # Pipelined bytes after the request: a thread must never read a body,
                # so this answer closes the connection and the client sends them again.
                conn.cf_close_after = True
                del data[framing.end :]
            if framing.expects_continue:  # answered already: gunicorn must not again
                data[: framing.head_end] = _without_expect(bytes(data[: framing.head_end]))
        conn.cf_prebuffer = bytes(data)
        conn.data_ready = True  # no waiting for data: it is all here
        if whole:  # nothing left to wait for: no head deadline either
            ThreadWorker.enqueue_req(self, conn)
        else:
            super().enqueue_req(conn)

    def _forget(self, conn, registered: bool) -> Pending:
        pending: Pending = self._buffering.pop(conn)
        self._buffered -= len(pending.data)
        if registered:
            self._unregister(conn)
        return pending

    def _drop(self, conn, registered: bool, answer: bytes = b"") -> None:
        """Forget a connection the loop is buffering, after a last answer: then, as
        RFC 9112 section 9.6 asks, stop writing and discard what the client still sends
        for up to LINGER seconds (closing on unread data would reset the connection and
        could destroy the answer before the client reads it)."""
        if conn in self._buffering:
            self._forget(conn, registered)
        if not answer:
            self.nr_conns -= 1
            conn.close()
            return
        self._send(conn, answer)
        try:
            conn.sock.shutdown(socket.SHUT_WR)
        except OSError:
            self.nr_conns -= 1
            conn.close()
            return
        self._lingering[conn] = time.monotonic() + LINGER
        self.poller.register(conn.sock, selectors.EVENT_READ, partial(self._on_linger, conn))

    def _on_linger(self, conn, _sock) -> None:
        try:
            for _ in range(16):  # at most 1 MiB a turn: others have theirs
                if not conn.sock.recv(RECV_SIZE):
                    break  # the client closed its side
            else:
                return
        except (BlockingIOError, InterruptedError):
            return  # more may come: keep discarding
        except OSError:
            pass  # broken: nothing more to wait for
        self._end_linger(conn)

    def _end_linger(self, conn) -> None:
        if self._lingering.pop(conn, None) is not None:
            self._unregister(conn)
            self.nr_conns -= 1
            conn.close()

    @staticmethod
    def _send(conn, data: bytes) -> None:
        """A short answer on a non-blocking socket: it fits the kernel's buffer."""
        try:
            conn.sock.send(data)
        except OSError:
            pass

    def _unregister(self, conn) -> None:
        try:
            self.poller.unregister(conn.sock)
        except (OSError, KeyError, ValueError):
            pass

    def murder_pending(self):
        super().murder_pending()
        now = time.monotonic()
        for conn, pending in list(self._buffering.items()):
            if pending.deadline < now:
                self._drop(conn, registered=True, answer=TIMEOUT_RESPONSE)
        for conn, deadline in list(self._lingering.items()):
            if deadline < now:
                self._end_linger(conn)

    # -- in the thread -----------------------------------------------------------------
    def handle(self, conn):
        prebuffer = getattr(conn, "cf_prebuffer", None)
        if prebuffer is not None:
            conn.cf_prebuffer = None
            conn.sock.setblocking(True)
            conn.init()  # creates the parser (idempotent)
            conn.parser.unreader.unread(prebuffer)
        return super().handle(conn)

    def handle_request(self, req, conn):
        body = getattr(req, "body", None)
        if body is not None:
            req.body = DeadlineBody(body, conn.sock, time.monotonic() + self.body_timeout)
        keepalive = super().handle_request(req, conn)
        if getattr(conn, "cf_close_after", False):
            conn.cf_close_after = False
            return False
        return keepalive and not (body is not None and req.body.timed_out)


def _without_expect(head: bytes) -> bytes:
    """A request head without its `Expect: 100-continue` line."""
    lines = head.split(b"\r\n")
    kept = [line for line in lines if line.partition(b":")[0].strip().lower() != b"expect"]
    return b"\r\n".join(kept)

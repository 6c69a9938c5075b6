"""Slow clients kept away from gunicorn's threads (`creatorflix serve`; see server.py).

gthread hands a connection to a thread as soon as it is readable, and the thread then
blocks reading the request. A client that sends a head and part of a body, then stalls,
held a thread for as long as it liked: 16 such sockets held every thread and /health
answered nothing (issue 13). Two defences:

- Request buffering in the worker's main loop (as nginx does): a connection's bytes are
  read there, without blocking, until a whole request (head and body, up to
  BUFFER_LIMIT bytes) has arrived; only then does a thread get it, with the bytes handed
  to gunicorn's parser. A request that is not whole within its bounds — HEAD_TIMEOUT for
  the head, then BODY_TIMEOUT for the body — is answered 408 and closed, having never
  held a thread.
- A deadline on what a thread still reads itself (a body over BUFFER_LIMIT, or one the
  client sends only after `Expect: 100-continue`): every read is bounded by the time
  left until BODY_TIMEOUT after the head; past it the read fails (the app answers 408)
  and the connection is closed.

TLS and HTTP/2 prior-knowledge connections (never configured by `creatorflix serve`)
are left to gunicorn as they are."""
from __future__ import annotations

import selectors
import socket
import time
from functools import partial

from gunicorn.workers.gthread import ThreadWorker

# Seconds a client may take to send a request body once its head is in.
BODY_TIMEOUT = 10.0
# The most the main loop buffers per connection before handing it to a thread.
BUFFER_LIMIT = 64 * 1024
def _timeout_response() -> bytes:
    body = (b'{"error":{"code":"request_timeout","message":'
            b'"the request did not arrive in time"}}')
    return (b"HTTP/1.1 408 Request Timeout\r\nConnection: close\r\n"
            b"Content-Type: application/json\r\nContent-Length: "
            + str(len(body)).encode() + b"\r\n\r\n" + body)


TIMEOUT_RESPONSE = _timeout_response()

HEAD, BODY, WHOLE, HAND_OVER = "head", "body", "whole", "hand over"


def request_state(data: bytes, limit: int = BUFFER_LIMIT) -> str:
    """Where the buffered bytes of a connection stand: HEAD (the head is incomplete),
    BODY (the head is in, the body is not), WHOLE (a whole request), or HAND_OVER (let
    a thread deal with it: too large to buffer, malformed, or waiting for a
    `100 Continue` only the thread sends)."""
    end = data.find(b"\r\n\r\n")
    if end < 0:
        return HAND_OVER if len(data) >= limit else HEAD
    length, chunked = 0, False
    for line in data[:end].split(b"\r\n")[1:]:
        name, _, value = line.partition(b":")
        name, value = name.strip().lower(), value.strip().lower()
        if name == b"content-length":
            if not value.isdigit():
                return HAND_OVER          # gunicorn answers 400
            length = int(value)
        elif name == b"transfer-encoding":
            chunked = chunked or b"chunked" in value
        elif name == b"expect" and value == b"100-continue":
            return HAND_OVER
    body = data[end + 4:]
    if chunked:
        if body.startswith(b"0\r\n") or b"\r\n0\r\n" in body:
            return WHOLE if body.endswith(b"\r\n\r\n") else BODY
        return HAND_OVER if len(data) >= limit else BODY
    if len(body) >= length:
        return WHOLE
    return HAND_OVER if len(data) >= limit else BODY


class DeadlineBody:
    """gunicorn's request body with every read bounded by what is left until
    `deadline` (time.monotonic()): past it a read raises TimeoutError, `failed` is set
    (gunicorn then closes the connection) and so is `timed_out`."""

    def __init__(self, body, sock, deadline: float):
        self.body, self.sock, self.deadline = body, sock, deadline
        self.timed_out = False

    @property
    def failed(self) -> bool:
        return self.timed_out or getattr(self.body, "failed", False)

    def _bounded(self, read, *args):
        remaining = self.deadline - time.monotonic()
        if remaining <= 0:
            self.timed_out = True
            raise TimeoutError("the request body did not arrive in time")
        previous = self.sock.gettimeout()
        self.sock.settimeout(remaining)
        try:
            return read(*args)
        except (socket.timeout, TimeoutError):
            self.timed_out = True
            raise TimeoutError("the request body did not arrive in time") from None
        finally:
            try:
                self.sock.settimeout(previous)
            except OSError:
                pass

    def read(self, size=None):
        return self._bounded(self.body.read, size)

    def readline(self, size=None):
        return self._bounded(self.body.readline, size)

    def readlines(self, size=None):
        return self._bounded(self.body.readlines, size)

    def __iter__(self):
        return self

    def __next__(self):
        line = self.readline()
        if not line:
            raise StopIteration()
        return line


class RequestBufferingWorker(ThreadWorker):
    """gunicorn's gthread worker, buffering each request in the main loop until it is
    whole before a thread takes it (see the module docstring). Cooperative: combine it
    with other ThreadWorker subclasses (server.py puts it before the head timeout's).
    `head_timeout` and `body_timeout` are in seconds."""

    head_timeout: float
    body_timeout: float = BODY_TIMEOUT

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._buffering: dict = {}      # connection -> (bytearray, deadline, state)

    # -- main loop -------------------------------------------------------------------
    def enqueue_req(self, conn):
        if self._can_buffer(conn):
            self._buffering[conn] = (bytearray(), time.monotonic() + self.head_timeout, HEAD)
            conn.sock.setblocking(False)
            self._read_available(conn, registered=False)
        else:
            super().enqueue_req(conn)

    def _can_buffer(self, conn) -> bool:
        from gunicorn.http2 import negotiation
        if self.cfg.is_ssl or conn.is_http2 or conn in self._buffering:
            return False
        if conn.parser is not None:     # kept alive: only when nothing is read ahead
            return not conn.parser.unreader.buf.getvalue()
        return not negotiation.prior_knowledge_allowed(self.cfg, conn.client)

    def _on_readable(self, conn, _sock) -> None:
        self._read_available(conn, registered=True)

    def _read_available(self, conn, registered: bool) -> None:
        data, deadline, state = self._buffering[conn]
        ended = False
        try:
            while len(data) < BUFFER_LIMIT:
                chunk = conn.sock.recv(BUFFER_LIMIT - len(data) + 1)
                if not chunk:
                    ended = True
                    break
                data.extend(chunk)
        except (BlockingIOError, InterruptedError):
            pass
        except OSError:
            ended = True
        new_state = request_state(bytes(data)) if data else HEAD
        if new_state == BODY and state == HEAD:   # the head is in: the body's bound now
            deadline = time.monotonic() + self.body_timeout
        self._buffering[conn] = (data, deadline, new_state)
        if ended and not data:
            self._drop(conn, registered)               # closed before sending anything
        elif ended or new_state in (WHOLE, HAND_OVER):
            self._hand_over(conn, registered, whole=new_state == WHOLE)
        elif not registered:
            self.poller.register(conn.sock, selectors.EVENT_READ,
                                 partial(self._on_readable, conn))

    def _hand_over(self, conn, registered: bool, whole: bool) -> None:
        data, _, _ = self._buffering.pop(conn)
        if registered:
            self._unregister(conn)
        conn.cf_prebuffer = bytes(data)
        conn.data_ready = True          # no waiting for data: it is all here
        if whole:   # nothing left to wait for: no head deadline either
            ThreadWorker.enqueue_req(self, conn)
        else:
            super().enqueue_req(conn)

    def _drop(self, conn, registered: bool, answer: bytes = b"") -> None:
        self._buffering.pop(conn, None)
        if registered:
            self._unregister(conn)
        if answer:
            try:
                conn.sock.send(answer)
            except OSError:
                pass
        self.nr_conns -= 1
        conn.close()

    def _unregister(self, conn) -> None:
        try:
            self.poller.unregister(conn.sock)
        except (OSError, KeyError, ValueError):
            pass

    def murder_pending(self):
        super().murder_pending()
        now = time.monotonic()
        for conn, (_, deadline, _) in list(self._buffering.items()):
            if deadline < now:
                self._drop(conn, registered=True, answer=TIMEOUT_RESPONSE)

    # -- in the thread -----------------------------------------------------------------
    def handle(self, conn):
        prebuffer = getattr(conn, "cf_prebuffer", None)
        if prebuffer is not None:
            conn.cf_prebuffer = None
            conn.sock.setblocking(True)
            conn.init()                 # creates the parser (idempotent)
            conn.parser.unreader.unread(prebuffer)
        return super().handle(conn)

    def handle_request(self, req, conn):
        body = getattr(req, "body", None)
        if body is not None:
            req.body = DeadlineBody(body, conn.sock, time.monotonic() + self.body_timeout)
        keepalive = super().handle_request(req, conn)
        return keepalive and not (body is not None and req.body.timed_out)

"""A body a thread reads from the socket itself — a streaming route's (an admin upload,
authenticated before its body is read: entrypoints/request_framing.py STREAMING_ROUTES)
— read under one deadline, so a slow sender holds its thread a bounded time."""

from __future__ import annotations

import time


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
        except TimeoutError:
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

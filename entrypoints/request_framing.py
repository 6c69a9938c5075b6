"""The framing of an HTTP/1.1 request as its bytes arrive (entrypoints/slow_clients.py
buffers requests with it): where the head ends, how long the body is (Content-Length or
chunked), and whether the whole request is in. Pure: no sockets, no gunicorn."""

from __future__ import annotations

import re

# The largest request head the main loop buffers (gunicorn's own limits are smaller).
HEAD_LIMIT = 64 * 1024
# The body limit when the app does not say (its CREATORFLIX_MAX_BODY_BYTES default).
DEFAULT_BODY_LIMIT = 1024 * 1024
# Framing a chunked body may add to its content (chunk sizes, extensions, trailers).
CHUNKED_OVERHEAD = 64 * 1024
# (method, path pattern) of routes that read their own body in a thread:
# slow_clients.py says how they must behave. The media upload (entrypoints/http/
# media_admin.py: authenticated before its body is read, its own size limit, two at
# once per process, time earned as its bytes arrive).
STREAMING_ROUTES: tuple[tuple[bytes, re.Pattern[bytes]], ...] = (
    (b"POST", re.compile(rb"/api/admin/media/?")),
)

HEAD, BODY, WHOLE, TOO_LARGE, HAND_OVER = "head", "body", "whole", "too large", "hand over"
HEAD_TOO_LARGE = "head too large"


class Framing:
    """What the main loop knows of one request as its bytes arrive: where its head ends,
    how its body is framed, and (for a chunked body) how far it has been scanned, so
    that each new read is scanned once."""

    def __init__(
        self,
        body_limit: int = DEFAULT_BODY_LIMIT,
        streaming: tuple[tuple[bytes, re.Pattern[bytes]], ...] = STREAMING_ROUTES,
    ):
        self.body_limit, self.streaming = body_limit, streaming
        self.head_end = -1  # index just past the head's blank line
        self.method = self.target = b""
        self.length = 0
        self.chunked = self.expects_continue = self.malformed = False
        self.end = -1  # index just past the whole request, once known
        self._pos = 0  # chunked: where scanning resumes
        self._phase = "size"  # chunked: "size", "data" or "trailers"
        self._chunk = 0
        self._decoded = 0

    def state(self, data: bytes | bytearray) -> str:
        """HEAD (the head is incomplete), BODY (the head is in, the body is not), WHOLE
        (a whole request: data[:self.end]), TOO_LARGE (a body over the limit),
        HEAD_TOO_LARGE (no end of head within HEAD_LIMIT bytes), or HAND_OVER (let a
        thread deal with it: a malformed head, or a streaming route; the thread reads
        nothing more than the head)."""
        if self.head_end < 0:
            end = data.find(b"\r\n\r\n")
            if end < 0:
                return HEAD_TOO_LARGE if len(data) >= HEAD_LIMIT else HEAD
            self.head_end = end + 4
            self._read_head(bytes(data[:end]))
            self._pos = self.head_end
        if self.malformed or streams(self.method, self.target, self.streaming):
            return HAND_OVER
        if self.end >= 0:
            return WHOLE
        if self.chunked:
            return self._scan_chunks(data)
        if self.length > self.body_limit:
            return TOO_LARGE
        if len(data) - self.head_end >= self.length:
            self.end = self.head_end + self.length
            return WHOLE
        return BODY

    def _read_head(self, head: bytes) -> None:
        lines = head.split(b"\r\n")
        parts = lines[0].split(b" ")
        if len(parts) >= 2:
            self.method, self.target = parts[0], parts[1]
        for line in lines[1:]:
            name, _, value = line.partition(b":")
            name, value = name.strip().lower(), value.strip().lower()
            if name == b"content-length":
                if not value.isdigit():
                    self.malformed = True  # gunicorn answers 400
                else:
                    self.length = int(value)
            elif name == b"transfer-encoding":
                self.chunked = self.chunked or b"chunked" in value
            elif name == b"expect" and value == b"100-continue":
                self.expects_continue = True

    def _scan_chunks(self, data: bytes | bytearray) -> str:
        while True:
            if self._phase == "data":
                if len(data) < self._pos + self._chunk + 2:
                    break
                if data[self._pos + self._chunk : self._pos + self._chunk + 2] != b"\r\n":
                    self.malformed = True
                    return HAND_OVER
                self._pos += self._chunk + 2
                self._phase = "size"
                continue
            eol = data.find(b"\r\n", self._pos)
            if eol < 0:
                break
            line = bytes(data[self._pos : eol])
            self._pos = eol + 2
            if self._phase == "trailers":
                if not line:
                    self.end = self._pos
                    return WHOLE
                continue
            try:
                self._chunk = int(line.split(b";", 1)[0].strip(), 16)
            except ValueError:
                self.malformed = True
                return HAND_OVER
            self._decoded += self._chunk
            if self._decoded > self.body_limit:
                return TOO_LARGE
            self._phase = "data" if self._chunk else "trailers"
        if len(data) - self.head_end > self.body_limit + CHUNKED_OVERHEAD:
            return TOO_LARGE
        return BODY


def streams(
    method: bytes,
    target: bytes,
    routes: tuple[tuple[bytes, re.Pattern[bytes]], ...] = STREAMING_ROUTES,
) -> bool:
    """Whether the route of a request head reads its own body (STREAMING_ROUTES)."""
    if not routes:
        return False
    path = target.split(b"?", 1)[0]
    return any(method == m and pattern.fullmatch(path) for m, pattern in routes)


def request_state(data: bytes, body_limit: int = DEFAULT_BODY_LIMIT) -> str:
    """Where the buffered bytes of a request stand (Framing.state, read at once)."""
    return Framing(body_limit).state(data)

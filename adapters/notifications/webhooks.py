"""Standard Webhooks v1 over HTTP(S): signed with the `standardwebhooks` library, sent
to the address the SSRF guard checked (adapters.notifications.url_guard), with a
timeout, never following a redirect."""

from __future__ import annotations

import email.utils
import http.client
import socket
import ssl
import time
from collections.abc import Sequence
from datetime import UTC, datetime
from math import floor

from standardwebhooks.webhooks import Webhook

from adapters.notifications import url_guard
from domain.common.errors import ValidationError
from domain.notifications.entities import EXCERPT_CHARS, SendOutcome

USER_AGENT = "CreatorFlix-Webhooks/1"
MAX_READ = 64 * 1024  # of an answer, only the start is kept


class _PinnedHTTPConnection(http.client.HTTPConnection):
    """Connects to `address` (checked), while Host names the URL's host."""

    def __init__(self, host: str, port: int, address: str, timeout: float):
        super().__init__(host, port, timeout=timeout)
        self._address = address

    def connect(self) -> None:
        self.sock = socket.create_connection((self._address, self.port), self.timeout)


class _PinnedHTTPSConnection(http.client.HTTPSConnection):
    """As above, over TLS verified for the URL's host name (SNI too)."""

    def __init__(self, host: str, port: int, address: str, timeout: float, context: ssl.SSLContext):
        super().__init__(host, port, timeout=timeout, context=context)
        self._address = address
        self._tls = context

    def connect(self) -> None:
        sock = socket.create_connection((self._address, self.port), self.timeout)
        self.sock = self._tls.wrap_socket(sock, server_hostname=self.host)


def signature(secrets: Sequence[str], message_id: str, timestamp: datetime, body: str) -> str:
    """The `webhook-signature` header: one `v1,<base64>` per secret, space-separated."""
    return " ".join(Webhook(secret).sign(message_id, timestamp, body) for secret in secrets)


def retry_after_seconds(value: str | None, now: float) -> int | None:
    """Retry-After as seconds (delta-seconds or an HTTP date), None when absent/bad."""
    if not value:
        return None
    text = value.strip()
    if text.isdigit():
        return int(text)
    try:
        when = email.utils.parsedate_to_datetime(text)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0, int(when.timestamp() - now))


class HttpWebhookTransport:
    """The WebhookTransport port (ports.notifications)."""

    def __init__(
        self,
        *,
        allow_private: bool = False,
        timeout: float = 15.0,
        tls: ssl.SSLContext | None = None,
    ):
        self.allow_private = allow_private
        self.timeout = timeout
        self.tls = tls or ssl.create_default_context()

    def check_url(self, url: str) -> None:
        url_guard.resolve(url, allow_private=self.allow_private)

    def _connection(self, target: url_guard.Target) -> http.client.HTTPConnection:
        address = target.addresses[0]
        if target.scheme == "https":
            return _PinnedHTTPSConnection(target.host, target.port, address, self.timeout, self.tls)
        return _PinnedHTTPConnection(target.host, target.port, address, self.timeout)

    def post(
        self, url: str, secrets: Sequence[str], message_id: str, timestamp: datetime, body: str
    ) -> SendOutcome:
        try:
            target = url_guard.resolve(url, allow_private=self.allow_private)
        except ValidationError as refused:
            return SendOutcome(status_code=None, error=refused.message, refused=True)
        payload = body.encode("utf-8")
        headers = {
            "Content-Type": "application/json",
            "User-Agent": USER_AGENT,
            "webhook-id": message_id,
            "webhook-timestamp": str(floor(timestamp.replace(tzinfo=UTC).timestamp())),
            "webhook-signature": signature(secrets, message_id, timestamp, payload.decode()),
        }
        started = time.monotonic()
        connection = self._connection(target)
        try:
            connection.request("POST", target.path, body=payload, headers=headers)
            answer = connection.getresponse()
            excerpt = _read_start(answer, started + self.timeout).decode("utf-8", "replace")[
                :EXCERPT_CHARS
            ]
            return SendOutcome(
                status_code=answer.status,
                duration_ms=_ms(started),
                excerpt=excerpt,
                retry_after=retry_after_seconds(answer.getheader("Retry-After"), time.time()),
                error=None if 200 <= answer.status < 300 else f"HTTP {answer.status}",
            )
        except (OSError, http.client.HTTPException) as failure:
            kind = "timed out" if isinstance(failure, TimeoutError) else "failed"
            return SendOutcome(
                status_code=None,
                duration_ms=_ms(started),
                error=f"{kind}: {type(failure).__name__}: {failure}"[:500],
            )
        finally:
            connection.close()


def _read_start(answer: http.client.HTTPResponse, deadline: float) -> bytes:
    """The start of the answer's body: at most MAX_READ bytes, and no more once the
    deadline passed (a receiver trickling its answer cannot hold the worker)."""
    chunks: list[bytes] = []
    size = 0
    while size < MAX_READ and time.monotonic() < deadline:
        chunk = answer.read1(min(4096, MAX_READ - size))
        if not chunk:
            break
        chunks.append(chunk)
        size += len(chunk)
    return b"".join(chunks)


def _ms(started: float) -> int:
    return int((time.monotonic() - started) * 1000)

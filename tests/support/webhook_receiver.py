"""Loopback receivers for notifications, each a real HTTP server on 127.0.0.1 (port 0)
in a thread:

- WebhookReceiver: records every POST (headers, raw body), verifies its Standard
  Webhooks signature with the `standardwebhooks` library against each secret it is told
  (`secrets`), and answers from a script of (status, headers, delay) — then 200, or
  `first_answer` to the first attempt of each message and 200 to the others.
- TelegramBotApi: the Bot API's sendMessage at /bot<token>/sendMessage, recording the
  token, chat id and text.
"""

from __future__ import annotations

import json
import ssl
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from attrs import define, field
from standardwebhooks import Webhook
from standardwebhooks.webhooks import WebhookVerificationError


@define
class Received:
    path: str
    headers: dict[str, str]
    body: bytes
    verified_by: list[str] = field(factory=list)  # the secrets whose signature matched

    @property
    def message_id(self) -> str:
        return self.headers.get("webhook-id", "")

    def json(self) -> Any:
        return json.loads(self.body)


class _Server(ThreadingHTTPServer):
    daemon_threads = True


class _LoopbackServer:
    def __init__(self, tls: tuple[Path, Path] | None = None) -> None:
        owner = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args) -> None:
                pass

            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length)
                status, headers, reply = owner.handle(self.path, dict(self.headers.items()), body)
                self.send_response(status)
                for name, value in headers.items():
                    self.send_header(name, value)
                payload = reply.encode()
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

        self.lock = threading.Lock()
        self._server = _Server(("127.0.0.1", 0), Handler)
        self.scheme = "http"
        if tls is not None:  # (certificate, key): serve https
            context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
            context.load_cert_chain(*tls)
            self._server.socket = context.wrap_socket(self._server.socket, server_side=True)
            self.scheme = "https"
        self._thread = threading.Thread(
            target=self._server.serve_forever, args=(0.05,), daemon=True
        )
        self._thread.start()

    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"{self.scheme}://{host}:{port}"

    def handle(
        self, path: str, headers: dict[str, str], body: bytes
    ) -> tuple[int, dict[str, str], str]:
        raise NotImplementedError

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)


class WebhookReceiver(_LoopbackServer):
    def __init__(self, tls: tuple[Path, Path] | None = None) -> None:
        self.received: list[Received] = []
        self.script: list[tuple[int, dict[str, str], float]] = []
        self.secrets: list[str] = []
        self.first_answer: int | None = None  # the status of each message's 1st attempt
        super().__init__(tls)

    def answer(self, *statuses: int | tuple[int, dict[str, str], float]) -> None:
        """The next answers, in order (a status, or (status, headers, delay seconds))."""
        for item in statuses:
            self.script.append(item if isinstance(item, tuple) else (item, {}, 0.0))

    def handle(self, path, headers, body):
        lowered = {k.lower(): v for k, v in headers.items()}
        verified = []
        for secret in list(self.secrets):
            try:
                Webhook(secret).verify(body, lowered)
                verified.append(secret)
            except WebhookVerificationError:
                pass
        with self.lock:
            seen = any(r.message_id == lowered.get("webhook-id") for r in self.received)
            self.received.append(Received(path, lowered, body, verified))
            status, extra, delay = self.script.pop(0) if self.script else (200, {}, 0.0)
            if self.first_answer is not None and not self.script:
                status = 200 if seen else self.first_answer
        if delay:
            time.sleep(delay)
        return status, extra, json.dumps({"received": True})


class TelegramBotApi(_LoopbackServer):
    def __init__(self) -> None:
        self.messages: list[dict[str, Any]] = []
        super().__init__()

    def handle(self, path, headers, body):
        parts = path.strip("/").split("/")
        if len(parts) != 2 or not parts[0].startswith("bot") or parts[1] != "sendMessage":
            return 404, {}, json.dumps({"ok": False, "description": "Not Found"})
        sent = json.loads(body)
        with self.lock:
            self.messages.append(
                {"token": parts[0][3:], "chat_id": sent.get("chat_id"), "text": sent.get("text")}
            )
        return (
            200,
            {"Content-Type": "application/json"},
            json.dumps({"ok": True, "result": {"message_id": len(self.messages)}}),
        )

"""A Mailer that keeps what it is given (tests); it can be told to fail."""

from __future__ import annotations

import threading

from domain.mail.messages import MailError, OutboxMessage


class MemoryMailer:
    def __init__(self) -> None:
        self.sent: list[OutboxMessage] = []
        self.sender_names: list[str | None] = []  # the From display name of each
        self.failures: list[MailError] = []  # raised, in order, before sending again
        self._lock = threading.Lock()

    def send(self, message: OutboxMessage, sender_name: str | None = None) -> None:
        with self._lock:
            if self.failures:
                raise self.failures.pop(0)
            self.sent.append(message)
            self.sender_names.append(sender_name)

    def to(self, recipient: str, kind: str | None = None) -> list[OutboxMessage]:
        return [
            m for m in self.sent if m.recipient == recipient and (kind is None or m.kind == kind)
        ]

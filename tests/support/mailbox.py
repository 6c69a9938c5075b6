"""Reading the mail the app sends, in tests: deliver the outbox to a MemoryMailer and
pick messages and the links they carry."""

from __future__ import annotations

import re
from email import message_from_bytes, policy
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlsplit

from adapters.memory.mailer import MemoryMailer
from domain.mail.delivery import deliver_all
from domain.mail.messages import OutboxMessage

LINK = re.compile(r"https?://\S+")


class Mailbox:
    def __init__(self, deps):
        self.deps = deps
        self.mailer = MemoryMailer()

    def deliver(self) -> None:
        deliver_all(self.deps.uow, self.mailer, self.deps.clock)

    def messages(self, to: str, kind: str | None = None) -> list[OutboxMessage]:
        self.deliver()
        return self.mailer.to(to, kind)

    def last(self, to: str, kind: str) -> OutboxMessage:
        found = self.messages(to, kind)
        assert found, f"no {kind} mail to {to}: {[(m.recipient, m.kind) for m in self.mailer.sent]}"
        return found[-1]

    def token(self, to: str, kind: str, page: str = "") -> str:
        """The token of the link (to `page`) in the last `kind` mail to `to`."""
        return token_of(self.last(to, kind).text_body, page)


def links(text: str) -> list[str]:
    return LINK.findall(text)


def token_of(text: str, page: str = "", param: str = "token") -> str:
    for link in links(text):
        parts = urlsplit(link)
        if page in parts.path and param in parse_qs(parts.query):
            return unquote(parse_qs(parts.query)[param][0])
    raise AssertionError(f"no {page}?{param}= link in {text!r}")


def read_eml(path: Path):
    return message_from_bytes(path.read_bytes(), policy=policy.default)

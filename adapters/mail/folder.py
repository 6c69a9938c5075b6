"""The embedded default mailer: each message becomes an .eml file in a folder (open it
with any mail client), so running locally needs no mail server."""
from __future__ import annotations

import os
import re
from pathlib import Path

from adapters.mail.mime import build, named
from domain.mail.messages import MailError, OutboxMessage


class FolderMailer:
    def __init__(self, folder: Path, sender: str):
        self.folder = Path(folder)
        self.sender = sender

    def __repr__(self) -> str:
        return f"FolderMailer({str(self.folder)!r})"

    def path_of(self, message: OutboxMessage) -> Path:
        stamp = message.created_at.strftime("%Y%m%d-%H%M%S") if message.created_at else "0"
        kind = re.sub(r"[^a-z0-9_]", "_", message.kind)
        return self.folder / f"{stamp}-{message.id or 0:08d}-{kind}.eml"

    def send(self, message: OutboxMessage, sender_name: str | None = None) -> None:
        data = bytes(build(message, named(self.sender, sender_name)))
        target = self.path_of(message)
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            partial = target.with_suffix(".eml.part")
            partial.write_bytes(data)
            os.replace(partial, target)  # a reader never sees half a message
        except OSError as exc:
            raise MailError(f"cannot write {target}: {exc.strerror or exc}") from exc

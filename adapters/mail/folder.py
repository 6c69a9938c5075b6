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
            self.folder.mkdir(mode=0o700, parents=True, exist_ok=True)
            # The mails hold working reset, set-password and checkout links: only our
            # own user reads them (a folder an older version made 0755 is tightened).
            os.chmod(self.folder, 0o700)
            partial = target.with_suffix(".eml.part")
            fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
            with os.fdopen(fd, "wb") as out:
                os.fchmod(out.fileno(), 0o600)  # whatever the umask or an old .part
                out.write(data)
            os.replace(partial, target)  # a reader never sees half a message
        except OSError as exc:
            raise MailError(f"cannot write {target}: {exc.strerror or exc}") from exc

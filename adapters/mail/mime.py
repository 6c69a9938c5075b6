"""An outbox message as an RFC 5322 message: plain text and HTML alternatives, inline
images (PIX QR codes drawn as PNG with segno) related to the HTML by Content-ID."""

from __future__ import annotations

import hashlib
import io
from datetime import UTC
from email.message import EmailMessage
from email.utils import format_datetime, formataddr, make_msgid, parseaddr

import segno

from domain.mail.messages import INLINE_QR, OutboxMessage


def qr_png(text: str) -> bytes:
    out = io.BytesIO()
    segno.make(text, error="m").save(out, kind="png", scale=6, border=2)
    return out.getvalue()


def message_id(message: OutboxMessage, sender: str) -> str:
    """Stable per outbox row: a message re-sent after a crash carries the same id, so
    mail systems can drop the duplicate."""
    domain = parseaddr(sender)[1].rpartition("@")[2] or "creatorflix.local"
    if message.id is None:
        return make_msgid(domain=domain)
    seed = f"{message.id}:{message.created_at}:{message.recipient}".encode()
    return f"<outbox.{message.id}.{hashlib.sha256(seed).hexdigest()[:16]}@{domain}>"


def named(sender: str, display_name: str | None) -> str:
    """CREATORFLIX_MAIL_FROM's address under `display_name` (the brand's; the address
    stays the operator's, whose SPF and DKIM are set up for it)."""
    if not display_name:
        return sender
    return formataddr((display_name, parseaddr(sender)[1]))


def build(message: OutboxMessage, sender: str) -> EmailMessage:
    email = EmailMessage()
    # One line: a plan named with a line break must not become a header error.
    email["Subject"] = " ".join(message.subject.split())
    email["From"] = sender
    email["To"] = message.recipient
    if message.created_at is not None:
        email["Date"] = format_datetime(message.created_at.replace(tzinfo=UTC))
    email["Message-ID"] = message_id(message, sender)
    email["Auto-Submitted"] = "auto-generated"
    email.set_content(message.text_body)
    email.add_alternative(message.html_body, subtype="html")
    html_part = next(part for part in email.iter_parts() if part.get_content_type() == "text/html")
    for image in message.inline_images or []:
        if image.get("kind") == INLINE_QR:
            html_part.add_related(
                qr_png(str(image.get("data", ""))),
                "image",
                "png",
                cid=f"<{image['cid']}>",
                filename="pix-qrcode.png",
                disposition="inline",
            )
    return email

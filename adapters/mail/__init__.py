"""Mailers: SMTP (the standard library's smtplib) and a folder of .eml files (the
embedded default), chosen by CREATORFLIX_MAIL_URL."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import parse_qs, unquote, urlsplit

from ports.mail import Mailer

SCHEMES = ("smtp", "smtps", "file")
_TRUE = ("1", "true", "yes", "on")
_FALSE = ("0", "false", "no", "off")


def folder_of_mail_url(url: str) -> Path:
    """file://./outbox or file://outbox (relative to the working directory),
    file:///abs/dir or file://localhost/abs/dir."""
    parts = urlsplit(url)
    if parts.netloc in ("", "localhost"):
        path = unquote(parts.path)
    else:  # file://./outbox, file://outbox/sub
        path = unquote(parts.netloc + parts.path)
    if not path:
        raise ValueError("file:// needs a folder")
    return Path(path)


def check_mail_url(url: str) -> None:
    """ValueError naming what is wrong with `url`."""
    parts = urlsplit(url)
    if parts.scheme not in SCHEMES:
        raise ValueError(f"unknown scheme {parts.scheme!r} (expected smtp, smtps or file)")
    if parts.scheme == "file":
        folder_of_mail_url(url)
        return
    if not parts.hostname:
        raise ValueError("smtp:// and smtps:// need a host")
    _ = parts.port  # raises ValueError for a bad port
    for name, values in parse_qs(parts.query).items():
        if name not in ("starttls", "timeout"):
            raise ValueError(f"unknown option {name!r} (expected starttls, timeout)")
        if name == "starttls" and values[-1].lower() not in _TRUE + _FALSE:
            raise ValueError("starttls must be true or false")
        if name == "timeout" and not values[-1].isdigit():
            raise ValueError("timeout must be a number of seconds")


def mailer_from_url(url: str, sender: str) -> Mailer:
    from adapters.mail.folder import FolderMailer
    from adapters.mail.smtp import SmtpMailer

    check_mail_url(url)
    parts = urlsplit(url)
    if parts.scheme == "file":
        return FolderMailer(folder_of_mail_url(url), sender)
    query = {k: v[-1] for k, v in parse_qs(parts.query).items()}
    implicit_tls = parts.scheme == "smtps"
    return SmtpMailer(
        host=parts.hostname or "",
        port=parts.port or (465 if implicit_tls else 587),
        username=unquote(parts.username) if parts.username else None,
        password=unquote(parts.password) if parts.password else None,
        implicit_tls=implicit_tls,
        starttls=query.get("starttls", "false").lower() in _TRUE,
        sender=sender,
        timeout=float(query.get("timeout", "20")),
    )

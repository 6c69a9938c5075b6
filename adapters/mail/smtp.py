"""SMTP delivery on the standard library: implicit TLS (smtps, port 465), STARTTLS
(smtp with ?starttls=true, port 587) or plain (a relay on localhost), AUTH when the URL
has credentials. One connection per message: the outbox worker sends a few at a time."""

from __future__ import annotations

import smtplib
import ssl

from adapters.mail.mime import build, named
from domain.mail.messages import MailError, OutboxMessage


class SmtpMailer:
    def __init__(
        self,
        host: str,
        port: int,
        *,
        sender: str,
        username: str | None = None,
        password: str | None = None,
        implicit_tls: bool = False,
        starttls: bool = False,
        timeout: float = 20.0,
        tls_context: ssl.SSLContext | None = None,
    ):
        self.host, self.port = host, port
        self.sender = sender
        self.username, self._password = username, password
        self.implicit_tls, self.starttls = implicit_tls, starttls
        self.timeout = timeout
        self.tls_context = tls_context or ssl.create_default_context()

    def __repr__(self) -> str:  # never the password
        mode = "smtps" if self.implicit_tls else ("starttls" if self.starttls else "plain")
        return f"SmtpMailer({self.host}:{self.port}, {mode}, user={self.username!r})"

    def _connect(self) -> smtplib.SMTP:
        if self.implicit_tls:
            return smtplib.SMTP_SSL(
                self.host, self.port, timeout=self.timeout, context=self.tls_context
            )
        return smtplib.SMTP(self.host, self.port, timeout=self.timeout)

    def _authenticate(self, smtp: smtplib.SMTP) -> None:
        """AUTH PLAIN when offered (one exchange; smtplib's login() would go on to try
        every other mechanism after a refusal), else smtplib's choice."""
        smtp.ehlo_or_helo_if_needed()
        mechanisms = (smtp.esmtp_features.get("auth") or "").upper().split()
        if "PLAIN" in mechanisms:
            smtp.user, smtp.password = self.username or "", self._password or ""
            smtp.auth("PLAIN", smtp.auth_plain)
        else:
            smtp.login(self.username or "", self._password or "")

    def send(self, message: OutboxMessage, sender_name: str | None = None) -> None:
        email = build(message, named(self.sender, sender_name))
        try:
            with self._connect() as smtp:
                if self.starttls:
                    smtp.starttls(context=self.tls_context)
                if self.username:
                    self._authenticate(smtp)
                smtp.send_message(email)
        except smtplib.SMTPAuthenticationError as exc:
            # The operator's credentials: retried (with back-off) once they are fixed.
            raise MailError(f"SMTP authentication failed ({exc.smtp_code})") from None
        except smtplib.SMTPRecipientsRefused as exc:
            codes = [code for code, _ in exc.recipients.values()]
            raise MailError(
                f"recipient refused ({', '.join(map(str, codes))})",
                permanent=all(code >= 500 for code in codes),
            ) from None
        except smtplib.SMTPDataError as exc:
            raise MailError(
                f"message refused ({exc.smtp_code})", permanent=exc.smtp_code >= 500
            ) from None
        except (smtplib.SMTPException, OSError) as exc:
            raise MailError(f"SMTP server unavailable: {type(exc).__name__}: {exc}") from None

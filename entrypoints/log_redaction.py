"""No secret in any log line: one logging filter that blanks the values of secret query
parameters in every record — gunicorn's access log (its request line and referrer),
its error log, and every line of ours — installed on the handlers of the root logger
and of gunicorn's loggers.

SECRET_PARAMS is the one list of query parameters we treat as secret: the postback
`token`, the checkout `access_token`, the `sig` of signed media links, the OAuth `code`
and `state` of a callback, and any credential-like name a client or a gateway may put
in a URL. A URL that carries one keeps its shape: `?token=[redacted]&checkout=12`."""

from __future__ import annotations

import logging
import re
from urllib.parse import unquote_plus

SECRET_PARAMS = frozenset(
    {
        "token",
        "access_token",
        "refresh_token",
        "id_token",
        "sig",
        "signature",
        "code",
        "state",
        "password",
        "secret",
        "secret_key",
        "client_secret",
        "api_key",
        "apikey",
        "key_secret",
        "auth",
        "authorization",
        "session",
        "set_password_token",
        # the pt-BR links our mails carry: checkout access (PIX mail) and renewal prefill
        "acesso",
        "renovacao",
    }
)
REDACTED = "[redacted]"

# name=value in a query string: after ? & or ; up to the next & ; # space or quote.
_PARAM = re.compile(r"(?P<lead>[?&;])(?P<name>[^=&;#\s\"'?]{1,64})=(?P<value>[^&;#\s\"']*)")


def _secret_name(name: str) -> bool:
    return unquote_plus(name).strip().lower() in SECRET_PARAMS


def redact(text: str) -> str:
    """`text` with the value of every secret query parameter replaced by [redacted]."""
    if "=" not in text:
        return text
    return _PARAM.sub(
        lambda m: (
            f"{m['lead']}{m['name']}={REDACTED}"
            if m["value"] and _secret_name(m["name"])
            else m.group(0)
        ),
        text,
    )


class RedactSecrets(logging.Filter):
    """Rewrites each record's message (and its formatted traceback) with `redact`."""

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # noqa: BLE001 - a broken record is logging's to report
            return True
        cleaned = redact(message)
        if cleaned != message or record.args:
            record.msg, record.args = cleaned, None
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = redact(record.exc_text)
        if record.stack_info:
            record.stack_info = redact(record.stack_info)
        return True


_FILTER = RedactSecrets()


def install(*loggers: logging.Logger) -> None:
    """Put the filter on every handler of the root logger and of `loggers` (once)."""
    for logger in (logging.getLogger(), *loggers):
        for handler in logger.handlers:
            if not any(isinstance(f, RedactSecrets) for f in handler.filters):
                handler.addFilter(_FILTER)

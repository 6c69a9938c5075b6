"""The mail templates (adapters/mail/templates/<kind>/{subject.txt, body.txt, body.html},
one layout.html) rendered by Jinja2: HTML autoescaped, a missing value an error
(StrictUndefined), money and dates by Babel in pt-BR and the configured time zone."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from babel.dates import format_datetime, get_timezone_name
from babel.numbers import format_currency
from jinja2 import (
    Environment,
    FileSystemLoader,
    StrictUndefined,
    TemplateNotFound,
    UndefinedError,
    select_autoescape,
)

from domain.mail.messages import RenderedMail

TEMPLATES = Path(__file__).parent / "templates"
LOCALE = "pt_BR"
DEFAULT_TIMEZONE = "America/Sao_Paulo"
NONE = "—"


class JinjaMailRenderer:
    """ports.mail.MailRenderer. Stored datetimes are naive UTC; a person reads them in
    `timezone` (CREATORFLIX_TIMEZONE)."""

    def __init__(self, timezone: str = DEFAULT_TIMEZONE, folder: Path = TEMPLATES):
        self.zone = ZoneInfo(timezone)
        self.env = Environment(
            loader=FileSystemLoader(folder),
            autoescape=select_autoescape(["html"]),
            undefined=StrictUndefined,
            trim_blocks=True,
            lstrip_blocks=True,
            keep_trailing_newline=True,
        )
        self.env.filters.update(money=money, datetime=self.moment, date=self.day, until=self.until)

    def render(self, kind: str, values: Mapping[str, Any]) -> RenderedMail:
        try:
            subject = " ".join(self._render(kind, "subject.txt", values).split())
            text = self._render(kind, "body.txt", values)
            html = self._render(kind, "body.html", {**values, "subject": subject})
        except TemplateNotFound as missing:
            raise KeyError(f"no mail template {kind!r} ({missing})") from None
        except UndefinedError as missing:
            raise ValueError(f"mail {kind!r}: {missing}") from None
        return RenderedMail(subject=subject, text=text, html=html)

    def _render(self, kind: str, name: str, values: Mapping[str, Any]) -> str:
        if "/" in kind or kind.startswith("."):
            raise TemplateNotFound(kind)
        return self.env.get_template(f"{kind}/{name}").render(values)

    def local(self, moment: datetime) -> datetime:
        """A stored naive-UTC moment in the configured time zone."""
        aware = moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)
        return aware.astimezone(self.zone)

    def moment(self, moment: datetime | None) -> str:
        """01/03/2026 11:30 (Horário de Brasília)."""
        if moment is None:
            return NONE
        local = self.local(moment)
        return (
            format_datetime(local, "dd/MM/yyyy HH:mm", locale=LOCALE)
            + f" ({get_timezone_name(self.zone, locale=LOCALE)})"
        )

    def day(self, moment: datetime | None) -> str:
        """01/03/2026, the day in the configured time zone."""
        if moment is None:
            return NONE
        return format_datetime(self.local(moment), "dd/MM/yyyy", locale=LOCALE)

    def until(self, end: datetime | None) -> str:
        """The last day a period ending at `end` includes: a Pix Automático period ends
        at the local midnight after its due date, which is not a day of access."""
        return self.day(end - timedelta(microseconds=1) if end is not None else None)


def money(cents: int) -> str:
    """R$ 1.234,56 (Babel, pt-BR: a no-break space after R$)."""
    return format_currency(Decimal(cents) / 100, "BRL", locale=LOCALE)


@cache
def default_renderer() -> JinjaMailRenderer:
    """The renderer with the default time zone, for units of work built without one
    (tests, scripts); bootstrap gives the configured one."""
    return JinjaMailRenderer()

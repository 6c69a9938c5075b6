"""Declarative input validation: each field knows how to read a JSON value (and a query
string value) and refuses bad input with a ValidationError naming the field."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlsplit

from attrs import frozen

from domain.common.errors import ValidationError

_INT_MAX = 2**31 - 1
MIN_YEAR, MAX_YEAR = 1900, 9998  # both databases store these; no zone shift overflows


_DIGITS = re.compile(r"-?[0-9]{1,10}")


def parse_int(
    raw: str, name: str, *, minimum: int | None = None, maximum: int | None = None
) -> int:
    """The one reader of integers written as text (query strings, settings): ASCII
    digits only (int() would also take '٣' or '²'), at most 10, within the bounds."""
    text = raw.strip() if isinstance(raw, str) else ""
    if not _DIGITS.fullmatch(text):
        raise ValidationError(f"{name} must be an integer of at most 10 digits", field=name)
    return check_int_range(int(text), name, minimum, maximum)


def check_int_range(value: int, name: str, minimum: int | None, maximum: int | None) -> int:
    if minimum is not None and value < minimum:
        raise ValidationError(f"{name} must be at least {minimum}", field=name)
    if maximum is not None and value > maximum:
        raise ValidationError(f"{name} must be at most {maximum}", field=name)
    return value


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _storable(text: str) -> bool:
    """No NUL and no lone surrogate (JSON allows "\\ud800"; no database or UTF-8
    response can hold it)."""
    if "\x00" in text:
        return False
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


@frozen
class Field:
    """Base field. `required`: must be given on create; `nullable`: may be null."""

    required: bool = False
    nullable: bool = True
    description: str = ""

    def parse(self, value: Any, name: str) -> Any:
        raise NotImplementedError

    def parse_query(self, raw: str, name: str) -> Any:
        return self.parse(raw, name)

    def read(self, value: Any, name: str) -> Any:
        if value is None:
            if self.nullable and not self.required:
                return None
            raise ValidationError(f"{name} must not be null", field=name)
        return self.parse(value, name)


@frozen
class Text(Field):
    max_length: int = 255
    min_length: int = 0
    strip: bool = True
    normalize: Callable[[str, str], str] | None = None

    def parse(self, value: Any, name: str) -> str:
        if not isinstance(value, str):
            raise ValidationError(f"{name} must be a string", field=name)
        text = value.strip() if self.strip else value
        if self.required and not text:
            raise ValidationError(f"{name} must not be empty", field=name)
        if len(text) < self.min_length:
            raise ValidationError(
                f"{name} must have at least {self.min_length} characters", field=name
            )
        if len(text) > self.max_length:
            raise ValidationError(
                f"{name} must have at most {self.max_length} characters", field=name
            )
        if not _storable(text):
            raise ValidationError(
                f"{name} must not contain NUL characters or lone surrogates", field=name
            )
        return self.normalize(text, name) if self.normalize else text


@frozen
class Integer(Field):
    minimum: int | None = None
    maximum: int | None = _INT_MAX

    def parse(self, value: Any, name: str) -> int:
        if not _is_int(value):
            raise ValidationError(f"{name} must be an integer", field=name)
        return check_int_range(value, name, self.minimum, self.maximum)

    def parse_query(self, raw: str, name: str) -> int:
        return parse_int(raw, name, minimum=self.minimum, maximum=self.maximum)


@frozen
class Boolean(Field):
    def parse(self, value: Any, name: str) -> bool:
        if not isinstance(value, bool):
            raise ValidationError(f"{name} must be true or false", field=name)
        return value

    def parse_query(self, raw: str, name: str) -> bool:
        lowered = raw.strip().lower()
        if lowered in ("true", "1"):
            return True
        if lowered in ("false", "0"):
            return False
        raise ValidationError(f"{name} must be true or false", field=name)


@frozen
class Choice(Field):
    choices: tuple[str, ...] = ()

    def parse(self, value: Any, name: str) -> str:
        if not isinstance(value, str) or value not in self.choices:
            raise ValidationError(f"{name} must be one of: {', '.join(self.choices)}", field=name)
        return value


def check_http_url(text: str, name: str) -> str:
    try:
        parts = urlsplit(text)
        port_ok = parts.port != 0  # .port raises ValueError outside 0-65535
    except ValueError:  # e.g. "http://[" (an unclosed IPv6 literal)
        raise ValidationError(f"{name} must be an http(s) URL", field=name) from None
    # urlsplit silently drops tabs and newlines: refuse any whitespace or control char.
    if (
        parts.scheme not in ("http", "https")
        or not parts.hostname
        or not port_ok
        or any(c.isspace() or ord(c) < 32 or ord(c) == 127 for c in text)
    ):
        raise ValidationError(f"{name} must be an http(s) URL", field=name)
    return text


@frozen
class HttpUrl(Text):
    max_length: int = 2048

    def parse(self, value: Any, name: str) -> str:
        return check_http_url(super().parse(value, name), name)


@frozen
class StrList(Field):
    max_items: int = 50
    max_length: int = 255

    def parse(self, value: Any, name: str) -> list[str]:
        if not isinstance(value, list) or len(value) > self.max_items:
            raise ValidationError(
                f"{name} must be a list of at most {self.max_items} strings", field=name
            )
        items = []
        for item in value:
            if not isinstance(item, str) or len(item) > self.max_length or not _storable(item):
                raise ValidationError(
                    f"{name} must be a list of strings of at most {self.max_length} characters",
                    field=name,
                )
            items.append(item.strip())
        return items


@frozen
class IntList(Field):
    max_items: int = 50

    def parse(self, value: Any, name: str) -> list[int]:
        if (
            not isinstance(value, list)
            or len(value) > self.max_items
            or not all(_is_int(v) and 0 < v <= _INT_MAX for v in value)
        ):
            raise ValidationError(
                f"{name} must be a list of at most {self.max_items} positive integers", field=name
            )
        return list(value)


def parse_timestamp(value: Any, name: str) -> datetime:
    """ISO 8601 -> naive UTC. A value without a zone is taken as UTC."""
    if not isinstance(value, str) or len(value) > 40:
        raise ValidationError(f"{name} must be an ISO 8601 date-time", field=name)
    text = value.strip()
    if text.endswith(("Z", "z")):
        text = text[:-1] + "+00:00"
    try:
        parsed = datetime.fromisoformat(text)
        if parsed.tzinfo is not None:
            parsed = parsed.astimezone(UTC).replace(tzinfo=None)
    except (ValueError, OverflowError):  # OverflowError: year 1 or 9999 shifted by a zone
        raise ValidationError(f"{name} must be an ISO 8601 date-time", field=name) from None
    if not MIN_YEAR <= parsed.year <= MAX_YEAR:
        raise ValidationError(
            f"{name} must be between the years {MIN_YEAR} and {MAX_YEAR}", field=name
        )
    return parsed


@frozen
class Timestamp(Field):
    def parse(self, value: Any, name: str) -> datetime:
        return parse_timestamp(value, name)


def parse_fields(spec: Mapping[str, Field], data: Any, *, partial: bool) -> dict[str, Any]:
    """Validate a JSON object against `spec`. `partial` (PATCH) reads only the fields
    given; otherwise required fields must be present. Unknown fields are refused."""
    if not isinstance(data, dict):
        raise ValidationError("the request body must be a JSON object", field="body")
    for name in data:
        if name not in spec:
            raise ValidationError(
                f"unknown field {name!r}", field=str(name)[:100].encode("utf-8", "replace").decode()
            )
    values = {}
    for name, fld in spec.items():
        if name in data:
            values[name] = fld.read(data[name], name)
        elif fld.required and not partial:
            raise ValidationError(f"{name} is required", field=name)
    return values


def parse_query_filters(spec: Mapping[str, Field], params: Mapping[str, Any]) -> dict[str, Any]:
    """Read list filters from query parameters; parameters not in `spec` are left alone."""
    values = {}
    for name, fld in spec.items():
        raw = params.get(name)
        if raw is None or raw == "":
            continue
        if not isinstance(raw, str):
            raise ValidationError(f"{name} must be given once", field=name)
        values[name] = fld.parse_query(raw, name)
    return values

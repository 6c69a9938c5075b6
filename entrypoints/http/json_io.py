"""Reading JSON bodies and writing JSON responses."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Mapping
from datetime import date, datetime
from functools import partial
from typing import Any, TypeVar

import attrs
import falcon

from domain.common.errors import DomainError, ValidationError
from domain.common.fields import Field, parse_fields
from domain.common.pagination import Page


class PayloadTooLarge(DomainError):
    code = "payload_too_large"


class RequestTimeout(DomainError):
    """The body did not arrive within the server's bound (entrypoints/slow_clients.py)."""

    code = "request_timeout"


def _default(value: Any) -> Any:
    if isinstance(value, datetime):
        # Stored timestamps are naive UTC.
        return value.isoformat(timespec="seconds") + ("Z" if value.tzinfo is None else "")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, (set, frozenset, tuple)):
        return list(value)
    if attrs.has(type(value)) and hasattr(value, "as_json"):  # a value object (PaymentData)
        return value.as_json()
    raise TypeError(f"{type(value).__name__} is not JSON serialisable")


# ensure_ascii: a lone surrogate echoed from client input cannot be encoded as UTF-8;
# as an escape it is still valid JSON, never a 500.
dumps = partial(json.dumps, default=_default, ensure_ascii=True, separators=(",", ":"))
JSON_HANDLER = falcon.media.JSONHandler(dumps=dumps, loads=json.loads)


def read_json(req: falcon.Request, max_bytes: int, *, required: bool = True) -> Any:
    """The parsed JSON body. Empty body -> {} unless required; malformed -> 400;
    larger than `max_bytes` -> 413."""
    length = req.content_length
    if length is not None and length > max_bytes:
        raise PayloadTooLarge(f"the request body exceeds {max_bytes} bytes", field="body")
    try:
        if length is None and req.env.get("wsgi.input_terminated"):
            # A chunked body has no Content-Length, and Falcon's bounded_stream reads
            # nothing without one; a server that ends the input at the body's end
            # (gunicorn does) lets us read it, still bounded.
            raw = req.stream.read(max_bytes + 1)
        else:
            raw = req.bounded_stream.read(max_bytes + 1)
    except TimeoutError:
        raise RequestTimeout("the request body did not arrive in time", field="body") from None
    if len(raw) > max_bytes:
        raise PayloadTooLarge(f"the request body exceeds {max_bytes} bytes", field="body")
    if not raw.strip():
        if required:
            raise ValidationError("a JSON body is required", field="body", code="invalid_json")
        return {}
    try:
        body = json.loads(raw)
    except (ValueError, UnicodeDecodeError) as exc:
        raise ValidationError(f"malformed JSON: {exc}", field="body", code="invalid_json") from None
    except RecursionError:
        raise ValidationError(
            "malformed JSON: nested too deeply", field="body", code="invalid_json"
        ) from None
    req.context.json_body = body  # what the audit log records of an admin write
    return body


def to_json(entity: Any, exclude: Iterable[str] = ()) -> dict[str, Any]:
    """A frozen domain entity as a JSON-ready dict, minus `exclude` and minus the fields
    kept out of its repr (secrets, a saved card's reference): never serialised."""
    skip = set(exclude) | hidden_fields(type(entity))
    return {k: v for k, v in attrs.asdict(entity, recurse=False).items() if k not in skip}


def hidden_fields(cls: type) -> set[str]:
    """The attrs fields of `cls` declared repr=False: they never leave the server."""
    return {a.name for a in attrs.fields(cls) if a.repr is False}


def page_json(page: Page, serialize: Callable[[Any], dict]) -> dict[str, Any]:
    return {
        "data": [serialize(item) for item in page.items],
        "total": page.total,
        "page": page.page,
        "total_pages": page.total_pages,
    }


C = TypeVar("C")


def read_command(
    req: falcon.Request,
    max_bytes: int,
    command: Callable[..., C],
    spec: Mapping[str, Field],
    **extra: Any,
) -> C:
    """The JSON body read against `spec` (a 4xx naming the field otherwise) and turned
    into the use case's command; `extra` adds what the request says elsewhere (a path
    id, the caller)."""
    values = parse_fields(spec, read_json(req, max_bytes), partial=False)
    return command(**values, **extra)

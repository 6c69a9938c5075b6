"""JSON schemas derived from domain entities and field specs, for the route
declarations (and so for /openapi.json: openapi.py). A leaf of the HTTP package: it
imports no other module of it."""

from __future__ import annotations

import functools
import json
import re
import types
import typing
from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import Any

import attrs

from domain.common import fields as F

_CONVERTED = re.compile(r"\{(\w+)(?::(\w+))?(?:\([^)]*\))?\}")


def nullable(schema: dict) -> dict:
    return {**schema, "nullable": True}


def _type_schema(tp: Any) -> dict:
    origin = typing.get_origin(tp)
    args = [a for a in typing.get_args(tp) if a is not type(None)]
    if origin in (typing.Union, types.UnionType):
        inner = _type_schema(args[0]) if len(args) == 1 else {}
        return nullable(inner) if type(None) in typing.get_args(tp) else inner
    if tp is bool:
        return {"type": "boolean"}
    if tp is int:
        return {"type": "integer"}
    if tp is str or (isinstance(tp, type) and issubclass(tp, str)):  # and StrEnums
        return {"type": "string"}
    if tp is datetime:
        return {"type": "string", "format": "date-time"}
    if origin is list or tp is list:
        return {"type": "array", "items": _type_schema(args[0]) if args else {}}
    if origin is dict or tp is dict or hasattr(tp, "as_json"):  # e.g. PaymentData
        return {"type": "object"}
    return {}


@functools.cache
def _field_schemas(cls: type) -> tuple[tuple[str, str], ...]:
    """Each attrs field of `cls` and its schema as JSON text: resolving type hints is
    what costs (every app built, e.g. one per test, documents the same entities)."""
    hints = typing.get_type_hints(cls)
    # Fields kept out of the repr are never serialised (json_io.to_json).
    return tuple(
        (a.name, json.dumps(_type_schema(hints[a.name])))
        for a in attrs.fields(cls)
        if a.repr is not False
    )


def entity_schema(
    cls: type,
    exclude: Iterable[str] = (),
    extra: Mapping[str, dict] | None = None,
) -> dict:
    """The JSON schema of an entity as `to_json` serialises it (a fresh dict: callers
    may adjust it)."""
    skip = set(exclude)
    props = {name: json.loads(schema) for name, schema in _field_schemas(cls) if name not in skip}
    props.update(extra or {})
    return {"type": "object", "properties": props, "required": sorted(props)}


def field_schema(fld: F.Field) -> dict:
    if isinstance(fld, F.Choice):
        schema: dict = {"type": "string", "enum": list(fld.choices)}
    elif isinstance(fld, F.HttpUrl):
        schema = {"type": "string", "format": "uri", "maxLength": fld.max_length}
    elif isinstance(fld, F.Text):
        schema = {"type": "string", "maxLength": fld.max_length}
        pattern = getattr(fld, "pattern", None)  # e.g. a slug
        if pattern:
            schema["pattern"] = pattern
        if fld.required:
            schema["minLength"] = max(1, fld.min_length)
        elif fld.min_length:
            schema["minLength"] = fld.min_length
    elif isinstance(fld, F.Integer):
        schema = {"type": "integer"}
        if fld.minimum is not None:
            schema["minimum"] = fld.minimum
        if fld.maximum is not None:
            schema["maximum"] = fld.maximum
    elif isinstance(fld, F.Boolean):
        schema = {"type": "boolean"}
    elif isinstance(fld, F.StrList):
        schema = {
            "type": "array",
            "maxItems": fld.max_items,
            "items": {"type": "string", "maxLength": fld.max_length},
        }
    elif isinstance(fld, F.IntList):
        schema = {
            "type": "array",
            "maxItems": fld.max_items,
            "items": {"type": "integer", "minimum": 1, "maximum": 2**31 - 1},
        }
    elif isinstance(fld, F.Timestamp):
        schema = {"type": "string", "format": "date-time"}
    else:
        schema = {}
    if fld.description:
        schema["description"] = fld.description
    return nullable(schema) if fld.nullable and not fld.required else schema


def body_schema(spec: Mapping[str, F.Field], *, partial: bool = False) -> dict:
    """The JSON schema of a request body validated by `parse_fields(spec)`."""
    schema = {
        "type": "object",
        "additionalProperties": False,
        "properties": {name: field_schema(f) for name, f in spec.items()},
    }
    required = [name for name, f in spec.items() if f.required and not partial]
    if required:
        schema["required"] = required
    return schema


ERROR_SCHEMA: dict[str, Any] = {
    "type": "object",
    "required": ["error"],
    "properties": {
        "error": {
            "type": "object",
            "required": ["code", "message"],
            "properties": {
                "code": {"type": "string"},
                "message": {"type": "string"},
                "field": {"type": "string"},
            },
        }
    },
}

PAGE_PARAMS_SCHEMA = {"type": "integer", "minimum": 1, "maximum": 1000000}


def page_schema(item: dict) -> dict:
    return {
        "type": "object",
        "required": ["data", "total", "page", "total_pages"],
        "properties": {
            "data": {"type": "array", "items": item},
            "total": {"type": "integer"},
            "page": {"type": "integer"},
            "total_pages": {"type": "integer"},
        },
    }


def openapi_path(template: str) -> tuple[str, list[dict]]:
    """Falcon template -> OpenAPI path and its path parameters (fresh lists/dicts)."""
    path, params = _openapi_path(template)
    return path, json.loads(params)


@functools.cache
def _openapi_path(template: str) -> tuple[str, str]:
    params: list[dict] = []

    def repl(match: re.Match) -> str:
        name, converter = match.group(1), match.group(2)
        schema = (
            {"type": "integer", "minimum": 1, "maximum": 2**31 - 1}
            if converter in ("int", "id")
            else {"type": "string"}
        )
        params.append({"name": name, "in": "path", "required": True, "schema": schema})
        return "{" + name + "}"

    return _CONVERTED.sub(repl, template), json.dumps(params)

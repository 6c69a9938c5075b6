"""Links to stored media in catalogue answers: a URL the storage made (an upload's, a
white-label object's) is answered signed, for the signed-URL lifetime; a URL of
elsewhere is answered as stored. Applied after the age gate and the paywall (a field
they emptied stays empty). Admin answers keep the stored URLs (what a form sends back)
and add `signed`: the same fields, viewable now, for previews."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import Any

from domain.whitelabel.catalogue import signed
from entrypoints.http.json_io import to_json

CREATOR_MEDIA = ("icon_url", "banner_url", "thumbnail_url")
POST_MEDIA = ("content_url",)
BUMP_MEDIA = ("image_url",)


def sign_fields(deps, record: Mapping[str, Any], fields: Iterable[str]) -> dict[str, Any]:
    ttl = deps.config.signed_url_ttl_seconds
    out = dict(record)
    for name in fields:
        if out.get(name):
            out[name] = signed(deps.storage, out[name], ttl)
    return out


def sign_page(deps, page: dict[str, Any], fields: Iterable[str]) -> dict[str, Any]:
    names = tuple(fields)
    return {**page, "data": [sign_fields(deps, item, names) for item in page["data"]]}


def with_previews(deps, fields: tuple[str, ...]) -> Callable[[Any], dict]:
    """An admin serialiser: the entity as stored, plus `signed` (fields -> viewable URL)."""

    def serialize(entity: Any) -> dict:
        record = to_json(entity)
        shown = sign_fields(deps, record, fields)
        return {**record, "signed": {name: shown.get(name) for name in fields}}

    return serialize


def previews_schema(fields: tuple[str, ...]) -> dict[str, dict]:
    return {
        "signed": {
            "type": "object",
            "description": "the media fields as links "
            "viewable now (signed when the storage holds them)",
            "properties": {name: {"type": "string", "nullable": True} for name in fields},
        }
    }

"""Links to stored media in catalogue answers: a URL the storage made (an upload's, a
white-label object's) is answered signed, for the signed-URL lifetime; a URL of
elsewhere is answered as stored. The age gate (a step after the resource) and the
paywall still empty what they withhold, signed or not. Admin answers keep the stored
URLs (what a form sends back) and add `signed`: the same fields, viewable now, for
previews."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import Any

from attrs import frozen

from domain.whitelabel.catalogue import signed
from entrypoints.bootstrap import Deps
from entrypoints.http.json_io import to_json
from ports.storage import ObjectStorage

CREATOR_MEDIA = ("icon_url", "banner_url", "thumbnail_url")
POST_MEDIA = ("content_url",)
BUMP_MEDIA = ("image_url",)


@frozen
class MediaLinks:
    """What signs a stored URL: the storage and the signed-URL lifetime (seconds)."""

    storage: ObjectStorage
    ttl: int

    @classmethod
    def of(cls, deps: Deps) -> MediaLinks:
        return cls(deps.storage, deps.config.signed_url_ttl_seconds)

    def sign_fields(self, record: Mapping[str, Any], fields: Iterable[str]) -> dict[str, Any]:
        out = dict(record)
        for name in fields:
            if out.get(name):
                out[name] = signed(self.storage, out[name], self.ttl)
        return out

    def sign_page(self, page: dict[str, Any], fields: Iterable[str]) -> dict[str, Any]:
        names = tuple(fields)
        return {**page, "data": [self.sign_fields(item, names) for item in page["data"]]}

    def with_previews(self, fields: tuple[str, ...]) -> Callable[[Any], dict]:
        """An admin serialiser: the entity as stored, plus `signed` (fields -> viewable
        URL)."""

        def serialize(entity: Any) -> dict:
            record = to_json(entity)
            shown = self.sign_fields(record, fields)
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

"""The gate: what a caller who is not age-assured may see. One rule, used by every read
of the API at serialisation time (entrypoints/http/age_gate.py): adult media and media
URLs are withheld; everything else (plans, prices, checkout, login, account) is not.

Pure: no I/O. Whether the caller is assured is decided elsewhere (domain.assurance.
service.is_assured); this module only says what follows from it."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

# The fields holding adult media (or a link to it), per kind of record served.
ADULT_MEDIA: dict[str, tuple[str, ...]] = {
    "creator": ("icon_url", "banner_url", "thumbnail_url"),
    "post": ("content_url",),
    "whitelabel_model": ("thumbnail_url", "icon_url", "banner_url"),
    "whitelabel_post": ("media_cdns",),
    "ad": ("image_url",),
}


def may_see_adult_media(gate_on: bool, is_admin: bool, assured: bool) -> bool:
    """With the gate off (deployments without adult content) everyone; with it on,
    admins and age-assured callers only."""
    return not gate_on or is_admin or assured


def shown(kind: str, record: Mapping[str, Any], allowed: bool) -> dict[str, Any]:
    """`record` as the caller may see it: a new dict (the record is never changed, so
    a cached one stays the same for every caller) with the adult media fields of
    `kind` set to None unless `allowed`."""
    fields = ADULT_MEDIA[kind]  # KeyError: a kind this rule does not know is a bug
    if allowed:
        return dict(record)
    return {k: (None if k in fields else v) for k, v in record.items()}

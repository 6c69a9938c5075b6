"""Slugs: the name of a creator's public page (/models/{slug}), as the original platform
made them: lowercase ASCII letters, digits and hyphens, accents folded ("Júlia Ávila" ->
"julia-avila")."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterator
from typing import Any

from attrs import frozen

from domain.common.errors import ValidationError
from domain.common.fields import Text

SLUG_MAX_LENGTH = 80
SLUG = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
FALLBACK = "modelo"  # for a name with nothing to keep (only symbols, another script)

# Letters NFKD does not split into a base letter and a mark.
_FOLD = str.maketrans(
    {
        "ß": "ss",
        "æ": "ae",
        "Æ": "ae",
        "œ": "oe",
        "Œ": "oe",
        "ø": "o",
        "Ø": "o",
        "đ": "d",
        "Đ": "d",
        "ł": "l",
        "Ł": "l",
        "ð": "d",
        "þ": "th",
        "Þ": "th",
        "ı": "i",
    }
)


def slugify(name: str) -> str:
    """The slug of a name: accents folded, anything that is not an ASCII letter or digit
    turned into one hyphen, at most SLUG_MAX_LENGTH characters (cut at a word when it
    can be), never empty (FALLBACK)."""
    folded = unicodedata.normalize("NFKD", name.translate(_FOLD))
    ascii_text = folded.encode("ascii", "ignore").decode("ascii").lower()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_text).strip("-")
    return _cut(slug, SLUG_MAX_LENGTH) or FALLBACK


def _cut(slug: str, length: int) -> str:
    """`slug` in at most `length` characters, without a trailing hyphen."""
    if len(slug) <= length:
        return slug
    cut = slug[:length]
    if slug[length] != "-" and "-" in cut:  # do not leave half a word
        cut = cut.rsplit("-", 1)[0]
    return cut.strip("-")


def slug_candidates(name: str) -> Iterator[str]:
    """The slugs to try for a new creator, in order: slugify(name), then with "-2",
    "-3"... (the base shortened so that each stays within SLUG_MAX_LENGTH)."""
    base = slugify(name)
    yield base
    suffix = 2
    while True:
        tail = f"-{suffix}"
        yield (_cut(base, SLUG_MAX_LENGTH - len(tail)) or FALLBACK) + tail
        suffix += 1


def free_slug(name: str, taken: Callable[[str], bool]) -> str:
    """The first candidate slug of `name` that `taken` says is free."""
    return next(slug for slug in slug_candidates(name) if not taken(slug))


def check_slug(value: str, field: str = "slug") -> str:
    if len(value) > SLUG_MAX_LENGTH or not SLUG.fullmatch(value):
        raise ValidationError(
            f"{field} must be 1-{SLUG_MAX_LENGTH} lowercase letters "
            "(a-z), digits and single hyphens, e.g. julia-avila",
            field=field,
        )
    return value


@frozen
class Slug(Text):
    """A slug an administrator gives (read as is: no case folding behind their back)."""

    max_length: int = SLUG_MAX_LENGTH
    pattern: str = f"^{SLUG.pattern}$"  # documented in the OpenAPI schema

    def parse(self, value: Any, name: str) -> str:
        return check_slug(super().parse(value, name), name)

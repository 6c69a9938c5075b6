"""URLs of objects: what both storages store (a base URL + the percent-encoded key) and
how a stored URL is read back into its key."""

from __future__ import annotations

from urllib.parse import quote, unquote


def object_url(base: str, key: str, safe: str = "/") -> str:
    """`base` followed by `key`, percent-encoded except for `safe` characters."""
    return base + quote(key, safe=safe)


def key_from_url(base: str, url: str) -> str | None:
    """The key of `url` when it was made by `object_url(base, …)` (a query string, as a
    signed URL carries, is ignored); None for a URL of elsewhere."""
    if not url.startswith(base):
        return None
    return unquote(url[len(base) :].partition("?")[0]) or None

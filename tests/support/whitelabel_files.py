"""The white-label bucket of the API tests, as files in the local-folder storage, and
how a signed link of it is followed."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest

FILES = {
    "ana/profile/icon.png": b"icon-bytes",
    "ana/2024-01/a.jpg": b"jpeg-bytes-a",
    "ana/2024-01/b.mp4": b"0123456789",
    "ana/2024-02/c.png": b"png-bytes",
    "bia/2024-03/d.jpg": b"jpeg-bytes-d",
    "bia/2024-03/notes.txt": b"ignored",
}


@pytest.fixture
def media_root(deps):
    root = deps.storage.root
    for key, body in FILES.items():
        (root / key).parent.mkdir(parents=True, exist_ok=True)
        (root / key).write_bytes(body)
    return root


def get_link(client, url: str):
    parts = urlsplit(url)
    return client.simulate_get(parts.path, query_string=parts.query)

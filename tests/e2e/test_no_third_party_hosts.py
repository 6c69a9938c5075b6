"""Issue 13: nothing from third-party hosts by default. The demo's images are files of
this site, and the pages' CSP lets images and videos come only from this site and the
configured storage, so the storefront works offline and tells no third party who
visits it."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

import attrs
import pytest
from falcon.testing import TestClient

from adapters.schema import TABLES
from entrypoints import seed
from entrypoints.bootstrap import build_memory_deps
from entrypoints.http.app import create_app

URL = re.compile(r"\b(?:https?:)?//[^\s\"'<>)]+", re.IGNORECASE)
# A support contact is where a visitor chooses to go (WhatsApp, Telegram): a link,
# nothing a page loads.
DESTINATIONS = {("support_contacts", "url")}


def urls_in(value) -> list[str]:
    if isinstance(value, str):
        return URL.findall(value)
    if isinstance(value, dict):
        return [u for v in value.values() for u in urls_in(v)]
    if isinstance(value, (list, tuple)):
        return [u for v in value for u in urls_in(v)]
    return []


@pytest.mark.smoke
def test_after_seed_demo_no_stored_url_points_to_another_host(deps, client):
    list(seed.seed_demo(deps))
    ours = urlsplit(deps.config.public_url).netloc
    found = 0
    with deps.uow() as uow:
        for attr, (table, _, _) in TABLES.items():
            for row in getattr(uow, attr).find().items:
                for name, value in attrs.asdict(row, recurse=False).items():
                    for url in urls_in(value):
                        found += 1
                        if (table, name) not in DESTINATIONS:
                            assert urlsplit(url).netloc == ours, (table, name, url)
    assert found > 20
    # ...and every one of them is served by this app.
    with deps.uow() as uow:
        images = (
            {c.icon_url for c in uow.creators.find().items}
            | {p.content_url for p in uow.posts.find().items}
            | {b.image_url for b in uow.order_bumps.find().items}
            | {a.image_url for a in uow.ads.find().items}
        )
    for url in images:
        answer = client.simulate_get(urlsplit(url).path)
        assert answer.status_code == 200 and answer.headers["content-type"] == "image/png", url
        assert answer.content.startswith(b"\x89PNG") and len(answer.content) < 20_000


def csp_of(client, path="/") -> dict[str, str]:
    header = client.simulate_get(path).headers["content-security-policy"]
    return {d.split()[0]: " ".join(d.split()[1:]) for d in header.split("; ")}


def test_images_and_videos_come_from_this_site_only_by_default(client):
    csp = csp_of(client)
    assert csp["img-src"] == "'self' blob: http://127.0.0.1:8000"
    assert csp["media-src"] == csp["img-src"]
    assert csp["script-src"] == csp["connect-src"] == "'self'"
    assert csp_of(client, "/admin/auditoria") == csp


def test_with_s3_storage_its_host_is_allowed_too(config, clock):
    s3 = attrs.evolve(
        config,
        storage_url="s3://AK:SK@s3.example.test:9000/media?secure=false",
        public_url="https://flix.example.test",
    )
    client = TestClient(create_app(build_memory_deps(s3, clock=clock)))
    assert (
        csp_of(client)["img-src"]
        == "'self' blob: https://flix.example.test http://s3.example.test:9000"
    )
    # The panel posts large uploads straight to the bucket (a presigned POST).
    assert csp_of(client)["connect-src"] == "'self' http://s3.example.test:9000"

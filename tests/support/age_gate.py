"""The age-gate tests' harness: the gate switched on, and a catalogue whose every kind
of adult media (creator pictures, a post, an ad, a synced white-label model) is known."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlsplit

import attrs
import pytest

from domain.ads.rules import Ad
from domain.catalog.entities import Creator, Post

CREATOR_MEDIA = [
    "https://cdn.example/ana/icon.jpg",
    "https://cdn.example/ana/banner.jpg",
    "https://cdn.example/ana/thumb.jpg",
]


POST_MEDIA = "https://cdn.example/ana/post-1.jpg"


AD_IMAGE = "https://cdn.example/ads/banner.png"


@pytest.fixture
def config(config):
    return attrs.evolve(config, age_gate=True)


@pytest.fixture
def catalogue(deps, client, actors, clock, tmp_path):
    """A creator with icon, banner and thumbnail and a post; an active ad with an image;
    a white-label model with an icon and a post's photo synced from the media folder."""
    media = Path(urlsplit(deps.config.storage_url).path)
    for key in ("bia/profile/icon.jpg", "bia/post-1/1.jpg"):
        (media / key).parent.mkdir(parents=True, exist_ok=True)
        (media / key).write_bytes(b"\xff\xd8\xff photo")
    with deps.uow() as uow:
        creator = uow.creators.add(
            Creator(
                id=None,
                name="Ana",
                icon_url=CREATOR_MEDIA[0],
                banner_url=CREATOR_MEDIA[1],
                thumbnail_url=CREATOR_MEDIA[2],
                slug="ana",
            )
        )
        post = uow.posts.add(
            Post(id=None, content_url=POST_MEDIA, type="image", model_id=creator.id, title="1")
        )
        ad = uow.ads.add(
            Ad(
                id=None,
                name="promo",
                type="banner",
                placement="home_top",
                status="active",
                title="Promo",
                image_url=AD_IMAGE,
                link="https://example.com/promo",
            )
        )
        uow.commit()
    admin = actors.admin()
    assert client.simulate_post("/api/admin/whitelabel/sync", headers=admin).status_code == 200
    with deps.uow() as uow:
        [model] = uow.whitelabel_models.find().items
    client.simulate_patch(
        f"/api/admin/whitelabel/models/{model.id}", json={"status": "active"}, headers=admin
    )
    return {"creator": creator.id, "model": model.id, "post": post.id, "ad": ad.id}

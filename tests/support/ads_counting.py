"""The ad-counting tests' harness: an active ad, its recorded events and counters, and
an ad read as the web client reads it."""

from __future__ import annotations

import pytest

from domain.ads.rules import Ad


@pytest.fixture
def ad(backend, clock) -> Ad:
    with backend.uow() as uow:
        stored = uow.ads.add(
            Ad(
                id=None,
                name="n",
                title="t",
                link="https://example.com/landing",
                status="active",
                created_at=clock.now(),
            )
        )
        uow.commit()
    return stored


@pytest.fixture
def admin(actors) -> dict:
    return actors.admin()


def recorded(backend, kind: str, ad_id: int) -> list[tuple[bool, str | None]]:
    with backend.uow() as uow:
        return [
            (e.counted, e.filter_reason)
            for e in getattr(uow, kind).find({"ad_id": ad_id}, order_by=["id"]).items
        ]


def counters(backend, ad_id: int) -> tuple[int, int]:
    with backend.uow() as uow:
        stored = uow.ads.get(ad_id)
    return stored.impressions, stored.clicks


def served(client, placements: str = "home_top", **kw) -> dict:
    return client.simulate_get(
        "/api/ads", params={"placements": placements, "track": "false"}, **kw
    ).json

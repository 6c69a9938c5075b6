"""`creatorflix seed-demo` loads one active ad per type, once."""

from __future__ import annotations

from domain.ads.rules import AD_TYPES, VALID_PLACEMENTS
from entrypoints import seed
from entrypoints.seed_ads import seed_ads


def test_one_active_ad_per_type_is_seeded_once(deps, client):
    assert list(seed_ads(deps)) == ["ads: 5 created, 0 already there"]
    assert list(seed_ads(deps)) == ["ads: 0 created, 5 already there"]
    with deps.uow() as uow:
        ads = uow.ads.find().items
    assert sorted(a.type for a in ads) == sorted(AD_TYPES)
    assert all(a.status == "active" and a.placement in VALID_PLACEMENTS[a.type] for a in ads)
    served = client.simulate_get(
        "/api/ads",
        params={"placements": ",".join(sorted({a.placement for a in ads})), "track": "false"},
    ).json
    assert sum(len(found) for found in served.values()) == 5


def test_seed_demo_runs_the_ads_seeder_after_the_catalogue(deps):
    assert seed.SEEDERS[0] is seed.seed_catalog and seed_ads in seed.SEEDERS
    assert "ads: 5 created, 0 already there" in list(seed.seed_demo(deps))

"""`creatorflix seed-demo`: the demo catalogue, loaded once however often it runs."""

from __future__ import annotations

import pytest

from adapters import schema
from entrypoints import cli, seed
from tests.support.cli_database import database_file  # noqa: F401  (fixture)

TABLES = ("plans", "order_bumps", "creators", "posts", "support_contacts")
ALL_TABLES = tuple(schema.TABLES)


def counts(deps, tables=TABLES) -> dict[str, int]:
    with deps.uow() as uow:
        return {table: getattr(uow, table).count() for table in tables}


@pytest.mark.smoke
def test_seeding_twice_creates_everything_once(deps):
    list(seed.seed_demo(deps))
    after_first = counts(deps, ALL_TABLES)
    assert counts(deps) == {
        "plans": 3,
        "order_bumps": 2,
        "creators": 2,
        "posts": 7,
        "support_contacts": 2,
    }
    list(seed.seed_demo(deps))
    assert counts(deps, ALL_TABLES) == after_first  # whatever other areas seed, too


def test_the_catalogue_seeder_says_what_it_did(deps):
    first = list(seed.seed_catalog(deps))
    assert first == [
        "plans: 3 created, 0 already there",
        "order bumps: 2 created, 0 already there",
        "models: 2 created, 0 already there",
        "posts: 7 created, 0 already there",
        "support contacts: 2 created, 0 already there",
    ]
    assert all(" 0 created" in line for line in seed.seed_catalog(deps))


def test_the_demo_catalogue(deps, client):
    list(seed.seed_demo(deps))
    plans = client.simulate_get("/api/plans").json["data"]
    assert [(p["name"], p["price"], p["duration"]) for p in plans] == [
        ("Semanal", 990, 7),
        ("Mensal", 2990, 30),
        ("Anual", 19990, 365),
    ]
    assert all(p["benefits_json"] and p["accepts_pix"] for p in plans)
    assert len(client.simulate_get("/api/order-bumps").json["data"]) == 2
    contacts = client.simulate_get("/api/support-contacts").json["data"]
    assert {c["platform"]: c["url"].split("/")[2] for c in contacts} == {
        "whatsapp": "wa.me",
        "telegram": "t.me",
    }
    for model in client.simulate_get("/api/models").json["data"]:
        posts = client.simulate_get(f"/api/models/{model['id']}/posts").json
        assert posts["total"] >= 3 and {p["type"] for p in posts["data"]} == {"image"}


def test_a_partly_seeded_database_is_completed(deps):
    list(seed.seed_demo(deps))
    with deps.uow() as uow:
        mensal = uow.plans.first({"name": "Mensal"})
        uow.plans.delete(mensal.id)
        uow.commit()
    lines = list(seed.seed_demo(deps))
    assert lines[0] == "plans: 1 created, 2 already there"
    assert counts(deps)["plans"] == 3


def test_seeders_of_other_areas_run_after_the_catalogue(deps, monkeypatch):
    monkeypatch.setattr(seed, "SEEDERS", seed.SEEDERS + [lambda deps: iter(["ads: done"])])
    assert list(seed.seed_demo(deps))[-1] == "ads: done"


def test_the_command_prints_what_it_did(database_file, capsys):  # noqa: F811
    assert cli.main(["seed-demo"]) == 0
    out = capsys.readouterr().out
    assert "plans: 3 created, 0 already there" in out
    assert cli.main(["seed-demo"]) == 0
    assert "posts: 0 created, 7 already there" in capsys.readouterr().out

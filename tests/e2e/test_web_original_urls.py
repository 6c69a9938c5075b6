"""The original platform's public URLs, bookmarked and indexed, still lead somewhere:
/models/{name} to the page showing that white-label collection or creator now, and
/plans, /checkout?planId=N, /login, /register, /models to our pages (301, query kept)."""

from __future__ import annotations

from urllib.parse import quote

import pytest

from domain.catalog.entities import Creator
from domain.whitelabel.entities import WhitelabelModel
from tests.support.api import assert_error


def moved(client, path: str, query: str | None = None) -> str:
    """The Location of the 301 that `path` answers."""
    result = client.simulate_get(path, query_string=query)
    assert result.status_code == 301, (path, result.status_code, result.text)
    return result.headers["location"]


def shows(client, location: str) -> str:
    """The page module the shell at `location` loads."""
    path, _, query = location.partition("?")
    result = client.simulate_get(path, query_string=query or None)
    assert result.status_code == 200 and result.headers["content-type"].startswith("text/html")
    return result.text.split('data-page="', 1)[1].split('"', 1)[0]


@pytest.mark.parametrize(
    "path, query, location, page",
    [
        ("/plans", None, "/planos", "plans"),
        ("/plans", "utm_source=x&ref=1", "/planos?utm_source=x&ref=1", "plans"),
        ("/login", None, "/entrar", "login"),
        ("/login", "next=/minha-conta", "/entrar?next=/minha-conta", "login"),
        ("/register", None, "/cadastro", "register"),
        ("/models", None, "/", "home"),
        ("/checkout", "planId=3", "/checkout?plano=3", "checkout"),
        ("/checkout", "planId=3&utm_source=x", "/checkout?plano=3&utm_source=x", "checkout"),
        ("/checkout", "plano=4&planId=3", "/checkout?plano=4", "checkout"),
    ],
)
def test_the_originals_pages_are_moved_to_ours(client, path, query, location, page):
    assert moved(client, path, query) == location
    assert shows(client, location) == page


def test_our_checkout_link_is_served_as_it_is(client):
    assert shows(client, "/checkout?plano=3") == "checkout"
    assert shows(client, "/checkout") == "checkout"


@pytest.fixture
def pages(deps) -> dict:
    """A published collection 'luna', a creator whose slug is also 'luna', a creator
    found by slug, one found by name, a hidden one, and an unpublished collection."""
    with deps.uow() as uow:
        found = {
            "collection": uow.whitelabel_models.add(
                WhitelabelModel(id=None, folder_name="luna", status="active")
            ),
            "unpublished": uow.whitelabel_models.add(
                WhitelabelModel(id=None, folder_name="mia-santos")
            ),
            "luna": uow.creators.add(Creator(id=None, name="Luna", slug="luna")),
            "julia": uow.creators.add(Creator(id=None, name="Júlia Ávila", slug="julia-avila")),
            "mia": uow.creators.add(Creator(id=None, name="Mia Santos", slug="mia-santos")),
            "named": uow.creators.add(Creator(id=None, name="Bia Lima")),
            "hidden": uow.creators.add(
                Creator(id=None, name="Oculta", slug="oculta", status="hidden")
            ),
        }
        uow.commit()
    return {name: entity.id for name, entity in found.items()}


@pytest.mark.smoke
def test_a_models_link_shows_the_collection_or_creator_it_names(client, pages):
    assert moved(client, "/models/julia-avila") == f"/modelos/{pages['julia']}"
    assert shows(client, f"/modelos/{pages['julia']}") == "creator"
    assert moved(client, "/models/luna") == f"/colecoes/{pages['collection']}"  # folder first
    assert shows(client, f"/colecoes/{pages['collection']}") == "collection"
    assert moved(client, "/models/mia-santos") == f"/modelos/{pages['mia']}"  # unpublished
    assert moved(client, "/models/" + quote("Bia Lima")) == f"/modelos/{pages['named']}"
    assert moved(client, "/models/" + quote("Júlia Ávila")) == f"/modelos/{pages['julia']}"
    assert (
        moved(client, "/models/julia-avila", "utm_source=x")
        == f"/modelos/{pages['julia']}?utm_source=x"
    )
    creator = client.simulate_get(f"/api/models/{pages['julia']}").json
    assert creator["slug"] == "julia-avila"


@pytest.mark.smoke  # on PostgreSQL a NUL in a query parameter is a driver error
@pytest.mark.parametrize("name", ["oculta", "Oculta", "nobody", "JULIA-AVILA", "%00", "a%0Ab"])
def test_a_models_link_to_nothing_public_is_a_404(client, pages, name):
    assert_error(client.simulate_get(f"/models/{name}"), 404, "not_found")


def test_a_doubled_slash_never_makes_a_protocol_relative_location(client):
    answer = client.simulate_get("//checkout", query_string="planId=1")
    assert answer.status_code in (301, 404)
    assert not (answer.headers.get("location") or "/").startswith("//")


def test_the_moves_are_documented(client):
    spec = client.simulate_get("/openapi.json").json["paths"]
    for path in ("/plans", "/login", "/register", "/models", "/models/{name}"):
        assert "301" in spec[path]["get"]["responses"], path
    checkout = spec["/checkout"]["get"]
    assert "301" in checkout["responses"]
    assert [p["name"] for p in checkout["parameters"]] == ["planId"]

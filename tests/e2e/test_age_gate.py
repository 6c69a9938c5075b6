"""The age gate (issue 16): with CREATORFLIX_AGE_GATE on, no response to an unassured
caller carries adult media or a media URL — proven by walking every GET route of the
router with the seeded ids (issue 19: a new read route that forgets the gate is caught by
this walk, and one that declares nothing stops the app from starting) — and after an age
assurance they appear as they do with the gate off."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

import attrs
import falcon.inspect
import pytest

from domain.ads.rules import PLACEMENTS
from domain.payments.subscriptions import Subscription
from tests.support.age_gate import (  # noqa: F401 (fixtures)
    AD_IMAGE,
    CREATOR_MEDIA,
    POST_MEDIA,
    catalogue,
    config,
)
from tests.support.api import assert_error

_PARAM = re.compile(r"\{[^}]*\}")
ADULT = CREATOR_MEDIA + [POST_MEDIA, AD_IMAGE]
# A signed link to the local folder's media (the OpenAPI document names the route).
MEDIA_LINK = re.compile(r"/media/[^\s\"{}]+\?exp=")


# Any URL of an image or a video (absolute or protocol-relative), and the signed links
# of the local folder's media: what an unassured caller must never be handed.
MEDIA_URL = re.compile(
    r"(?:https?:)?//[^\s\"'<>\\]+?\.(?:jpe?g|png|gif|webp|avif|mp4|webm|mov|m4v)"
    r"(?![\w.])|/media/[^\s\"'{}<>\\]+\?exp=",
    re.IGNORECASE,
)
# Values for the query parameters a read declares as required.
QUERY_VALUES = {"placements": ",".join(PLACEMENTS), "track": "false"}


def get_templates(app) -> list[str]:
    """The template of every GET route the router serves, declared or not."""
    return sorted(
        route.path
        for route in falcon.inspect.inspect_routes(app)
        if any(m.method == "GET" and not m.internal for m in route.methods)
    )


def declared_query(app, template: str) -> dict:
    """The query parameters of QUERY_VALUES the route declares (none if undeclared)."""
    for route in getattr(app, "routes", ()):
        if route.path == template and route.operation("GET") is not None:
            return {
                p.name: QUERY_VALUES[p.name]
                for p in route.operation("GET").params
                if p.location == "query" and p.name in QUERY_VALUES
            }
    return {}


def paths_of(template: str, ids: dict) -> list[tuple[str, str | None]]:
    """`template` with its parameters filled by every seeded id (path parameters of
    `:path` converters by every seeded media link, with its query string)."""
    if "{" not in template:
        return [(template, None)]
    if ":path}" in template:
        return [(_PARAM.sub(path, template), query) for path, query in ids["files"]]
    return [(_PARAM.sub(str(value), template), None) for value in sorted(ids["ids"])]


def walk(client, ids: dict, headers: dict) -> tuple[str, dict[str, list[str]]]:
    """Every GET route of the router with each seeded id: all the answers as one text,
    and the media each route handed over (its media URLs, or a body of image/* or
    video/*), by route template."""
    texts, leaks = [], {}
    for template in get_templates(client.app):
        for path, query in paths_of(template, ids):
            result = client.simulate_get(
                path,
                params=declared_query(client.app, template),
                query_string=query,
                headers=headers,
            )
            assert result.status_code < 500, (template, result.text)
            ctype = result.headers.get("content-type", "")
            text = (result.text if not ctype.startswith(("image/", "video/")) else "") + " ".join(
                result.headers.values()
            )
            found = MEDIA_URL.findall(text)
            if ctype.startswith(("image/", "video/")) and "svg" not in ctype:
                found.append(f"a {ctype} body")
            if found:
                leaks.setdefault(template, []).extend(found)
            texts.append(text)
    return "\n".join(texts), leaks


@pytest.fixture
def ids(catalogue, deps):
    """What the walker fills path parameters with: every seeded id, and the signed links
    of the white-label media (the local folder's /media)."""
    found = {catalogue["creator"], catalogue["model"], catalogue["post"], catalogue["ad"]}
    files = []
    for key in ("bia/profile/icon.jpg", "bia/post-1/1.jpg"):
        link = urlsplit(deps.storage.signed_url(key, 600))
        files.append((link.path.removeprefix("/media/"), link.query))
    return {"ids": found, "files": files}


def test_an_unassured_caller_is_handed_no_media_by_any_get_route(client, ids, actors, deps):
    subscriber = actors.user("sub@example.com")
    with deps.uow() as uow:  # even a paying subscriber waits for the age check
        user = uow.users.get_by_email("sub@example.com")
        now = deps.clock.now()
        uow.subscriptions.add(
            Subscription(
                id=None,
                user_id=user.id,
                plan_id=None,
                status="active",
                start_date=now,
                end_date=now.replace(year=now.year + 1),
            )
        )
        uow.commit()
    for who in ({}, subscriber):
        text, leaks = walk(client, ids, who)
        assert leaks == {}
        for marker in ADULT:
            assert marker not in text, marker
        # What stays reachable is still there.
        assert "Ana" in text and "Promo" in text and "bia" in text


class _Leak:
    """A read that hands over a creator's icon: what a route that forgets the gate does."""

    def __init__(self, uow):
        self.uow = uow

    def on_get(self, req, resp, **params) -> None:
        with self.uow() as uow:
            [creator] = uow.creators.find().items
        resp.media = {"name": creator.name, "icon_url": creator.icon_url}


def test_a_new_read_route_without_the_gate_is_caught_by_the_walk(deps, ids):
    from falcon.testing import TestClient

    from entrypoints.http.app import create_app
    from entrypoints.http.routes import NO_MEDIA, Operation, Route

    # Declared as serving no media (the gate step then leaves it alone)...
    declared = Route(
        "/api/declared-leak",
        _Leak(deps.uow),
        (Operation("GET", "a careless read", serves=NO_MEDIA),),
    )
    app = create_app(deps, extra=(declared,))
    # ...and added straight to the router, never seen by the declarations.
    app.add_route("/api/undeclared-leak/{id:id}", _Leak(deps.uow))
    _, leaks = walk(TestClient(app), ids, {})
    assert sorted(leaks) == ["/api/declared-leak", "/api/undeclared-leak/{id:id}"]
    assert leaks["/api/declared-leak"] == [CREATOR_MEDIA[0]]


def test_a_read_that_declares_nothing_stops_the_app_from_starting(deps):
    from entrypoints.http.age_gate import UndeclaredRead
    from entrypoints.http.app import create_app
    from entrypoints.http.routes import ADMIN, Operation, Route

    read = Route("/api/forgetful", _Leak(deps.uow), (Operation("GET", "a read"),))
    with pytest.raises(UndeclaredRead, match="GET /api/forgetful"):
        create_app(deps, extra=(read,))
    # Admin-only reads need no declaration: admins see everything.
    admin_read = Route(
        "/api/admin/forgetful", _Leak(deps.uow), (Operation("GET", "a read", ADMIN),)
    )
    assert create_app(deps, extra=(admin_read,)).routes[-1] is admin_read


def test_after_assurance_the_media_appear_as_today(client, ids, actors):
    admin_text, _ = walk(client, ids, actors.admin())  # admins count as assured
    token = client.simulate_post("/api/age-assurance/sandbox").json["token"]
    visitor_text, leaks = walk(client, ids, {"X-Age-Assurance": token})
    for text in (admin_text, visitor_text):
        for marker in CREATOR_MEDIA + [AD_IMAGE]:
            assert marker in text, marker
        assert MEDIA_LINK.search(text)
    # The posts' content stays behind the paywall as before (admins see it).
    assert POST_MEDIA in admin_text and POST_MEDIA not in visitor_text
    # The walker sees what is shown: the creators', models' and ads' media, the files.
    assert {
        "/api/models",
        "/api/models/{id:id}",
        "/api/whitelabel/models",
        "/api/ads",
        "/media/{key:path}",
    } <= set(leaks)


def test_with_the_gate_off_nothing_is_withheld(deps, ids):
    from falcon.testing import TestClient

    from entrypoints.http.app import create_app

    off = TestClient(
        create_app(attrs.evolve(deps, config=attrs.evolve(deps.config, age_gate=False)))
    )
    text, _ = walk(off, ids, {})
    for marker in CREATOR_MEDIA + [AD_IMAGE]:
        assert marker in text
    assert MEDIA_LINK.search(text)


def test_media_links_need_an_age_assurance(client, catalogue):
    token = client.simulate_post("/api/age-assurance/sandbox").json["token"]
    assured = {"X-Age-Assurance": token}
    model = client.simulate_get(
        f"/api/whitelabel/models/{catalogue['model']}", headers=assured
    ).json
    link = urlsplit(model["icon_url"])
    path, query = link.path, link.query
    assert_error(client.simulate_get(path, query_string=query), 403, "age_assurance_required")
    assert client.simulate_get(path, query_string=query, headers=assured).status_code == 200
    # A browser loads images without headers: the HttpOnly cookie set with the token.
    cookie = {"Cookie": f"cf_age_assurance={token}"}
    assert client.simulate_get(path, query_string=query, headers=cookie).status_code == 200
    forged = {"X-Age-Assurance": token[:-2] + "xx"}
    assert_error(
        client.simulate_get(path, query_string=query, headers=forged), 403, "age_assurance_required"
    )

"""The age gate (issue 16): with CREATORFLIX_AGE_GATE on, no response to an unassured
caller carries adult media or a media URL — proven by walking every public GET route of
the router — and after an age assurance they appear as they do with the gate off."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

import attrs
import falcon.inspect

from domain.ads.rules import PLACEMENTS
from domain.payments.subscriptions import Subscription
from tests.support.age_gate import AD_IMAGE, CREATOR_MEDIA, POST_MEDIA, catalogue, config  # noqa: F401
from tests.support.api import assert_error

_PARAM = re.compile(r"\{[^}]*\}")
ADULT = CREATOR_MEDIA + [POST_MEDIA, AD_IMAGE]
# A signed link to the local folder's media (the OpenAPI document names the route).
MEDIA_LINK = re.compile(r"/media/[^\s\"{}]+\?exp=")


def public_gets(app) -> list[str]:
    """The template of every GET route the router serves outside /api/admin."""
    found = []
    for route in falcon.inspect.inspect_routes(app):
        if route.path.startswith("/api/admin"):
            continue
        if any(m.method == "GET" and not m.internal for m in route.methods):
            found.append(route.path)
    return sorted(found)


def walk(client, ids: dict, headers: dict) -> str:
    """Every public GET, with real ids and every required parameter, as one text."""
    texts = []
    for template in public_gets(client.app):
        path = _PARAM.sub(str(ids["creator"]), template)
        if "whitelabel/models/{" in template:
            path = _PARAM.sub(str(ids["model"]), template)
        params = (
            {"placements": ",".join(PLACEMENTS), "track": "false"}
            if template == "/api/ads"
            else None
        )
        if template.startswith("/media/"):
            continue  # the links themselves: test_media_links_need_an_age_assurance
        result = client.simulate_get(path, params=params, headers=headers)
        assert result.status_code < 500, template
        texts.append(result.text + " ".join(result.headers.values()))
    return "\n".join(texts)


def test_an_unassured_caller_sees_no_adult_media_on_any_public_route(
    client, catalogue, actors, deps
):
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
        text = walk(client, catalogue, who)
        for marker in ADULT:
            assert marker not in text, marker
        assert not MEDIA_LINK.search(text)
        # What stays reachable is still there.
        assert "Ana" in text and "Promo" in text


def test_after_assurance_the_media_appear_as_today(client, catalogue, actors, deps):
    admin_text = walk(client, catalogue, actors.admin())  # admins count as assured
    token = client.simulate_post("/api/age-assurance/sandbox").json["token"]
    visitor_text = walk(client, catalogue, {"X-Age-Assurance": token})
    for text in (admin_text, visitor_text):
        for marker in CREATOR_MEDIA + [AD_IMAGE]:
            assert marker in text, marker
        assert MEDIA_LINK.search(text)
    # The posts' content stays behind the paywall as before (admins see it).
    assert POST_MEDIA in admin_text and POST_MEDIA not in visitor_text


def test_with_the_gate_off_nothing_is_withheld(deps, catalogue, client):
    from falcon.testing import TestClient

    from entrypoints.http.app import create_app

    off = TestClient(
        create_app(attrs.evolve(deps, config=attrs.evolve(deps.config, age_gate=False)))
    )
    text = walk(off, catalogue, {})
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

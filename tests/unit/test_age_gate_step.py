"""The age gate's response step (entrypoints.http.age_gate): what a read declares it
serves decides what is withheld, in each layout, and a read that declares nothing is
named before the app starts."""

from __future__ import annotations

import pytest

from entrypoints.http.age_gate import UndeclaredRead, declarations, withheld
from entrypoints.http.routes import (
    ADMIN,
    GROUPS,
    ITEM,
    NO_MEDIA,
    PAGE,
    USER,
    Operation,
    Route,
    Serves,
)

CREATOR = {
    "id": 1,
    "name": "Ana",
    "icon_url": "https://cdn.example/a.jpg",
    "banner_url": "https://cdn.example/b.jpg",
    "thumbnail_url": None,
}
AD = {"id": 2, "title": "Promo", "image_url": "https://cdn.example/ad.png"}


def test_one_record_a_page_and_groups_lose_their_media_and_nothing_else():
    item = withheld(Serves("creator", ITEM), CREATOR, allowed=False)
    assert item == {**CREATOR, "icon_url": None, "banner_url": None}
    page = {"data": [CREATOR, CREATOR], "total": 2, "page": 1, "total_pages": 1}
    assert withheld(Serves("creator", PAGE), page, allowed=False) == {**page, "data": [item, item]}
    groups = {"home_top": [AD], "sidebar": []}
    assert withheld(Serves("ad", GROUPS), groups, allowed=False) == {
        "home_top": [{**AD, "image_url": None}],
        "sidebar": [],
    }
    assert CREATOR["icon_url"] and AD["image_url"]  # the records are never changed


def test_an_allowed_caller_and_a_read_of_no_media_get_the_answer_as_it_is():
    assert withheld(Serves("creator", ITEM), CREATOR, allowed=True) is CREATOR
    assert withheld(NO_MEDIA, CREATOR, allowed=False) is CREATOR


def test_a_declaration_names_a_kind_the_rule_knows_and_only_for_records():
    with pytest.raises(ValueError, match="no kind"):
        Serves("avatar", ITEM)
    with pytest.raises(ValueError):
        Serves(None, PAGE)
    with pytest.raises(ValueError):
        Serves("creator", "nothing")


class _Resource:
    def on_get(self, req, resp) -> None: ...


def test_every_read_but_the_admins_declares_what_it_serves():
    declared = Route("/api/a", _Resource(), (Operation("GET", "a", serves=NO_MEDIA),))
    admin = Route("/api/admin/b", _Resource(), (Operation("GET", "b", ADMIN),))
    writes = Route("/api/c", _Resource(), (Operation("POST", "c", USER),))
    assert declarations([declared, admin, writes]) == {("/api/a", "GET"): NO_MEDIA}
    forgetful = Route("/api/me/d", _Resource(), (Operation("GET", "d", USER),))
    with pytest.raises(UndeclaredRead, match="GET /api/me/d"):
        declarations([declared, forgetful])

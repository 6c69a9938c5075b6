"""Catalogue rules: admin field validation, support contact links, settings keys."""

from __future__ import annotations

import re
import typing

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

from domain.catalog import admin
from domain.catalog.entities import (
    SETTING_KEY,
    SupportContact,
    check_setting_key,
    contact_url,
    normalize_contact,
)
from domain.common.errors import ValidationError
from domain.common.fields import parse_fields

RESOURCES = [admin.PLANS, admin.ORDER_BUMPS, admin.CREATORS, admin.POSTS, admin.SUPPORT_CONTACTS]
VALID = {
    "plan": {"name": "Mensal", "price": 2990, "duration": 30, "benefits_json": ["HD"]},
    "order bump": {"name": "Pack", "price": 990},
    "model": {"name": "Luna"},
    "post": {"model_id": 1, "content_url": "https://cdn.example.com/a.jpg", "type": "image"},
    "support contact": {"platform": "other", "url": "https://help.example.com"},
}


def refused(res, body: dict, field: str, partial: bool = False) -> None:
    with pytest.raises(ValidationError) as caught:
        parse_fields(res.fields, body, partial=partial)
    assert caught.value.field == field


@pytest.mark.parametrize("res", RESOURCES, ids=lambda r: r.name)
def test_a_valid_body_parses_to_the_values_given(res):
    assert parse_fields(res.fields, VALID[res.name], partial=False) == VALID[res.name]


@pytest.mark.parametrize("res", RESOURCES + [admin.USERS], ids=lambda r: r.name)
def test_fields_of_columns_that_cannot_be_null_refuse_null(res):
    """A null for a NOT NULL column would fail in the database (a 500), not in the rules
    (a field may be stricter than its column: a post's model_id is required)."""
    hints = typing.get_type_hints(res.entity)
    for name, fld in res.fields.items():
        assert name in {f.name for f in attrs.fields(res.entity)}, name
        if type(None) not in typing.get_args(hints[name]):
            with pytest.raises(ValidationError):
                fld.read(None, name)


@pytest.mark.parametrize("res", RESOURCES, ids=lambda r: r.name)
def test_unknown_fields_and_missing_required_fields_are_named(res):
    refused(res, {**VALID[res.name], "id": 7}, "id")
    required = [n for n, f in res.fields.items() if f.required]
    for name in required:
        body = {k: v for k, v in VALID[res.name].items() if k != name}
        refused(res, body, name)
    assert parse_fields(res.fields, {}, partial=True) == {}


@pytest.mark.parametrize("res", [admin.PLANS, admin.ORDER_BUMPS], ids=lambda r: r.name)
@pytest.mark.parametrize("price", [-1, 1.5, "990", True, None, 2**31])
def test_prices_are_integer_cents_of_at_least_zero(res, price):
    refused(res, {**VALID[res.name], "price": price}, "price")


@given(st.integers(min_value=0, max_value=2**31 - 1))
def test_any_non_negative_cents_is_a_price(price):
    values = parse_fields(admin.PLANS.fields, {**VALID["plan"], "price": price}, partial=False)
    assert values["price"] == price


@pytest.mark.parametrize("duration", [0, -7, 7.0, "30", None])
def test_a_plan_lasts_at_least_one_day(duration):
    refused(admin.PLANS, {**VALID["plan"], "duration": duration}, "duration")


@pytest.mark.parametrize(
    "benefits",
    ["HD", [1], ["ok", None], {"a": "b"}, None, ["x" * 201], ["b"] * 21, ["\ud800"], ["a\x00"]],
)
def test_benefits_are_a_list_of_strings(benefits):
    refused(admin.PLANS, {**VALID["plan"], "benefits_json": benefits}, "benefits_json")


@pytest.mark.parametrize("kind", ["audio", "IMAGE", "", None, 1])
def test_a_post_is_an_image_or_a_video(kind):
    refused(admin.POSTS, {**VALID["post"], "type": kind}, "type")


@pytest.mark.parametrize(
    "url",
    [
        "ftp://cdn.example.com/a.jpg",
        "javascript:alert(1)",
        "/relative.jpg",
        "https://",
        "http://[",
        "https://a b.com",
        "",
        None,
    ],
)
def test_urls_must_be_http_or_https(url):
    refused(admin.POSTS, {**VALID["post"], "content_url": url}, "content_url")
    refused(admin.CREATORS, {"icon_url": url or "nope"}, "icon_url", partial=True)


@pytest.mark.parametrize("flag", [None, "true", 1])
def test_flags_are_true_or_false(flag):
    refused(admin.ORDER_BUMPS, {"is_active": flag}, "is_active", partial=True)
    refused(admin.CREATORS, {"is_featured": flag}, "is_featured", partial=True)


# -- support contact links ---------------------------------------------------------------


@pytest.mark.parametrize(
    "platform, raw, url",
    [
        ("whatsapp", "+55 (11) 99999-0000", "https://wa.me/5511999990000"),
        ("whatsapp", "5511999990000", "https://wa.me/5511999990000"),
        ("whatsapp", " 55.11.99999.0000 ", "https://wa.me/5511999990000"),
        ("whatsapp", "https://wa.me/5511999990000", "https://wa.me/5511999990000"),
        ("whatsapp", "http://wa.me/+5511999990000/", "https://wa.me/5511999990000"),
        ("whatsapp", "wa.me/5511999990000?text=Oi", "https://wa.me/5511999990000?text=Oi"),
        ("telegram", "@creatorflix", "https://t.me/creatorflix"),
        ("telegram", "creatorflix_help", "https://t.me/creatorflix_help"),
        ("telegram", "https://t.me/creatorflix", "https://t.me/creatorflix"),
        ("telegram", "telegram.me/creatorflix/", "https://t.me/creatorflix"),
        ("telegram", "https://t.me/+AbC-123_x", "https://t.me/+AbC-123_x"),
        ("telegram", "https://t.me/joinchat/AbC123", "https://t.me/joinchat/AbC123"),
        ("other", "https://help.example.com/chat?x=1", "https://help.example.com/chat?x=1"),
        ("other", "http://help.example.com", "http://help.example.com"),
    ],
)
def test_contacts_are_normalised_to_the_link_visitors_follow(platform, raw, url):
    assert contact_url(platform, raw) == url
    assert contact_url(platform, url) == url


@pytest.mark.parametrize(
    "platform, raw",
    [
        ("whatsapp", "call me"),
        ("whatsapp", "1234567"),
        ("whatsapp", "1234567890123456"),
        ("whatsapp", "0800 123 4567"),
        ("whatsapp", "https://t.me/creatorflix"),
        ("whatsapp", "https://wa.me/message/ABC"),
        ("whatsapp", "https://evil.example/wa.me/55119"),
        ("whatsapp", "+55 11 9999+0000"),
        ("whatsapp", ""),
        ("whatsapp", "٥٥١١٩٩٩٩٩٠٠٠٠"),
        ("telegram", "@abc"),
        ("telegram", "@1creator"),
        ("telegram", "https://wa.me/5511999990000"),
        ("telegram", "https://t.me/"),
        ("telegram", "https://t.me.evil.example/creatorflix"),
        ("telegram", "https://t.me/a/b/c"),
        ("telegram", "http://["),
        ("telegram", "@name with space"),
        ("other", "@creatorflix"),
        ("other", "ftp://example.com"),
        ("other", "+55 11 99999-0000"),
    ],
)
def test_contacts_that_do_not_fit_their_platform_are_refused_naming_the_url(platform, raw):
    with pytest.raises(ValidationError) as caught:
        contact_url(platform, raw)
    assert caught.value.field == "url"


def test_normalising_a_contact_keeps_everything_but_the_url():
    contact = SupportContact(id=3, platform="telegram", url="@creatorflix", is_active=False)
    assert normalize_contact(contact) == attrs.evolve(contact, url="https://t.me/creatorflix")


SEPARATORS = st.sampled_from(["", " ", "-", ".", "(", ")"])


@st.composite
def typed_phone_numbers(draw) -> tuple[str, str]:
    """(digits, the number as someone might type it)."""
    digits = draw(st.from_regex(r"[1-9][0-9]{7,14}", fullmatch=True))
    typed = "".join(d + draw(SEPARATORS) for d in digits)
    return digits, ("+" if draw(st.booleans()) else "") + typed


@given(typed_phone_numbers())
def test_any_typed_phone_number_becomes_its_wa_me_link(number):
    digits, typed = number
    url = contact_url("whatsapp", typed)
    assert url == f"https://wa.me/{digits}"
    assert contact_url("whatsapp", url) == url


@given(st.from_regex(r"[A-Za-z][A-Za-z0-9_]{4,31}", fullmatch=True), st.booleans())
def test_any_telegram_handle_becomes_its_t_me_link(handle, with_at):
    url = contact_url("telegram", ("@" if with_at else "") + handle)
    assert url == f"https://t.me/{handle}"
    assert contact_url("telegram", url) == url


@given(st.sampled_from(["whatsapp", "telegram", "other"]), st.text(max_size=40))
def test_a_contact_link_is_always_an_https_link_or_refused(platform, raw):
    try:
        url = contact_url(platform, raw)
    except ValidationError as exc:
        assert exc.field == "url"
        return
    assert url.startswith("https://" if platform != "other" else ("http://", "https://"))
    assert contact_url(platform, url) == url


# -- settings keys --------------------------------------------------------------------------


@given(st.text(max_size=70))
def test_a_settings_key_is_accepted_exactly_when_it_fits_the_pattern(key):
    fits = re.fullmatch(r"[a-z0-9_.-]{1,64}", key) is not None
    try:
        assert check_setting_key(key) == key and fits
    except ValidationError as exc:
        assert not fits and exc.field == "key"


@given(st.from_regex(SETTING_KEY, fullmatch=True))
def test_every_key_of_the_pattern_is_accepted(key):
    assert check_setting_key(key) == key

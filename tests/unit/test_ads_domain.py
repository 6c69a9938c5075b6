"""The ads domain, pure: placement rules, validation, selection, CTR, statistics."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

from domain.ads.admin import daily_series, window
from domain.ads.commands import Visitor
from domain.ads.rules import (
    AD_TYPES,
    PLACEMENT_LABELS,
    PLACEMENTS,
    STATUS_LABELS,
    STATUSES,
    TYPE_LABELS,
    VALID_PLACEMENTS,
    Ad,
    check_ad,
    check_link,
    ctr,
    is_servable,
    link_is_public,
    select_ads,
    serving_order,
)
from domain.common.errors import ValidationError
from entrypoints.http.ads import placement_param as parse_placement_param
from entrypoints.http.ads import serve_ads_command
from entrypoints.http.ads_admin import parse_days


def parse_serve_request(params):
    return serve_ads_command(params, Visitor())


NOW = datetime(2026, 3, 10, 12, 0, 0)


def ad(**kw) -> Ad:
    values = {
        "id": 1,
        "name": "n",
        "title": "t",
        "link": "https://example.com/",
        "status": "active",
        "created_at": NOW - timedelta(days=1),
    }
    return Ad(**{**values, **kw})


# -- the placement map and labels ----------------------------------------------------
def test_the_valid_placements_map_is_the_products():
    assert VALID_PLACEMENTS == {
        "diamond": ("feed_model", "feed_mix"),
        "diamond_block": ("home_top", "home_middle", "models_grid"),
        "banner": ("home_top", "home_bottom", "login", "register", "post_detail"),
        "spot": ("sidebar", "model_profile", "model_sidebar"),
        "hero": ("home_top",),
    }
    assert len(PLACEMENTS) == 12
    assert all(set(p) <= set(PLACEMENTS) for p in VALID_PLACEMENTS.values())


def test_every_type_placement_and_status_has_a_pt_br_label():
    assert set(TYPE_LABELS) == set(AD_TYPES)
    assert set(PLACEMENT_LABELS) == set(PLACEMENTS)
    assert set(STATUS_LABELS) == set(STATUSES)
    assert PLACEMENT_LABELS["home_top"] == "Topo da home"


# -- validation ----------------------------------------------------------------------
pairs = st.tuples(st.sampled_from(AD_TYPES), st.sampled_from(PLACEMENTS))


@given(pairs)
def test_a_type_placement_pair_is_accepted_exactly_when_the_map_allows_it(pair):
    ad_type, placement = pair
    entity = ad(type=ad_type, placement=placement)
    if placement in VALID_PLACEMENTS[ad_type]:
        check_ad(entity)
    else:
        with pytest.raises(ValidationError) as refused:
            check_ad(entity)
        assert refused.value.field == "placement"
        # The message names the valid placements, none is silently chosen.
        assert all(p in refused.value.message for p in VALID_PLACEMENTS[ad_type])


def test_unknown_placement_and_status_are_refused():
    with pytest.raises(ValidationError) as refused:
        check_ad(ad(placement="footer"))
    assert refused.value.field == "placement"
    with pytest.raises(ValidationError) as refused:
        check_ad(ad(status="deleted"))
    assert refused.value.field == "status"


@given(st.integers(-10_000, 10_000))
def test_end_date_must_be_after_start_date(minutes):
    entity = ad(start_date=NOW, end_date=NOW + timedelta(minutes=minutes))
    if minutes > 0:
        check_ad(entity)
    else:
        with pytest.raises(ValidationError) as refused:
            check_ad(entity)
        assert refused.value.field == "end_date"


@pytest.mark.parametrize(
    "link",
    [
        "https://example.com",
        "http://example.com/a/b?c=d&e=%20f#g",
        "https://sub.example.com:8443/path;p?q=(1)",
        "https://[2001:db8::1]/x",
    ],
)
def test_http_links_made_of_url_characters_are_accepted(link):
    assert check_link(link) == link


@pytest.mark.parametrize(
    "link",
    [
        "//evil.com",
        "/relative",
        "javascript:alert(1)",
        "ftp://example.com/x",
        "https://example.com/\r\nSet-Cookie: a=b",
        "https://example.com/%0d%0a ok",
        "http://evil.com\\@good.com",
        "https://user:pass@good.com/",
        "https://good.com@evil.com",
        "https://exemplo.com/promoção",
        "https://example.com/a b",
        "https://",
        "http://[",
        "data:text/html,hi",
        "https://example.com/\x00",
    ],
)
def test_links_that_are_not_plain_http_urls_are_refused(link):
    with pytest.raises(ValidationError) as refused:
        check_link(link)
    assert refused.value.field == "link"


# -- selection -----------------------------------------------------------------------
moments = st.datetimes(min_value=NOW - timedelta(days=3), max_value=NOW + timedelta(days=3))
ads_strategy = st.lists(
    st.builds(
        lambda i, placement, status, priority, created, start, end: ad(
            id=i,
            placement=placement,
            status=status,
            priority=priority,
            created_at=created,
            start_date=start,
            end_date=end,
        ),
        st.integers(1, 10**6),
        st.sampled_from(PLACEMENTS[:4]),
        st.sampled_from(STATUSES),
        st.integers(-3, 3),
        st.one_of(st.none(), moments),
        st.one_of(st.none(), moments),
        st.one_of(st.none(), moments),
    ),
    max_size=25,
    unique_by=lambda a: a.id,
)


@given(ads_strategy, st.sampled_from(PLACEMENTS[:4]), st.integers(0, 8))
def test_select_ads_serves_only_active_scheduled_ads_of_the_placement(ads, placement, limit):
    chosen = select_ads(ads, placement, NOW, limit)
    assert len(chosen) <= limit
    for a in chosen:
        assert a.placement == placement and a.status == "active"
        assert a.start_date is None or a.start_date <= NOW
        assert a.end_date is None or a.end_date >= NOW
    eligible = [a for a in ads if a.placement == placement and is_servable(a, NOW)]
    assert len(chosen) == min(limit, len(eligible))


@given(ads_strategy, st.sampled_from(PLACEMENTS[:4]), st.integers(1, 8))
def test_select_ads_orders_by_priority_then_newest_and_keeps_the_best(ads, placement, limit):
    chosen = select_ads(ads, placement, NOW, limit)
    keys = [serving_order(a) for a in chosen]
    assert keys == sorted(keys, reverse=True)
    assert [(a.priority) for a in chosen] == sorted((a.priority for a in chosen), reverse=True)
    left_out = [
        a for a in ads if a.placement == placement and is_servable(a, NOW) and a not in chosen
    ]
    if chosen:
        assert all(serving_order(a) <= keys[-1] for a in left_out)


def test_select_ads_breaks_ties_by_created_at_then_id():
    older = ad(id=5, priority=1, created_at=NOW - timedelta(days=2))
    newer = ad(id=3, priority=1, created_at=NOW - timedelta(days=1))
    twin = ad(id=4, priority=1, created_at=NOW - timedelta(days=1))
    boosted = ad(id=1, priority=2, created_at=NOW - timedelta(days=9))
    assert select_ads([older, newer, twin, boosted], "home_top", NOW, 10) == [
        boosted,
        twin,
        newer,
        older,
    ]


@pytest.mark.parametrize(
    "changes,served",
    [
        ({"status": "paused"}, False),
        ({"status": "draft"}, False),
        ({"start_date": NOW + timedelta(seconds=1)}, False),
        ({"end_date": NOW - timedelta(seconds=1)}, False),
        ({"start_date": NOW}, True),
        ({"end_date": NOW}, True),
        ({"start_date": NOW - timedelta(days=1), "end_date": NOW + timedelta(days=1)}, True),
    ],
)
def test_schedule_and_status_decide_what_is_served(changes, served):
    assert is_servable(ad(**changes), NOW) is served


@pytest.mark.parametrize(
    "changes,public",
    [
        ({"status": "draft"}, False),
        ({"start_date": NOW + timedelta(seconds=1)}, False),
        ({"status": "paused", "start_date": NOW + timedelta(days=1)}, False),
        ({}, True),
        ({"status": "paused"}, True),
        ({"end_date": NOW - timedelta(days=1)}, True),
        ({"start_date": NOW}, True),
    ],
)
def test_only_a_published_ads_link_is_public(changes, public):
    assert link_is_public(ad(**changes), NOW) is public


@given(st.sampled_from(STATUSES), st.none() | st.integers(-3, 3), st.none() | st.integers(-3, 3))
def test_every_servable_ad_has_a_public_link(status, start, end):
    candidate = ad(
        status=status,
        start_date=None if start is None else NOW + timedelta(days=start),
        end_date=None if end is None else NOW + timedelta(days=end),
    )
    assert link_is_public(candidate, NOW) or not is_servable(candidate, NOW)


# -- CTR and statistics ----------------------------------------------------------------
@given(st.integers(0, 10**9), st.integers(0, 10**9))
def test_ctr_is_clicks_over_impressions_and_zero_without_impressions(clicks, impressions):
    rate = ctr(clicks, impressions)
    if impressions == 0:
        assert rate == 0.0
    else:
        assert rate == pytest.approx(clicks / impressions)


@given(
    st.integers(1, 365),
    st.dates(date(2020, 1, 1), date(2030, 1, 1)),
    st.dictionaries(st.dates(date(2019, 1, 1), date(2031, 1, 1)), st.integers(0, 99)),
)
def test_the_daily_series_has_every_day_of_the_window_and_only_those(days, today, counts):
    span = window(today, days)
    assert len(span) == days and span[-1] == today
    assert all(b - a == timedelta(days=1) for a, b in zip(span, span[1:]))
    series = daily_series(span, counts, {})
    assert [d.day for d in series] == span
    assert [d.impressions for d in series] == [counts.get(day, 0) for day in span]
    assert all(d.clicks == 0 and d.ctr == 0.0 for d in series)


@pytest.mark.parametrize("raw,days", [(None, 30), ("", 30), ("1", 1), ("365", 365)])
def test_days_defaults_to_30_and_ranges_1_to_365(raw, days):
    assert parse_days(raw) == days


@pytest.mark.parametrize("raw", ["0", "366", "-1", "abc", "7.5", ["1", "2"]])
def test_bad_days_are_refused_naming_the_field(raw):
    with pytest.raises(ValidationError) as refused:
        parse_days(raw)
    assert refused.value.field == "days"


# -- the public request ----------------------------------------------------------------
def test_serve_requests_dedupe_placements_and_read_limit_and_track():
    request = parse_serve_request(
        {"placements": " sidebar,home_top,,sidebar ", "limit": "2", "track": "false"}
    )
    assert request.placements == ("sidebar", "home_top")
    assert (request.limit, request.track) == (2, False)
    assert parse_serve_request({"placements": ["login", "register"]}).placements == (
        "login",
        "register",
    )
    defaults = parse_serve_request({"placements": "login"})
    assert (defaults.limit, defaults.track) == (5, True)


@pytest.mark.parametrize(
    "params,field",
    [
        ({}, "placements"),
        ({"placements": ""}, "placements"),
        ({"placements": ","}, "placements"),
        ({"placements": "home_top,footer"}, "placements"),
        ({"placements": "home_top", "limit": "0"}, "limit"),
        ({"placements": "home_top", "limit": "21"}, "limit"),
        ({"placements": "home_top", "track": "maybe"}, "track"),
    ],
)
def test_bad_serve_requests_are_refused_naming_the_field(params, field):
    with pytest.raises(ValidationError) as refused:
        parse_serve_request(params)
    assert refused.value.field == field


def test_the_click_placement_parameter_must_be_a_known_placement():
    assert parse_placement_param({}) is None
    assert parse_placement_param({"placement": "sidebar"}) == "sidebar"
    with pytest.raises(ValidationError) as refused:
        parse_placement_param({"placement": "home_top\r\nX: y"})
    assert refused.value.field == "placement"


def test_visitors_keep_at_most_512_characters_of_user_agent_and_no_nul():
    visitor = Visitor.of("a\x00" + "b" * 600, "10.0.0.1")
    assert visitor.user_agent == "a" + "b" * 511 and visitor.ip == "10.0.0.1"
    assert Visitor.of(None, None) == Visitor() and Visitor.of("", None).user_agent is None


def test_ads_are_frozen_values():
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        ad().status = "paused"

"""The counting rules, pure: bots, repeats within a window, serve tokens; the serving
cache's bounds; the bot detector adapter on well-known user agents."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from adapters.bots import CrawlerDetectBots
from adapters.clock import FakeClock
from adapters.security import HmacSigner
from domain.ads import counting
from domain.ads.click_tokens import CLICK_TOKEN_TTL, click_token_is_valid, issue_click_token
from domain.ads.counting import (
    BOT,
    NO_TOKEN,
    RepeatWindows,
    first_verdict,
    is_bot,
    repeats,
    unique_keys,
    visit_key,
)
from domain.ads.service import ServingCache

NOW = datetime(2026, 3, 10, 12, 0, 0)
SECRET = "s" * 40

KEYS = st.one_of(
    st.none(),
    st.tuples(
        st.integers(1, 3),
        st.sampled_from(["home_top", "login"]),
        st.sampled_from(["10.0.0.1", "10.0.0.2"]),
        st.sampled_from(["UA", "UA2"]),
    ),
)


# -- bots and tokens first -------------------------------------------------------------
@given(
    kind=st.sampled_from(["impressions", "clicks"]), bot=st.booleans(), token_valid=st.booleans()
)
def test_bots_never_count_and_clicks_need_a_token(kind, bot, token_valid):
    verdict = first_verdict(kind, bot=bot, token_valid=token_valid)
    if bot:
        assert verdict == BOT
    elif kind == "clicks" and not token_valid:
        assert verdict == NO_TOKEN
    else:
        assert verdict is None  # may count, unless it repeats


@pytest.mark.parametrize(
    "agent,known,bot",
    [
        (None, False, True),
        ("", False, True),
        ("Mozilla/5.0", False, False),
        ("Googlebot/2.1", True, True),
    ],
)
def test_a_missing_user_agent_is_a_bot_and_the_list_decides_the_others(agent, known, bot):
    assert is_bot(agent, lambda _: known) is bot


@pytest.mark.parametrize(
    "agent,bot",
    [
        ("Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)", True),
        ("Mozilla/5.0 (compatible; bingbot/2.0; +http://www.bing.com/bingbot.htm)", True),
        ("facebookexternalhit/1.1 (+http://www.facebook.com/externalhit_uatext.php)", True),
        ("curl/8.5.0", True),
        ("python-requests/2.31.0", True),
        (
            "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) "
            "HeadlessChrome/126.0.0.0 Safari/537.36",
            True,
        ),
        (
            "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
            "Chrome/126.0.0.0 Safari/537.36",
            False,
        ),
        (
            "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, "
            "like Gecko) Version/17.5 Mobile/15E148 Safari/604.1",
            False,
        ),
    ],
)
def test_crawlerdetect_knows_crawlers_headless_browsers_and_http_libraries(agent, bot):
    assert CrawlerDetectBots().is_bot(agent) is bot


# -- repeats -----------------------------------------------------------------------------
@given(st.lists(KEYS, max_size=20), st.sets(KEYS.filter(lambda k: k is not None), max_size=4))
def test_a_visit_counts_at_most_once_per_window(keys, counted_before):
    verdicts = repeats(keys, counted_before)
    assert len(verdicts) == len(keys)
    counted = [k for k, repeat in zip(keys, verdicts) if not repeat]
    known = [k for k in counted if k is not None]
    assert len(known) == len(set(known))  # once per key
    assert not set(known) & counted_before  # never again in the window
    assert set(known) == set(unique_keys(keys)) - counted_before  # the first of each
    assert all(not repeat for k, repeat in zip(keys, verdicts) if k is None)


def test_a_visitor_is_an_ip_and_a_user_agent():
    assert visit_key(1, "home_top", "10.0.0.1", "UA") == (1, "home_top", "10.0.0.1", "UA")
    assert visit_key(1, "home_top", None, "UA") is None
    assert visit_key(1, "home_top", "10.0.0.1", None) is None


def test_the_windows_are_30_minutes_for_impressions_and_30_seconds_for_clicks():
    windows = RepeatWindows()
    assert windows.since("impressions", NOW) == NOW - timedelta(minutes=30)
    assert windows.since("clicks", NOW) == NOW - timedelta(seconds=30)
    with pytest.raises(ValueError):
        windows.of("views")


# -- serve tokens -------------------------------------------------------------------------
def test_a_serve_token_is_bound_to_its_ad_and_placement_for_an_hour():
    clock = FakeClock(NOW)
    signer = HmacSigner(SECRET, clock)
    token = issue_click_token(signer, 7, "home_top", NOW)
    assert click_token_is_valid(signer, token, 7, "home_top", NOW)
    assert not click_token_is_valid(signer, token, 8, "home_top", NOW)
    assert not click_token_is_valid(signer, token, 7, "sidebar", NOW)
    assert click_token_is_valid(signer, token, 7, "home_top", NOW + CLICK_TOKEN_TTL)
    assert not click_token_is_valid(
        signer, token, 7, "home_top", NOW + CLICK_TOKEN_TTL + timedelta(seconds=1)
    )
    other_server = HmacSigner("t" * 40, clock)
    assert not click_token_is_valid(other_server, token, 7, "home_top", NOW)


@pytest.mark.parametrize(
    "candidate",
    [
        None,
        "",
        3,
        "abc",
        "1.2",
        "9" * 13 + ".x",
        "1773144000.",
        ".sig",
        "1773144000.a.b",
        "1773144000.é",
        "x" * 101,
        ["1773144000.sig"],
    ],
)
def test_anything_else_is_simply_not_a_token(candidate):
    assert not click_token_is_valid(
        HmacSigner(SECRET, FakeClock(NOW)), candidate, 7, "home_top", NOW
    )


def test_a_token_with_a_forged_expiry_fails():
    signer = HmacSigner(SECRET, FakeClock(NOW))
    expires, signature = issue_click_token(signer, 7, "home_top", NOW).split(".")
    assert not click_token_is_valid(
        signer, f"{int(expires) + 3600}.{signature}", 7, "home_top", NOW
    )


# -- the serving cache ----------------------------------------------------------------
def test_the_cache_keeps_an_answer_for_its_ttl_or_until_an_earlier_end():
    cache = ServingCache(timedelta(milliseconds=500))
    cache.put("k", "page", NOW)
    assert cache.get("k", NOW + timedelta(milliseconds=499)) == "page"
    assert cache.get("k", NOW + timedelta(milliseconds=500)) is None
    assert cache.get("k", NOW - timedelta(seconds=1)) is None  # the clock went back
    cache.put("k", "page", NOW, until=NOW + timedelta(milliseconds=100))
    assert cache.get("k", NOW + timedelta(milliseconds=99)) == "page"
    assert cache.get("k", NOW + timedelta(milliseconds=100)) is None


def test_the_cache_is_bounded_off_when_zero_and_never_longer_than_a_second():
    cache = ServingCache(timedelta(milliseconds=500), max_entries=2)
    for key in "abc":
        cache.put(key, key, NOW)
    assert [cache.get(k, NOW) for k in "abc"] == [None, None, "c"]  # started afresh
    off = ServingCache(timedelta(0))
    off.put("k", "page", NOW)
    assert off.get("k", NOW) is None
    with pytest.raises(ValueError):
        ServingCache(timedelta(seconds=1, microseconds=1))


# -- issue 20, finding 3: the per-IP cap ---------------------------------------------------
@pytest.mark.parametrize(
    "ip, group",
    [
        ("203.0.113.9", "203.0.113.9"),
        ("2001:db8:1:2::1", "2001:db8:1:2::/64"),
        ("2001:0db8:0001:0002:ffff:ffff:ffff:ffff", "2001:db8:1:2::/64"),
        ("::ffff:203.0.113.9", "203.0.113.9"),
        ("not an address", "not an address"),
        (None, None),
        ("", None),
    ],
)
def test_an_address_is_grouped_as_the_caps_count_it(ip, group):
    assert counting.ip_group(ip) == group


def test_the_cap_counts_earlier_events_and_the_batch_per_ad():
    assert counting.over_cap([1, 1, 2, 1], {1: 8}, 10) == [False, False, False, True]
    assert counting.over_cap([1, 2], {}, 0) == [False, False]  # 0: no cap
    assert counting.over_cap([3], {3: 10}, 10) == [True]

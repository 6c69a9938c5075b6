"""Issue 20, finding 4: distributed guessing. Once an account is over its failure
limit every IP is refused (429 with Retry-After); its owner keeps getting in through a
device cookie (OWASP "Slow down online guessing attacks with device cookies"), judged
on that device's own failures only. IPv6 addresses are counted by /64.

Clients reach the app through a trusted proxy (X-Forwarded-For), as behind a load
balancer; the real default limits (factor 1)."""

from __future__ import annotations

import ipaddress

import pytest
from falcon.testing import TestClient

from domain.accounts.auth import register as register_user
from domain.accounts.commands import Register
from domain.common.rate_limits import LOGIN_PER_IP, ip_key
from entrypoints.bootstrap import build_memory_deps
from entrypoints.config import Config
from entrypoints.http.app import create_app
from tests.support.deps import FAST_HASHER, TEST_SECRET
from tests.support.rate_limits import PASSWORD, assert_429, moving_clock  # noqa: F401

PROXY = "10.0.0.1"
EMAIL = "owner@example.com"


@pytest.fixture
def deps(tmp_path, clock):
    config = Config(
        secret_key=TEST_SECRET,
        storage_url=f"file://{tmp_path / 'media'}",
        age_gate=False,
        trusted_proxies=(ipaddress.ip_network("10.0.0.0/8"),),
    )
    deps = build_memory_deps(config, clock=clock, hasher=FAST_HASHER)
    register_user(deps.auth, Register(email=EMAIL, password=PASSWORD))
    return deps


@pytest.fixture
def api(deps, moving_clock) -> TestClient:  # noqa: F811
    return TestClient(create_app(deps))


def login(api, password: str, ip: str, device: str | None = None, email: str = EMAIL):
    return api.simulate_post(
        "/api/auth/login",
        remote_addr=PROXY,
        headers={"X-Forwarded-For": ip},
        cookies={"cf_device": device} if device else None,
        json={"email": email, "password": password},
    )


def device_cookie(result) -> str:
    # (A login also sets the session cookies: entrypoints/http/sessions.py.)
    cookie = result.cookies["cf_device"]
    assert cookie.http_only and cookie.same_site == "Lax" and cookie.path == "/api/auth"
    assert not cookie.secure  # plain http here; Secure on https (below)
    return cookie.value


def test_distributed_guesses_are_refused_whatever_the_ip_but_the_owner_device_gets_in(api):
    device = device_cookie(login(api, PASSWORD, "198.51.100.7"))
    answers = [
        login(api, "guess", f"203.0.{n // 250}.{n % 250 + 1}").status_code for n in range(120)
    ]
    assert 401 in answers[:5] and answers.count(401) <= 5, answers
    assert set(answers[5:]) == {429}, answers
    # The right password from a fresh address without the cookie: refused too (it
    # would be an oracle).
    assert_429(login(api, PASSWORD, "192.0.2.99"))
    # The owner's device, from yet another address, gets in.
    assert login(api, PASSWORD, "192.0.2.100", device).status_code == 200


def test_a_device_is_judged_on_its_own_failures(api):
    device = device_cookie(login(api, PASSWORD, "198.51.100.7"))
    for n in range(5):
        login(api, "guess", f"203.0.113.{n + 1}")
    for _ in range(5):  # the owner mistypes on their device: counted on the device
        assert login(api, "typo", "198.51.100.7", device).status_code == 401
    assert_429(login(api, PASSWORD, "198.51.100.7", device))


def test_a_device_cookie_is_bound_to_its_account(api, deps):
    register_user(deps.auth, Register(email="other@example.com", password=PASSWORD))
    other = device_cookie(login(api, PASSWORD, "198.51.100.8", email="other@example.com"))
    for n in range(5):
        login(api, "guess", f"203.0.113.{n + 1}")
    assert_429(login(api, PASSWORD, "198.51.100.7", other))
    assert_429(login(api, PASSWORD, "198.51.100.7", other + "x"))


def test_the_device_cookie_is_secure_on_https(api):
    result = api.simulate_post(
        "/api/auth/login",
        remote_addr=PROXY,
        protocol="https",
        json={"email": EMAIL, "password": PASSWORD},
    )
    assert result.cookies["cf_device"].secure
    # The session cookies too (issue 23).
    assert result.cookies["cf_session"].secure and result.cookies["cf_csrf"].secure


def test_ipv6_addresses_are_counted_by_64(api):
    [per_minute, _] = LOGIN_PER_IP
    for n in range(per_minute.amount):
        login(api, "guess", f"2001:db8:1:2::{n + 1:x}", email=f"user{n}")
    assert_429(login(api, "guess", "2001:db8:1:2:ffff::1", email="fresh"))
    assert login(api, "guess", "2001:db8:1:3::1", email="fresh").status_code == 401


def test_ip_key_groups_ipv6_by_64_and_keeps_ipv4():
    assert ip_key("2001:db8:1:2::7") == ip_key("2001:db8:1:2:ffff:1:2:3") == "2001:db8:1:2::/64"
    assert ip_key("203.0.113.9") == "203.0.113.9"
    assert ip_key(None) == "unknown"

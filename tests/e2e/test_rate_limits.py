"""Issue 13, finding 4: rate limits, with the REAL defaults (factor 1; every other test
runs them x1000, see tests/conftest.py). Login, register, set-password, checkout
creation and wrong webhook tokens are limited per IP and (but webhooks) per account; a
refusal is a 429 with Retry-After in the error shape; an attacked account slows its
attacker down with a growing back-off but always lets its owner in from their browser,
through its device cookie (issue 20; the rule: domain/common/rate_limits.py; more in
tests/e2e/test_login_devices.py).

`limits` counts in wall-clock time: `moving_clock` replaces the clock of its memory
storage (and of our adapter) so windows can be made to pass without waiting."""

from __future__ import annotations

import pytest
from falcon.testing import TestClient

from adapters import rate_limits as adapter
from domain.accounts.auth import register as register_user
from domain.accounts.commands import Register
from domain.common.rate_limits import LOGIN_FAILURES, LOGIN_PER_IP, POLICIES
from entrypoints.bootstrap import build_memory_deps
from entrypoints.config import Config, load_config
from entrypoints.http.app import create_app
from tests.support.deps import FAST_HASHER, TEST_SECRET
from tests.support.payments import add_catalogue, checkout_body, customer
from tests.support.rate_limits import PASSWORD, assert_429, moving_clock  # noqa: F401

OWNER, ATTACKER, ELSEWHERE = "198.51.100.7", "203.0.113.66", "192.0.2.10"


@pytest.fixture
def deps(tmp_path, clock):
    """The real defaults: the configuration as load_config reads an empty environment."""
    defaults = load_config({"CREATORFLIX_SECRET_KEY": TEST_SECRET})
    assert (defaults.rate_limit_url, defaults.rate_limit_factor) == ("memory://", 1.0)
    config = Config(
        secret_key=TEST_SECRET, storage_url=f"file://{tmp_path / 'media'}", age_gate=False
    )
    assert config.rate_limit_factor == defaults.rate_limit_factor
    return build_memory_deps(config, clock=clock, hasher=FAST_HASHER)


@pytest.fixture
def api(deps, moving_clock) -> TestClient:
    return TestClient(create_app(deps))


def login(api, password: str, ip: str, email: str = "owner@example.com", device: str | None = None):
    return api.simulate_post(
        "/api/auth/login",
        remote_addr=ip,
        cookies={"cf_device": device} if device else None,
        json={"email": email, "password": password},
    )


def device_of(result) -> str:
    """The device cookie a successful login sets (domain.accounts.devices)."""
    assert result.status_code == 200, result.json
    return result.cookies["cf_device"].value


# -- logging in ----------------------------------------------------------------------
def test_an_attacked_account_slows_its_attacker_but_lets_its_owner_in(api, deps, moving_clock):
    register_user(deps.auth, Register(email="owner@example.com", password=PASSWORD))
    device = device_of(login(api, PASSWORD, OWNER))
    for _ in range(5):
        assert login(api, "guess", ATTACKER).status_code == 401
    # The attacker is refused, even with the right password: it would be a free oracle.
    first_wait = assert_429(login(api, PASSWORD, ATTACKER))
    assert first_wait <= 60
    # So is anyone without the account's device cookie, whatever their address.
    assert_429(login(api, PASSWORD, ELSEWHERE))
    # The owner's browser (its device cookie) still gets in, from any address.
    assert login(api, PASSWORD, ELSEWHERE, device=device).status_code == 200

    # Growing back-off: an attacker who retries as soon as Retry-After allows gets 5
    # guesses in the first minute, 10 in ten minutes, 20 in an hour, 50 in a day, and
    # waits longer and longer (refused attempts do not count).
    started = moving_clock.now
    times, waits = [started] * 5, [first_wait]
    while moving_clock.now - started < 2 * 86400:
        # (a quarter of a second past: limits' memory storage disagrees with itself at
        # the exact instant an event leaves a window, which a real clock never hits)
        moving_clock.advance(waits[-1] + 0.25)
        while (answer := login(api, "guess", ATTACKER)).status_code == 401:
            times.append(moving_clock.now)
        waits.append(assert_429(answer))
    for span, most in ((60, 5), (600, 10), (3600, 20), (86400, 50)):
        assert max(sum(1 for t in times if start <= t < start + span) for start in times) <= most, (
            span,
            most,
        )
    assert max(waits[:3]) > 60 and max(waits) > 3000, waits
    # never locked out on their device
    assert login(api, PASSWORD, OWNER, device=device).status_code == 200


def test_the_owner_who_mistyped_on_their_device_still_gets_in(api, deps):
    register_user(deps.auth, Register(email="owner@example.com", password=PASSWORD))
    device = device_of(login(api, PASSWORD, OWNER))
    assert login(api, "typo", OWNER, device=device).status_code == 401
    for _ in range(5):
        login(api, "guess", ATTACKER)
    assert login(api, PASSWORD, OWNER, device=device).status_code == 200


def test_unknown_accounts_are_limited_alike(api):
    for _ in range(5):
        assert login(api, "guess", ATTACKER, "nobody@example.com").status_code == 401
    assert_429(login(api, "guess", ATTACKER, "nobody@example.com"))


def test_one_address_is_limited_across_accounts(api):
    [per_minute, _] = LOGIN_PER_IP
    for n in range(per_minute.amount):  # not even emails: refused without hashing
        assert login(api, "guess", ATTACKER, f"user{n}").status_code == 401
    assert_429(login(api, "guess", ATTACKER, "fresh@example.com"))
    assert login(api, "guess", OWNER, "fresh@example.com").status_code == 401


def test_a_full_width_twin_counts_as_the_same_account(api):
    for _ in range(5):
        login(api, "guess", ATTACKER, "victim@example.com")
    assert_429(login(api, "guess", ATTACKER, "\uff56ictim@EXAMPLE.com"))


# -- register, set-password, checkouts, webhooks -----------------------------------------
def test_registrations_are_limited_per_ip_not_per_email(api):
    per_ip = POLICIES["register"].per_ip[0].amount
    for n in range(per_ip):
        assert (
            api.simulate_post(
                "/api/auth/register",
                remote_addr=ATTACKER,
                json={"email": f"new{n}@example.com", "password": PASSWORD},
            ).status_code
            == 201
        )
    assert_429(
        api.simulate_post(
            "/api/auth/register",
            remote_addr=ATTACKER,
            json={"email": "another@example.com", "password": PASSWORD},
        )
    )
    # A per-email count would let strangers lock the owner's sign-up (issue 20).
    answers = [
        api.simulate_post(
            "/api/auth/register",
            remote_addr=f"192.0.2.{n + 1}",
            json={"email": "probe@example.com", "password": PASSWORD},
        ).status_code
        for n in range(8)
    ]
    assert answers[0] == 201 and set(answers[1:]) == {409}


def test_set_password_is_limited_per_ip(api):
    per_ip = POLICIES["set_password"].per_ip[0].amount
    for n in range(per_ip):
        assert (
            api.simulate_post(
                "/api/auth/set-password",
                remote_addr=ATTACKER,
                json={"token": f"forged-{n}", "password": PASSWORD},
            ).status_code
            == 400
        )
    assert_429(
        api.simulate_post(
            "/api/auth/set-password",
            remote_addr=ATTACKER,
            json={"token": "forged", "password": PASSWORD},
        )
    )


def test_checkout_creation_is_limited_per_ip_not_per_buyer(api, deps):
    plan, _ = add_catalogue(deps)
    per_ip = POLICIES["checkout"].per_ip[0].amount
    for n in range(per_ip):
        body = {**checkout_body(plan.id), "customer": customer(email=f"b{n}@example.com")}
        assert (
            api.simulate_post("/api/checkouts", remote_addr=ATTACKER, json=body).status_code == 201
        )
    assert_429(
        api.simulate_post("/api/checkouts", remote_addr=ATTACKER, json=checkout_body(plan.id))
    )
    # Checkouts naming one buyer from many addresses: the mails are capped
    # (tests/e2e/test_mail_caps.py), the buyer's own checkout never is (issue 20).
    answers = [
        api.simulate_post(
            "/api/checkouts", remote_addr=f"192.0.2.{n + 1}", json=checkout_body(plan.id)
        ).status_code
        for n in range(12)
    ]
    assert answers == [201] * 12


def test_wrong_webhook_tokens_are_limited_per_ip(api, deps):
    right = deps.payments_service.webhooks.token("dias")
    body = {"externalRef": "nothing", "status": "PENDING"}
    per_ip = POLICIES["webhook_token"].per_ip[0].amount
    for n in range(per_ip):
        assert (
            api.simulate_post(
                f"/api/webhooks/dias?token=wrong{n}", remote_addr=ATTACKER, json=body
            ).status_code
            == 403
        )
    assert_429(
        api.simulate_post("/api/webhooks/dias?token=wrong-again", remote_addr=ATTACKER, json=body)
    )
    # Issue 20, finding 11: a postback with the right token is never limited, even from
    # an address that failed (the gateway's own, shared with whoever failed there).
    for remote in (ATTACKER, ELSEWHERE):
        assert (
            api.simulate_post(
                f"/api/webhooks/dias?token={right}", remote_addr=remote, json=body
            ).status_code
            == 200
        )


def test_a_stolen_token_cannot_guess_the_password_or_mail_without_limit(api, deps):
    # /api/me/password and /api/me/email check the current password; with a bearer
    # token alone an attacker would otherwise guess it (or mail strangers) at will.
    session = api.simulate_post(
        "/api/auth/register",
        remote_addr="10.9.0.1",
        json={"email": "member@example.com", "password": "member-password-1"},
    ).json
    headers = {"Authorization": f"Bearer {session['token']}"}
    answers = [
        api.simulate_post(
            "/api/me/password",
            headers=headers,
            remote_addr=f"10.9.1.{n}",
            json={"current_password": f"guess-{n}-xxxxxx", "password": "another-password-2"},
        ).status_code
        for n in range(12)
    ]
    assert len(set(answers[:10])) == 1 and 400 <= answers[0] < 429, answers
    assert answers[10:] == [429, 429], answers
    assert_429(
        api.simulate_post(
            "/api/me/email",
            headers=headers,
            remote_addr="10.9.2.1",
            json={"password": "guess", "email": "x@example.com"},
        )
    )


def test_tokenless_postbacks_about_unknown_transactions_are_ignored_and_not_counted(api, deps):
    """Issue 20, finding 11: JunglePay itself posts, without a token, about the original
    platform's old charges; those are answered 2xx (ignored, nothing read back) and do
    not count as failures, so its valid postbacks that follow are not limited; wrong
    tokens from the same address still are."""
    body = {"type": "transaction", "data": {"id": "jp_old_charge", "status": "paid"}}
    per_ip = POLICIES["webhook_token"].per_ip[0].amount
    answers = [
        api.simulate_post("/api/webhook/junglepay", json=body, remote_addr="10.8.0.1")
        for _ in range(per_ip + 5)
    ]
    assert [(a.status_code, a.json) for a in answers] == [(200, {"status": "ignored"})] * (
        per_ip + 5
    )
    right = deps.payments_service.webhooks.token("junglepay")
    valid = api.simulate_post(
        f"/api/webhooks/junglepay?token={right}", json={"data": {}}, remote_addr="10.8.0.1"
    )
    assert valid.status_code == 200, valid.text
    wrong = [
        api.simulate_post(
            f"/api/webhooks/junglepay?token=wrong{n}", json=body, remote_addr="10.8.0.1"
        ).status_code
        for n in range(per_ip + 1)
    ]
    assert wrong == [403] * per_ip + [429], wrong
    assert (
        api.simulate_post(
            f"/api/webhook/junglepay?token={right}", json={"data": {}}, remote_addr="10.8.0.1"
        ).status_code
        == 200
    )


def test_the_limited_operations_document_their_429(api):
    paths = api.simulate_get("/openapi.json").json["paths"]
    for path in (
        "/api/auth/login",
        "/api/auth/register",
        "/api/auth/set-password",
        "/api/checkouts",
        "/api/webhooks/dias",
        "/api/webhooks/junglepay",
        "/api/me/password",
        "/api/me/email",
        "/api/me/verify-email",
    ):
        answer = paths[path]["post"]["responses"]["429"]
        assert "Retry-After" in answer["headers"], path


def test_login_failures_back_off_in_growing_windows():
    windows = [(rate.amount, rate.seconds) for rate in LOGIN_FAILURES]
    assert windows == sorted(windows)
    assert all(b[1] / a[1] > b[0] / a[0] for a, b in zip(windows, windows[1:]))


@pytest.mark.parametrize(
    "name, value",
    [
        ("CREATORFLIX_RATE_LIMIT_URL", "ftp://127.0.0.1"),
        ("CREATORFLIX_RATE_LIMIT_URL", "redis://"),
        ("CREATORFLIX_RATE_LIMIT_FACTOR", "0"),
        ("CREATORFLIX_RATE_LIMIT_FACTOR", "many"),
        ("CREATORFLIX_RATE_LIMIT_FACTOR", "inf"),
    ],
)
def test_bad_rate_limit_settings_stop_the_program_naming_the_variable(name, value):
    from entrypoints.config import ConfigError

    with pytest.raises(ConfigError, match=name):
        load_config({"CREATORFLIX_SECRET_KEY": TEST_SECRET, name: value})


def test_a_redis_that_is_not_there_counts_in_memory_never_open(caplog):
    """Issue 21: a storage failure never opens the limits (it used to let every request
    through); the limiter counts in this process and says so once."""
    from domain.common.rate_limits import Rate

    limiter = adapter.LimitsRateLimiter("redis://127.0.0.1:9/0?prefix=nowhere")
    assert limiter.hit(Rate("x", 1, 60), "k") is None
    assert limiter.wait(Rate("x", 1, 60), "k") == 60
    assert limiter.hit(Rate("x", 1, 60), "k") is not None
    assert "rate-limit storage failed" in caplog.text

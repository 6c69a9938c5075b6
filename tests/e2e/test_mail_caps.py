"""Issue 20, finding 7: limits that name an email count the MAILS that address gets,
not the requests naming it. The attacker's requests are limited per IP; an address gets
at most a few mails of a kind an hour; its owner's own request from another address
still works (their checkout; their reset, from their browser's device cookie).

The real default limits (factor 1), clients behind a trusted proxy."""

from __future__ import annotations

import ipaddress

import pytest
from falcon.testing import TestClient

from domain.accounts.auth import register as register_user
from domain.accounts.commands import Register
from domain.common.rate_limits import MAIL_CAPS
from domain.mail import messages as t
from entrypoints.bootstrap import build_memory_deps
from entrypoints.config import Config
from tests.support.deps import FAST_HASHER, TEST_SECRET
from tests.support.mailbox import Mailbox
from tests.support.payments import add_catalogue, checkout_body, customer
from tests.support.rate_limits import PASSWORD, moving_clock  # noqa: F401

PROXY = "10.0.0.1"
VICTIM = "victim@example.com"


@pytest.fixture
def deps(tmp_path, clock):
    config = Config(
        secret_key=TEST_SECRET,
        storage_url=f"file://{tmp_path / 'media'}",
        age_gate=False,
        trusted_proxies=(ipaddress.ip_network("10.0.0.0/8"),),
    )
    return build_memory_deps(config, clock=clock, hasher=FAST_HASHER)


@pytest.fixture
def api(deps, moving_clock) -> TestClient:  # noqa: F811
    from entrypoints.http.app import create_app

    return TestClient(create_app(deps))


def post(api, path: str, ip: str, body: dict, device: str | None = None):
    return api.simulate_post(
        path,
        remote_addr=PROXY,
        headers={"X-Forwarded-For": ip},
        cookies={"cf_device": device} if device else None,
        json=body,
    )


def test_checkouts_naming_an_address_cap_its_pix_mails_not_its_owner(api, deps):
    plan, _ = add_catalogue(deps)
    body = {**checkout_body(plan.id), "customer": customer(email=VICTIM)}
    answers = [
        post(api, "/api/checkouts", f"203.0.113.{n + 1}", body).status_code for n in range(12)
    ]
    assert answers == [201] * 12
    mails = Mailbox(deps).messages(VICTIM, t.PIX_CREATED)
    assert len(mails) == MAIL_CAPS["pix"].amount == 5
    # The owner's own checkout, from their address, still works (the code is on the page).
    own = post(api, "/api/checkouts", "198.51.100.7", body)
    assert own.status_code == 201 and own.json["payment"]["copy_paste"]


def test_resets_for_an_address_cap_its_mails_and_its_owner_still_gets_a_link(api, deps):
    register_user(deps.auth, Register(email=VICTIM, password=PASSWORD))
    mailbox = Mailbox(deps)
    # A few resets by someone else do not lock the owner's (issue: 3 did).
    for n in range(3):
        assert (
            post(
                api, "/api/auth/password-reset", f"203.0.113.{n + 1}", {"email": VICTIM}
            ).status_code
            == 202
        )
    assert (
        post(api, "/api/auth/password-reset", "198.51.100.7", {"email": VICTIM}).status_code == 202
    )
    assert len(mailbox.messages(VICTIM, t.PASSWORD_RESET)) == 4
    # Spam from many addresses: every request is answered alike, the mails stop at the cap.
    for n in range(20):
        assert (
            post(api, "/api/auth/password-reset", f"192.0.2.{n + 1}", {"email": VICTIM}).status_code
            == 202
        )
    assert len(mailbox.messages(VICTIM, t.PASSWORD_RESET)) == MAIL_CAPS["password_reset"].amount
    # The owner's browser (it logged in before: its device cookie) still gets a link.
    device = (
        post(api, "/api/auth/login", "198.51.100.7", {"email": VICTIM, "password": PASSWORD})
        .cookies["cf_device"]
        .value
    )
    before = len(mailbox.messages(VICTIM, t.PASSWORD_RESET))
    assert (
        post(api, "/api/auth/password-reset", "198.51.100.8", {"email": VICTIM}, device).status_code
        == 202
    )
    assert len(mailbox.messages(VICTIM, t.PASSWORD_RESET)) == before + 1


def test_the_attackers_requests_are_limited_per_ip(api):
    answers = [
        post(
            api, "/api/auth/password-reset", "203.0.113.1", {"email": f"u{n}@example.com"}
        ).status_code
        for n in range(6)
    ]
    assert answers == [202] * 5 + [429]

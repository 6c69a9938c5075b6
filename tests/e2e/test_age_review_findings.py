"""The third attack review's findings on age assurance (issue 22), each reproduced:
an account's assurance handed out as a bearer token that survived logout-all and
erasure; sandbox assurances still counting after go-live; uploads neither limited nor
checked against their bytes; anonymous OIDC starts not limited."""

from __future__ import annotations

import base64

import attrs
import pytest

from domain.assurance.entities import OIDC, PENDING
from ports.security import AGE_ASSURANCE
from tests.support.api import assert_error

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
SVG = b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'


@pytest.fixture
def config(config):
    # Real rate limits here (x1, as in production): the limits are the finding.
    return attrs.evolve(
        config, age_gate=True, age_methods=("card", "document", "sandbox"), rate_limit_factor=1.0
    )


def status(client, headers=None):
    return client.simulate_get("/api/age-assurance", headers=headers or {})


def assured(client, headers=None) -> bool:
    return status(client, headers).json["assured"]


def login(client, email: str) -> dict:
    answer = client.simulate_post(
        "/api/auth/login", json={"email": email, "password": "user-password"}
    )
    assert answer.status_code == 200, answer.text
    return {"Authorization": f"Bearer {answer.json['token']}"}


def account_record_id(deps, email: str) -> int:
    with deps.uow() as uow:
        user = uow.users.get_by_email(email)
        [record] = uow.age_assurances.find({"user_id": user.id}).items
        return record.id


# -- an account's assurance is never a bearer token -----------------------------------


def test_an_assured_account_gets_no_token_and_an_aid_token_of_its_record_assures_nobody(
    client, deps, actors
):
    member = actors.user("member@example.com")
    granted = client.simulate_post("/api/age-assurance/sandbox", headers=member)
    assert granted.status_code == 201 and granted.json["token"] is None
    seen = status(client, member)
    assert seen.json["assured"] is True and seen.json["token"] is None
    # The review's token ({"aid": the account's record}, signed as before) assures no
    # one who sends it: an account's record is reached only through its session.
    forged = deps.signer.sign(
        AGE_ASSURANCE, {"aid": account_record_id(deps, "member@example.com")}, 365 * 24 * 3600
    )
    assert assured(client, {"X-Age-Assurance": forged}) is False
    assert assured(client, {"Cookie": f"cf_age_assurance={forged}"}) is False


def test_logout_all_ends_the_accounts_media_cookie(client, deps, actors):
    member = actors.user("member@example.com")
    client.simulate_post("/api/age-assurance/sandbox", headers=member)
    cookie = status(client, member).cookies["cf_age_assurance"].value
    # The browser's cookie (for /media, which gets no Authorization header) assures
    # while the session it came from could still be valid...
    assert assured(client, {"Cookie": f"cf_age_assurance={cookie}"}) is True
    out = client.simulate_post("/api/me/logout-all", headers=member)
    assert out.status_code == 204
    assert out.cookies["cf_age_assurance"].value == ""  # this browser forgets it
    # ...and not after logout-all, wherever a copy of it went.
    assert assured(client, {"Cookie": f"cf_age_assurance={cookie}"}) is False
    assert assured(client, login(client, "member@example.com")) is True  # still hers


def test_an_accounts_cookie_assures_no_other_account_and_logout_clears_it(client, actors):
    member = actors.user("member@example.com")
    client.simulate_post("/api/age-assurance/sandbox", headers=member)
    cookie = status(client, member).cookies["cf_age_assurance"].value
    other = actors.user("other@example.com")  # the same browser, another account
    assert assured(client, {**other, "Cookie": f"cf_age_assurance={cookie}"}) is False
    out = client.simulate_post("/api/auth/logout", headers=member)
    assert out.status_code == 204 and out.cookies["cf_age_assurance"].value == ""


def test_erasure_ends_the_accounts_assurance(client, deps, actors):
    member = actors.user("member@example.com")
    client.simulate_post("/api/age-assurance/sandbox", headers=member)
    cookie = status(client, member).cookies["cf_age_assurance"].value
    erased = client.simulate_delete("/api/me", headers=member, json={"password": "user-password"})
    assert erased.status_code == 204, erased.text
    assert assured(client, {"Cookie": f"cf_age_assurance={cookie}"}) is False


def test_a_visitors_assurance_lasts_the_configured_hours_at_most(client, deps, clock):
    granted = client.simulate_post("/api/age-assurance/sandbox").json
    assert granted["token"]
    assert granted["until"] is not None
    clock.advance(hours=23)
    assert assured(client, {"X-Age-Assurance": granted["token"]}) is True
    clock.advance(hours=2)
    assert assured(client, {"X-Age-Assurance": granted["token"]}) is False


def test_a_visitor_cookie_is_http_only(client):
    granted = client.simulate_post("/api/age-assurance/sandbox")
    cookie = granted.cookies["cf_age_assurance"]
    assert cookie.http_only and cookie.max_age <= 24 * 3600


# -- sandbox assurances stop counting after go-live ------------------------------------


def test_sandbox_assurances_stop_counting_once_a_real_gateway_is_active(client, deps, actors):
    admin = actors.admin()
    member = actors.user("member@example.com")
    visitor = client.simulate_post("/api/age-assurance/sandbox").json["token"]
    client.simulate_post("/api/age-assurance/sandbox", headers=member)
    assert assured(client, {"X-Age-Assurance": visitor}) and assured(client, member)
    before = client.simulate_get("/api/admin/age-assurance/figures", headers=admin).json
    assert before["methods"]["sandbox"]["assured"] == 2
    activated = client.simulate_put(
        "/api/admin/payment-gateways/junglepay",
        headers=admin,
        json={"secret_key": "sk_live_x", "is_active": True},
    )
    assert activated.status_code == 200
    assert assured(client, {"X-Age-Assurance": visitor}) is False
    assert assured(client, member) is False
    figures = client.simulate_get("/api/admin/age-assurance/figures", headers=admin).json
    assert "sandbox" not in figures["methods"] and "sandbox" not in figures["enabled"]


# -- document uploads -------------------------------------------------------------------


def send(client, who, data: bytes, declared: str = "image/png", headers=None):
    return client.simulate_post(
        "/api/age-assurance/documents",
        headers={**who, **(headers or {})},
        json={"content_type": declared, "data": base64.b64encode(data).decode()},
    )


def test_a_document_is_judged_by_its_bytes(client, deps, actors):
    member = actors.user("member@example.com")
    assert_error(send(client, member, SVG, "image/png"), 400, "invalid", "document")
    assert_error(
        send(client, member, b"GIF89a" + b"\x00" * 20, "image/jpeg"), 400, "invalid", "document"
    )
    webp = b"RIFF\x10\x00\x00\x00WEBPVP8 " + b"\x00" * 16
    assert send(client, member, webp, "image/png").status_code == 201  # the bytes win
    with deps.uow() as uow:
        assert uow.age_assurances.count({"method": "document"}) == 1


def test_a_document_over_the_size_limit_is_refused(client, deps, actors):
    member = actors.user("member@example.com")
    limit = deps.config.age_document_max_bytes
    too_big = PNG + b"\x00" * (limit - len(PNG) + 1)
    assert_error(send(client, member, too_big), 400, "invalid", "document")


def test_uploads_are_limited_per_account_and_per_ip(client, deps, actors):
    member = actors.user("member@example.com")
    for _ in range(5):
        assert send(client, member, PNG).status_code == 201
    refused = send(client, member, PNG)
    assert refused.status_code == 429 and int(refused.headers["retry-after"]) > 0
    # Other accounts from one address: 20 attempts an hour in all (6 already made).
    sent = [send(client, actors.user(f"m{i}@example.com"), PNG).status_code for i in range(16)]
    assert sent == [201] * 14 + [429, 429]


# -- anonymous OIDC starts ---------------------------------------------------------------


class _Provider:
    """An OIDC age check that never calls a provider (the limit is what is tested)."""

    name = "oidc"
    for_visitors = True
    start = "GET /api/age-assurance/oidc/start"

    def offer(self) -> dict:
        return {"method": "oidc", "for_visitors": True, "start": self.start}

    def authorization_url(self, redirect_uri, state, nonce, code_verifier) -> str:
        return "https://provider.example/authorize?state=" + state

    def verified_claims(self, *args) -> dict:
        raise AssertionError("not called")


@pytest.fixture
def deps(deps):
    return attrs.evolve(deps, age_checks={**deps.age_checks, OIDC: _Provider()})


def test_anonymous_oidc_starts_are_limited_per_ip_and_expire(client, deps, clock):
    codes = [client.simulate_get("/api/age-assurance/oidc/start").status_code for _ in range(21)]
    assert codes == [302] * 20 + [429]
    with deps.uow() as uow:
        assert uow.age_assurances.count({"method": OIDC, "outcome": PENDING}) == 20
    clock.advance(minutes=16)
    from domain.assurance.admin import figures

    counted = figures(deps.age_assurance)["methods"][OIDC]
    assert counted["abandoned"] == 20 and counted["pending"] == 0

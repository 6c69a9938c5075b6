"""Age assurance through a real OpenID Connect provider on loopback (oidc-provider-mock:
authlib's server in a thread): gate -> provider -> callback -> assured, and every way the
round trip must fail — a tampered state, a replayed code, a wrong nonce, an id_token
from another issuer, an under-18 birthdate."""

from __future__ import annotations

import logging
from urllib.parse import parse_qs, urlsplit

import attrs
import pytest
import requests
from falcon.testing import TestClient

from ports.security import AGE_OIDC
from tests.support.api import assert_error

oidc_provider_mock = pytest.importorskip("oidc_provider_mock")


@pytest.fixture(scope="module")
def provider():
    logging.getLogger("werkzeug").setLevel(logging.ERROR)
    with oidc_provider_mock.run_server_in_thread(require_nonce=True) as server:
        base = f"http://localhost:{server.server_port}"
        for sub, birthdate in (("adult", "1990-05-01"), ("minor", "2015-05-01")):
            requests.put(
                f"{base}/users/{sub}", json={"birthdate": birthdate}, timeout=5
            ).raise_for_status()
        yield server.server_port


@pytest.fixture
def backend(memory_backend):
    return memory_backend


@pytest.fixture
def config(config, provider):
    return attrs.evolve(
        config,
        age_gate=True,
        age_methods=("oidc",),
        age_oidc_issuer=f"http://localhost:{provider}",
        age_oidc_client_id="creatorflix",
        age_oidc_client_secret="s3cret",
        age_oidc_claim="birthdate",
    )


@pytest.fixture
def client(deps):
    from entrypoints.http.app import create_app

    return TestClient(create_app(deps))


def start(client, headers=None):
    started = client.simulate_get("/api/age-assurance/oidc/start", headers=headers or {})
    assert started.status_code == 302, started.text
    return started.headers["location"], started.cookies["cf_age_oidc"].value


def consent(location: str, sub: str) -> dict:
    """The person signs in at the provider; it redirects back with code and state."""
    answer = requests.post(location, data={"sub": sub}, allow_redirects=False, timeout=5)
    assert answer.status_code == 302, answer.text
    back = urlsplit(answer.headers["location"])
    assert back.path == "/api/age-assurance/oidc/callback"
    return {k: v[0] for k, v in parse_qs(back.query).items()}


def callback(client, params: dict, handshake: str):
    return client.simulate_get(
        "/api/age-assurance/oidc/callback",
        params=params,
        headers={"Cookie": f"cf_age_oidc={handshake}"},
    )


def test_gate_provider_callback_assured(client):
    gate = client.simulate_get("/api/age-assurance").json
    assert gate["assured"] is False and gate["methods"][0]["method"] == "oidc"
    location, handshake = start(client)
    query = parse_qs(urlsplit(location).query)
    assert query["code_challenge_method"] == ["S256"] and query["nonce"] and query["state"]
    done = callback(client, consent(location, "adult"), handshake)
    assert done.status_code == 302, done.text
    assert done.headers["location"].startswith("/verificacao-idade")
    token = done.cookies["cf_age_assurance"].value
    seen = client.simulate_get("/api/age-assurance", headers={"X-Age-Assurance": token}).json
    assert seen["assured"] is True and seen["method"] == "oidc"


def test_an_account_is_assured_through_oidc(client, actors):
    user = actors.user()
    location, handshake = start(client, user)
    assert callback(client, consent(location, "adult"), handshake).status_code == 302
    assert client.simulate_get("/api/age-assurance", headers=user).json["assured"] is True


def test_a_members_page_starts_the_accounts_attempt_and_gets_no_token(client, actors):
    # A page's link carries no bearer token: POST .../start (with it) makes the attempt
    # the account's; the callback assures the account, which gets no bearer token.
    user = actors.user("member@example.com")
    started = client.simulate_post("/api/age-assurance/oidc/start", headers=user)
    assert started.status_code == 200, started.text
    handshake = started.cookies["cf_age_oidc"].value
    done = callback(client, consent(started.json["location"], "adult"), handshake)
    assert done.status_code == 302
    seen = client.simulate_get("/api/age-assurance", headers=user).json
    assert seen["assured"] is True and seen["token"] is None
    assert client.simulate_get("/api/age-assurance").json["assured"] is False


def test_a_tampered_state_is_refused(client):
    location, handshake = start(client)
    params = consent(location, "adult")
    refused = callback(client, {**params, "state": params["state"] + "x"}, handshake)
    assert_error(refused, 403, "age_assurance_failed", "state")
    assert_error(callback(client, params, handshake + "x"), 403, "age_assurance_failed", "state")


def test_a_replayed_code_is_refused(client):
    location, handshake = start(client)
    params = consent(location, "adult")
    assert callback(client, params, handshake).status_code == 302
    assert_error(callback(client, params, handshake), 403, "age_assurance_failed", "code")


def test_a_wrong_nonce_is_refused(client, deps):
    location, handshake = start(client)
    params = consent(location, "adult")
    claims = deps.signer.verify(AGE_OIDC, handshake)
    forged = deps.signer.sign(AGE_OIDC, {**claims, "oidc_nonce": "another-nonce"}, 600)
    assert_error(callback(client, params, forged), 403, "age_assurance_failed", "id_token")
    assert client.simulate_get("/api/age-assurance").json["assured"] is False


def test_an_id_token_from_another_issuer_is_refused(client, deps, provider):
    location, handshake = start(client)
    params = consent(location, "adult")
    # The token endpoint answers as another issuer (the same server reached by another
    # name signs its id_tokens with iss = that name).
    check = deps.age_checks["oidc"]
    check._metadata = {
        **check.metadata(),
        "token_endpoint": f"http://127.0.0.1:{provider}/oauth2/token",
    }
    assert_error(callback(client, params, handshake), 403, "age_assurance_failed", "id_token")


def test_an_under_18_birthdate_is_refused_and_counted(client, actors, clock):
    location, handshake = start(client)
    refused = callback(client, consent(location, "minor"), handshake)
    assert_error(refused, 403, "age_assurance_failed", "birthdate")
    start(client)  # begun, never finished
    figures = client.simulate_get("/api/admin/age-assurance/figures", headers=actors.admin()).json[
        "methods"
    ]["oidc"]
    assert figures["rejected"] == 1 and figures["pending"] == 1
    clock.advance(seconds=2 * 3600)  # an attempt never finished is abandoned
    figures = client.simulate_get("/api/admin/age-assurance/figures", headers=actors.admin()).json[
        "methods"
    ]["oidc"]
    assert (figures["abandoned"], figures["pending"], figures["assured"]) == (1, 0, 0)

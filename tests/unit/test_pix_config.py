"""CREATORFLIX_GATEWAY=pix and CREATORFLIX_PIX_*: read and checked at start-up, each
mistake named."""

from __future__ import annotations

import pytest

from entrypoints.config import ConfigError, load_config
from tests.support.pix import pki  # noqa: F401

KEY = {"CREATORFLIX_SECRET_KEY": "k" * 40}


@pytest.fixture
def env(pki) -> dict:
    return {
        **KEY,
        "CREATORFLIX_GATEWAY": "pix",
        "CREATORFLIX_PIX_API_URL": "https://pix.psp.example/v2/",
        "CREATORFLIX_PIX_TOKEN_URL": "https://auth.psp.example/oauth/token",
        "CREATORFLIX_PIX_CLIENT_ID": "client-id",
        "CREATORFLIX_PIX_CLIENT_SECRET": "client-secret",
        "CREATORFLIX_PIX_CERT_FILE": str(pki.client_cert_file),
        "CREATORFLIX_PIX_CA_FILE": str(pki.ca_file),
        "CREATORFLIX_PIX_KEY": "pix@creatorflix.example",
    }


def test_the_pix_gateway_is_read_from_the_environment(env, pki):
    config = load_config(env)
    assert config.gateway == "pix"
    pix = config.pix
    assert (pix.api_url, pix.token_url) == (
        "https://pix.psp.example/v2",
        "https://auth.psp.example/oauth/token",
    )
    assert (pix.client_id, pix.key) == ("client-id", "pix@creatorflix.example")
    assert (pix.cert_file, pix.ca_file) == (str(pki.client_cert_file), str(pki.ca_file))
    assert "client-secret" not in repr(config) and "client-secret" not in repr(pix)


def test_without_any_pix_setting_there_is_no_pix_gateway():
    assert load_config(KEY).pix is None


def test_the_ca_is_optional(env):
    del env["CREATORFLIX_PIX_CA_FILE"]
    assert load_config(env).pix.ca_file is None


@pytest.mark.parametrize(
    "name",
    [
        "CREATORFLIX_PIX_API_URL",
        "CREATORFLIX_PIX_TOKEN_URL",
        "CREATORFLIX_PIX_CLIENT_ID",
        "CREATORFLIX_PIX_CLIENT_SECRET",
        "CREATORFLIX_PIX_CERT_FILE",
        "CREATORFLIX_PIX_KEY",
    ],
)
def test_each_required_setting_is_named_when_missing(env, name):
    del env[name]
    with pytest.raises(ConfigError, match=f"{name} is required"):
        load_config(env)


def test_setting_pix_without_choosing_it_still_checks_it(env):
    env["CREATORFLIX_GATEWAY"] = "sandbox"
    del env["CREATORFLIX_PIX_KEY"]
    with pytest.raises(ConfigError, match="CREATORFLIX_PIX_KEY is required"):
        load_config(env)


@pytest.mark.parametrize(
    "name, value, words",
    [
        ("CREATORFLIX_PIX_API_URL", "http://pix.psp.example/v2", "expected an https URL"),
        ("CREATORFLIX_PIX_TOKEN_URL", "pix.psp.example", "expected an https URL"),
        ("CREATORFLIX_PIX_CERT_FILE", "/nonexistent/cert.pem", "cannot read"),
        ("CREATORFLIX_PIX_KEY", "x" * 78, "at most 77"),
    ],
)
def test_bad_values_are_named(env, name, value, words):
    env[name] = value
    with pytest.raises(ConfigError, match=name) as refused:
        load_config(env)
    assert words in str(refused.value)


def test_a_certificate_without_its_key_is_refused(env, pki):
    env["CREATORFLIX_PIX_CERT_FILE"] = str(pki.ca_file)
    with pytest.raises(ConfigError, match="holds no private key"):
        load_config(env)
    env["CREATORFLIX_PIX_CERT_FILE"] = __file__
    with pytest.raises(ConfigError, match="holds no PEM certificate"):
        load_config(env)

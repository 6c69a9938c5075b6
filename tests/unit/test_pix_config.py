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


def test_the_receiving_account_is_optional_and_current_by_default(env):
    pix = load_config(env).pix
    assert (pix.account, pix.account_type) == (None, "CORRENTE")


@pytest.mark.parametrize(
    "account, kind, read",
    [
        ("0001/123456-7", "", ("0001/123456-7", "CORRENTE")),
        (" 123456 ", "POUPANCA", ("123456", "POUPANCA")),
        ("9708/012682", "pagamento", ("9708/012682", "PAGAMENTO")),
        ("1234/98765-x", "CORRENTE", ("1234/98765-X", "CORRENTE")),
        ("1" * 20, "", ("1" * 20, "CORRENTE")),
    ],
)
def test_the_receiving_account_of_pix_automatico_is_read(env, account, kind, read):
    env["CREATORFLIX_PIX_ACCOUNT"] = account
    env["CREATORFLIX_PIX_ACCOUNT_TYPE"] = kind
    pix = load_config(env).pix
    assert (pix.account, pix.account_type) == read


@pytest.mark.parametrize(
    "account",
    [
        "0001-123456",  # the agência is followed by a slash
        "12345/123456",  # an agência has at most 4 digits
        "0001/123456-78",  # one check digit
        "0001/123-45-6",  # one hyphen
        "0001/",
        "/123456",
        "conta 123456",
        "1" * 21,  # a conta has at most 20 characters
        "0001/12.345-6",
        "١٢٣٤٥",  # ASCII digits only
    ],
)
def test_a_malformed_receiving_account_stops_the_start(env, account):
    env["CREATORFLIX_PIX_ACCOUNT"] = account
    with pytest.raises(ConfigError, match="CREATORFLIX_PIX_ACCOUNT: expected") as refused:
        load_config(env)
    assert "agência/conta" in str(refused.value)


def test_an_unknown_account_type_stops_the_start(env):
    env["CREATORFLIX_PIX_ACCOUNT"] = "0001/123456-7"
    env["CREATORFLIX_PIX_ACCOUNT_TYPE"] = "SALARIO"
    with pytest.raises(ConfigError, match="CREATORFLIX_PIX_ACCOUNT_TYPE: expected one of"):
        load_config(env)


def test_an_account_alone_asks_for_the_rest_of_the_pix_settings():
    with pytest.raises(ConfigError, match="CREATORFLIX_PIX_API_URL is required"):
        load_config({**KEY, "CREATORFLIX_PIX_ACCOUNT": "0001/123456-7"})

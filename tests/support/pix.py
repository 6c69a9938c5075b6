"""Fixtures of the PIX gateway tests: a test PKI, the local API Pix (mutual TLS), the
provider's settings for it, and our app configured with CREATORFLIX_GATEWAY=pix."""

from __future__ import annotations

import time
from collections.abc import Callable

import pytest

from adapters.payments.pix_client import PixApiClient
from adapters.payments.provider import PixSettings
from entrypoints.config import Config
from tests.support.deps import TEST_SECRET
from tests.support.pix_api_server import PixApiServer
from tests.support.pix_certs import TestPki, make_pki


def eventually(condition: Callable[[], bool], seconds: float = 5.0) -> bool:
    """Whether `condition` holds within `seconds` (the local PSP counts a refused
    handshake on its own thread, after the client has already seen the failure)."""
    deadline = time.monotonic() + seconds
    while not condition() and time.monotonic() < deadline:
        time.sleep(0.01)
    return condition()


def pix_settings(pki: TestPki, server: PixApiServer, *, cert_file=None) -> PixSettings:
    """What CREATORFLIX_PIX_* would say for `server` (the operator's certificate unless
    `cert_file` names another)."""
    return PixSettings(
        api_url=server.api_url,
        token_url=server.token_url,
        client_id=server.client_id,
        client_secret=server.client_secret,
        cert_file=str(cert_file or pki.client_cert_file),
        key=server.key,
        ca_file=str(pki.ca_file),
    )


def settings_for(pki: TestPki, server: PixApiServer, **overrides) -> dict:
    """The PIX gateway's settings for `server` as an admin PUTs them
    (/api/admin/payment-gateways/pix), with `overrides`."""
    return {
        "api_url": server.api_url,
        "token_url": server.token_url,
        "public_key": server.client_id,
        "secret_key": server.client_secret,
        "pix_key": server.key,
        "pix_account": "0001/123456-7",
        "pix_account_type": "POUPANCA",
        "certificate": pki.client_cert_file.read_text(),
        "ca_certificate": pki.ca_file.read_text(),
        **overrides,
    }


def client_for(pki, server, *, cert_file=None, secret=None, monotonic=None) -> PixApiClient:
    """An API Pix client for `server` as the operator configures it (or with another
    certificate, secret or monotonic clock)."""
    s = pix_settings(pki, server, cert_file=cert_file)
    return PixApiClient(
        s.api_url,
        s.token_url,
        s.client_id,
        secret or s.client_secret,
        s.cert_file,
        ca_file=s.ca_file,
        timeout=(3.0, 5.0),
        **({"monotonic": monotonic} if monotonic else {}),
    )


@pytest.fixture(scope="session")
def pki(tmp_path_factory) -> TestPki:
    return make_pki(tmp_path_factory.mktemp("pix-pki"))


@pytest.fixture
def pix_api(pki):
    server = PixApiServer(pki).start()
    yield server
    server.stop()


@pytest.fixture
def pix_config(tmp_path, pki, pix_api, app_server) -> Config:
    """Production-like: CREATORFLIX_GATEWAY=pix against the local PSP, and our public
    URL the loopback server the app is served on."""
    return Config(
        secret_key=TEST_SECRET,
        storage_url=f"file://{tmp_path / 'media'}",
        gateway="pix",
        pix=pix_settings(pki, pix_api),
        public_url=app_server.url,
        age_gate=False,
    )

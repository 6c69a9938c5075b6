"""`creatorflix register-pix-webhook`: the notice URL registered at the PSP from the
command line (for deployments whose app servers run no background thread,
CREATORFLIX_MAIL_WORKER=off), configured by CREATORFLIX_PIX_* alone."""

from __future__ import annotations

import pytest

from entrypoints import cli
from tests.support.deps import TEST_SECRET
from tests.support.pix import pix_api, pki  # noqa: F401


@pytest.fixture
def env(monkeypatch, tmp_path, pki, pix_api):
    values = {
        "CREATORFLIX_DATABASE_URL": f"sqlite:///{tmp_path / 'cf.db'}",
        "CREATORFLIX_SECRET_KEY": TEST_SECRET,
        "CREATORFLIX_STORAGE_URL": f"file://{tmp_path / 'media'}",
        "CREATORFLIX_MAIL_URL": f"file://{tmp_path / 'outbox'}",
        "CREATORFLIX_PUBLIC_URL": "https://creatorflix.example",
        "CREATORFLIX_GATEWAY": "pix",
        "CREATORFLIX_PIX_API_URL": pix_api.api_url,
        "CREATORFLIX_PIX_TOKEN_URL": pix_api.token_url,
        "CREATORFLIX_PIX_CLIENT_ID": pix_api.client_id,
        "CREATORFLIX_PIX_CLIENT_SECRET": pix_api.client_secret,
        "CREATORFLIX_PIX_CERT_FILE": str(pki.client_cert_file),
        "CREATORFLIX_PIX_CA_FILE": str(pki.ca_file),
        "CREATORFLIX_PIX_KEY": pix_api.key,
    }
    for name, value in values.items():
        monkeypatch.setenv(name, value)
    assert cli.main(["migrate"]) == 0


def test_the_command_registers_our_notice_url(env, pix_api, capsys):
    assert cli.main(["register-pix-webhook"]) == 0
    url = pix_api.webhooks[pix_api.key]["webhookUrl"]
    assert url.startswith("https://creatorflix.example/api/webhook/pix/")
    out = capsys.readouterr().out
    assert "registered" in out and url not in out  # the token stays out of the output


def test_a_psp_that_refuses_makes_it_fail(env, pix_api):
    pix_api.down = True
    assert cli.main(["register-pix-webhook"]) == 1
    assert pix_api.webhooks == {}

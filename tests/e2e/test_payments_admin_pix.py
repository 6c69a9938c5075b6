"""The PIX gateway configured and activated from the admin gateways API (issue 26): the
client secret and the certificate are write-only and stored sealed; activating it
registers our notice URL at the PSP, and a one-off PIX is then paid through a cob
created with the uploaded certificate. No CREATORFLIX_PIX_* is set here."""

from __future__ import annotations

import pytest

from entrypoints.config import Config
from tests.support.api import assert_error
from tests.support.deps import TEST_SECRET
from tests.support.payments import (  # noqa: F401
    add_catalogue,
    app_server,
    checkout_body,
    live_client,
    poll,
    settle_postbacks,
    start,
    subscriptions_of,
)
from tests.support.pix import pix_api, pki, settings_for  # noqa: F401

PIX = "/api/admin/payment-gateways/pix"


@pytest.fixture
def config(tmp_path, app_server) -> Config:
    return Config(
        secret_key=TEST_SECRET,
        storage_url=f"file://{tmp_path / 'media'}",
        public_url=app_server.url,
        age_gate=False,
    )


@pytest.mark.smoke
def test_an_admin_configures_and_activates_pix_and_a_pix_is_paid(
    live_client, deps, actors, pki, pix_api
):
    admin = actors.admin()
    result = live_client.simulate_put(
        PIX, headers=admin, json={**settings_for(pki, pix_api), "is_active": True}
    )
    assert result.status_code == 200, result.json
    view = result.json
    assert view["is_active"] and view["has_secret_key"]
    assert view["pix"] == {
        "api_url": pix_api.api_url,
        "token_url": pix_api.token_url,
        "pix_key": pix_api.key,
        "pix_account": "0001/123456-7",
        "pix_account_type": "POUPANCA",
        "has_certificate": True,
        "ca_certificate": pki.ca_file.read_text().strip(),
        "missing": [],
    }
    listed = live_client.simulate_get("/api/admin/payment-gateways", headers=admin)
    assert listed.json["charging_gateway"] == "pix"
    for text in (result.text, listed.text):
        assert pix_api.client_secret not in text and "PRIVATE KEY" not in text
    # Activation registered our notice URL for the key.
    assert pix_api.webhooks[pix_api.key]["webhookUrl"] == view["generated_postback_url"]

    plan, _ = add_catalogue(deps)
    created = start(live_client, checkout_body(plan.id))
    assert created["payment"]["provider"] == "pix"
    [txid] = pix_api.cobs
    pix_api.pay(txid)
    assert pix_api.notify(txid) == 200
    assert settle_postbacks(deps) == ["processed"]
    assert poll(live_client, created).json["status"] == "paid"
    assert len(subscriptions_of(deps, "ana@example.com")) == 1


def test_the_secret_and_certificate_are_stored_sealed(live_client, deps, actors, pki, pix_api):
    live_client.simulate_put(PIX, headers=actors.admin(), json=settings_for(pki, pix_api))
    [row] = [r for r in deps.database.tables["payment_gateways"].values() if r.name == "pix"]
    assert row.certificate.startswith("fernet:") and row.secret_key.startswith("fernet:")
    with deps.uow() as uow:
        [opened] = [r for r in uow.payment_gateways.find().items if r.name == "pix"]
    assert opened.certificate == pki.client_cert_file.read_text().strip()
    assert "PRIVATE" not in repr(opened) and pix_api.client_secret not in repr(opened)


def test_activating_pix_needs_every_setting(live_client, actors, pki, pix_api):
    admin = actors.admin()
    partial = {k: v for k, v in settings_for(pki, pix_api).items() if k != "certificate"}
    assert_error(
        live_client.simulate_put(PIX, headers=admin, json={**partial, "is_active": True}),
        400,
        "invalid",
        "certificate",
    )
    result = live_client.simulate_put(PIX, headers=admin, json=partial)
    assert result.status_code == 200 and result.json["pix"]["missing"] == ["certificate"]
    assert pix_api.webhooks == {}


@pytest.mark.parametrize(
    "field, value",
    [
        ("certificate", "not a certificate"),
        ("certificate", "-----BEGIN CERTIFICATE-----\nAA==\n-----END CERTIFICATE-----"),
        ("ca_certificate", "nope"),
        ("api_url", "http://pix.psp.example/v2"),
        ("token_url", "ftp://pix.psp.example/token"),
        ("pix_key", "x" * 78),
        ("pix_account", "0001-123456"),
        ("pix_account", "12345/123456"),
        ("pix_account", "0001/123456-78"),
        ("pix_account", "conta 123"),
        ("pix_account", ""),
        ("pix_account_type", "SALARIO"),
    ],
)
def test_bad_pix_settings_are_refused_naming_the_field(live_client, actors, field, value):
    assert_error(
        live_client.simulate_put(PIX, headers=actors.admin(), json={field: value}),
        400,
        "invalid",
        field,
    )


@pytest.mark.parametrize(
    "field, value",
    [("pix_key", "x@example.com"), ("pix_account", "123456"), ("pix_account_type", "CORRENTE")],
)
def test_pix_settings_belong_to_the_pix_gateway_only(live_client, actors, field, value):
    assert_error(
        live_client.simulate_put(
            "/api/admin/payment-gateways/junglepay",
            headers=actors.admin(),
            json={field: value},
        ),
        400,
        "invalid",
        field,
    )


def test_the_receiving_account_is_optional_stored_and_shown_back(live_client, actors, pki, pix_api):
    admin = actors.admin()
    without = {
        k: v for k, v in settings_for(pki, pix_api).items() if not k.startswith("pix_account")
    }
    result = live_client.simulate_put(PIX, headers=admin, json={**without, "is_active": True})
    assert result.status_code == 200, result.json
    assert result.json["pix"]["missing"] == []  # only Pix Automático's charges need it
    assert (result.json["pix"]["pix_account"], result.json["pix"]["pix_account_type"]) == (
        None,
        None,
    )
    changed = live_client.simulate_put(
        PIX, headers=admin, json={"pix_account": " 1234/98765-x ", "pix_account_type": "PAGAMENTO"}
    )
    assert changed.status_code == 200, changed.json
    listed = live_client.simulate_get("/api/admin/payment-gateways", headers=admin)
    [pix] = [g["pix"] for g in listed.json["data"] if g["name"] == "pix"]
    assert (pix["pix_account"], pix["pix_account_type"]) == ("1234/98765-X", "PAGAMENTO")
    cleared = live_client.simulate_put(
        PIX, headers=admin, json={"pix_account": None, "pix_account_type": None}
    )
    assert cleared.json["pix"]["pix_account"] is None
    assert cleared.json["pix"]["pix_account_type"] is None
    assert cleared.json["is_active"]


def test_an_unreachable_psp_at_activation_still_saves_and_logs(
    live_client, actors, pki, pix_api, caplog
):
    pix_api.down = True
    result = live_client.simulate_put(
        PIX, headers=actors.admin(), json={**settings_for(pki, pix_api), "is_active": True}
    )
    assert result.status_code == 200 and result.json["is_active"]
    assert "could not be registered" in caplog.text


def test_the_audit_log_keeps_no_certificate_or_secret(live_client, actors, pki, pix_api):
    admin = actors.admin()
    live_client.simulate_put(PIX, headers=admin, json=settings_for(pki, pix_api))
    log = live_client.simulate_get("/api/admin/audit-log", headers=admin)
    assert log.status_code == 200
    assert "/api/admin/payment-gateways/pix" in log.text
    assert "BEGIN" not in log.text and pix_api.client_secret not in log.text

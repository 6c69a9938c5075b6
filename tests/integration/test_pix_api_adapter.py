"""The API Pix adapter against the local PSP over real mutual TLS: the client
certificate goes on every call (a request without it is refused by the server), the
CA is ours whatever REQUESTS_CA_BUNDLE says, one token serves many calls (and threads),
and the PSP's RFC 7807 problems become clear domain errors."""

from __future__ import annotations

import threading
from datetime import datetime

import pytest
import requests

from adapters.payments.pix_api import PixApiGateway
from adapters.payments.provider import GatewayProvider
from domain.common.errors import GatewayRejected, ServiceUnavailable
from domain.payments.customer import Customer
from domain.payments.gateways import (
    PIX_GATEWAY,
    TX_PAID,
    WAITING_PAYMENT,
    ChargeItem,
    ChargeRequest,
    charge_reference,
)
from tests.support.pix import (  # noqa: F401
    client_for,
    eventually,
    pix_api,
    pix_settings,
    pki,
)

ANA = Customer(
    name="Ana Souza", email="ana@example.com", document="52998224725", phone="11987654321"
)


class Ticker:
    """A monotonic clock the test moves (the token's lifetime)."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def charge(checkout_id: int = 7, amount: int = 2990) -> ChargeRequest:
    return ChargeRequest(
        amount=amount,
        payment_method="pix",
        customer=ANA,
        items=(ChargeItem("Mensal", amount),),
        postback_url="http://127.0.0.1/unused",
        reference=charge_reference(checkout_id, datetime(2026, 12, 7, 5)),
    )


@pytest.fixture
def gateway(pki, pix_api) -> PixApiGateway:
    return PixApiGateway(client_for(pki, pix_api), pix_api.key)


def test_a_cob_is_created_read_back_and_paid(gateway, pix_api):
    created = gateway.create_charge(charge())
    txid = created.external_id
    assert len(txid) == 32 and txid.isalnum()
    assert (created.status, created.pix_code) == (
        WAITING_PAYMENT,
        pix_api.cobs[txid]["pixCopiaECola"],
    )
    assert created.pix_expires_at is not None
    assert gateway.get_transaction(txid).status == WAITING_PAYMENT
    pix_api.pay(txid)
    paid = gateway.get_transaction(txid)
    assert (paid.status, paid.amount) == (TX_PAID, 2990)
    assert gateway.get_transaction("cf" + "0" * 30) is None  # the PSP's 404


def test_a_request_without_the_client_certificate_is_refused(pki, pix_api, gateway):
    with pytest.raises(requests.exceptions.RequestException):
        requests.post(
            pix_api.token_url,
            auth=(pix_api.client_id, pix_api.client_secret),
            data={"grant_type": "client_credentials"},
            verify=str(pki.ca_file),
            timeout=5,
        )
    # The server's thread counts a failed handshake just after the client saw it fail.
    assert eventually(lambda: pix_api.refused_handshakes == 1) and pix_api.token_calls == 0
    # Another CA's certificate is no better; the operator's one gets through.
    stranger = PixApiGateway(
        client_for(pki, pix_api, cert_file=pki.stranger_cert_file), pix_api.key
    )
    with pytest.raises(ServiceUnavailable):
        stranger.create_charge(charge())
    assert eventually(lambda: pix_api.refused_handshakes == 2) and pix_api.cobs == {}
    gateway.create_charge(charge())
    assert pix_api.refused_handshakes == 2 and len(pix_api.cobs) == 1


def test_our_ca_is_used_whatever_the_environment_says(pki, pix_api, gateway, monkeypatch, tmp_path):
    # requests would otherwise let REQUESTS_CA_BUNDLE replace a Session's CA: a bundle
    # without the PSP's CA must change nothing.
    other = tmp_path / "other-ca.pem"
    other.write_bytes(pki.stranger_cert_file.read_bytes().split(b"-----BEGIN PRIVATE")[0])
    monkeypatch.setenv("REQUESTS_CA_BUNDLE", str(other))
    monkeypatch.setenv("CURL_CA_BUNDLE", str(other))
    monkeypatch.setenv("HTTPS_PROXY", "http://127.0.0.1:9")  # nothing listens there
    assert gateway.create_charge(charge()).status == WAITING_PAYMENT


def test_one_token_serves_many_calls_until_shortly_before_it_expires(pki, pix_api):
    ticker = Ticker()
    gateway = PixApiGateway(client_for(pki, pix_api, monotonic=ticker), pix_api.key)
    txid = gateway.create_charge(charge()).external_id
    for _ in range(3):
        gateway.get_transaction(txid)
    gateway.register_webhook("https://creatorflix.example/api/webhook/pix/t")
    assert pix_api.token_calls == 1 and len(pix_api.api_calls) == 5
    ticker.now += 3600 - 61  # still more than a minute left: kept
    gateway.get_transaction(txid)
    assert pix_api.token_calls == 1
    ticker.now += 2  # within the last minute: renewed first
    gateway.get_transaction(txid)
    assert pix_api.token_calls == 2


def test_threads_share_one_token_call(pki, pix_api):
    gateway = PixApiGateway(client_for(pki, pix_api), pix_api.key)
    txid = gateway.create_charge(charge()).external_id
    pix_api.token_calls = 0
    fresh = PixApiGateway(client_for(pki, pix_api), pix_api.key)
    errors: list[BaseException] = []
    start = threading.Barrier(6)

    def read() -> None:
        start.wait()
        try:
            fresh.get_transaction(txid)
        except BaseException as error:  # reported below
            errors.append(error)

    threads = [threading.Thread(target=read) for _ in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert errors == [] and pix_api.token_calls == 1


def test_a_token_the_psp_revoked_is_replaced_once(pki, pix_api, gateway):
    txid = gateway.create_charge(charge()).external_id
    pix_api.tokens.clear()  # the PSP forgot it (restart, revocation)
    assert gateway.get_transaction(txid).status == WAITING_PAYMENT
    assert pix_api.token_calls == 2


def test_a_retry_of_the_same_checkout_reuses_its_cob(gateway, pix_api):
    first = gateway.create_charge(charge())
    again = gateway.create_charge(charge())
    assert again.external_id == first.external_id and len(pix_api.cobs) == 1
    assert again.pix_code == first.pix_code
    # Another amount under the same txid is no retry: the PSP's refusal stands.
    with pytest.raises(GatewayRejected, match="CobOperacaoInvalida"):
        gateway.create_charge(charge(amount=990))


def test_the_psps_problems_are_mapped_to_clear_errors(pki, pix_api):
    wrong_key = PixApiGateway(client_for(pki, pix_api), "not-our-key@example.com")
    with pytest.raises(GatewayRejected) as rejected:
        wrong_key.create_charge(charge())
    message = rejected.value.message
    assert "CobOperacaoInvalida" in message and "cob.chave" in message
    assert "52998224725" not in message  # never the buyer's CPF

    gateway = PixApiGateway(client_for(pki, pix_api), pix_api.key)
    pix_api.down = True
    with pytest.raises(ServiceUnavailable, match="ServicoIndisponivel"):
        gateway.create_charge(charge())
    pix_api.down = False

    bad_secret = PixApiGateway(client_for(pki, pix_api, secret="wrong"), pix_api.key)
    with pytest.raises(ServiceUnavailable, match="401"):
        bad_secret.get_transaction("cf" + "0" * 30)
    with pytest.raises(GatewayRejected, match="26 to 35"):
        gateway.create_charge(
            ChargeRequest(
                amount=100,
                payment_method="pix",
                customer=ANA,
                items=(),
                postback_url="",
                reference="short",
            )
        )


def test_the_provider_guards_pix_calls_with_the_breaker(pki, pix_api):
    from adapters.clock import FakeClock

    provider = GatewayProvider("http://127.0.0.1:9", FakeClock(), pix=pix_settings(pki, pix_api))
    pix_api.down = True
    for _ in range(5):
        with pytest.raises(ServiceUnavailable):
            provider.pix(None).get_transaction("cf" + "0" * 30)
    assert provider.circuits()[PIX_GATEWAY].state == "open"
    calls = len(pix_api.api_calls)
    with pytest.raises(ServiceUnavailable, match="não está respondendo"):
        provider.pix(None).get_transaction("cf" + "0" * 30)
    assert len(pix_api.api_calls) == calls  # refused without a call

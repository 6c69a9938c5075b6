"""The JunglePay adapter against the local contract server: the request it sends, what
it reads back, and every failure turned into the right domain error."""

from __future__ import annotations

import logging
import socket

import pytest

from adapters.payments.junglepay import JunglePayGateway
from domain.common.errors import GatewayRejected, GatewayTimeout, PaymentRefused, ServiceUnavailable
from domain.payments.customer import parse_customer
from domain.payments.gateways import ChargeItem, ChargeRequest
from tests.support.junglepay_server import REFUSED_CARD
from tests.support.payments import JUNGLEPAY_SECRET, customer, junglepay  # noqa: F401

CARD_HASH = "tok_card_4242_secret_hash"


def request(method: str = "pix", **overrides) -> ChargeRequest:
    values = dict(
        amount=3980,
        payment_method=method,
        customer=parse_customer(customer()),
        items=(ChargeItem("Mensal", 2990), ChargeItem("Pack", 990)),
        postback_url="http://127.0.0.1:9/api/webhooks/junglepay?token=t",
    )
    if method == "credit_card":
        values.update(card_hash=CARD_HASH, installments=2)
    return ChargeRequest(**{**values, **overrides})


def gateway(server, secret: str = JUNGLEPAY_SECRET, timeout=(1.0, 2.0)) -> JunglePayGateway:
    return JunglePayGateway(server.url, secret, timeout=timeout)


def test_a_pix_charge_sends_the_documented_body_and_returns_the_code(junglepay):
    charge = gateway(junglepay).create_charge(request())
    assert junglepay.received == [
        {
            "amount": 3980,
            "paymentMethod": "pix",
            "customer": {
                "name": "Ana Souza",
                "email": "ana@example.com",
                "phone": "11987654321",
                "document": {"number": "52998224725", "type": "cpf"},
            },
            "items": [
                {"title": "Mensal", "unitPrice": 2990, "quantity": 1, "tangible": False},
                {"title": "Pack", "unitPrice": 990, "quantity": 1, "tangible": False},
            ],
            "postbackUrl": "http://127.0.0.1:9/api/webhooks/junglepay?token=t",
            "pix": {"expiresInDays": 1},
        }
    ]
    tx = junglepay.transactions[charge.external_id]
    assert charge.status == "waiting_payment"
    assert charge.pix_code == tx["pix"]["qrcode"]
    assert charge.pix_expires_at == tx["pix"]["expirationDate"]
    assert charge.secure_url == tx["secureUrl"]


def test_a_card_charge_sends_the_card_token_and_installments(junglepay):
    gateway(junglepay).create_charge(request("credit_card"))
    [body] = junglepay.received
    assert body["card"] == {"hash": CARD_HASH} and body["installments"] == 2
    assert "pix" not in body


def test_a_transaction_is_read_back(junglepay):
    jp = gateway(junglepay)
    charge = jp.create_charge(request())
    junglepay.set_status(charge.external_id, "paid")
    tx = jp.get_transaction(charge.external_id)
    assert (tx.external_id, tx.status, tx.amount) == (charge.external_id, "paid", 3980)
    assert tx.customer_email == "ana@example.com"
    assert jp.get_transaction("424242") is None


def test_a_refused_card_is_payment_refused(junglepay):
    with pytest.raises(PaymentRefused):
        gateway(junglepay).create_charge(request("credit_card", card_hash=REFUSED_CARD))


def test_a_gateway_error_is_service_unavailable(junglepay):
    junglepay.mode = "down"
    with pytest.raises(ServiceUnavailable) as caught:
        gateway(junglepay).create_charge(request())
    assert not isinstance(caught.value, GatewayTimeout)
    with pytest.raises(ServiceUnavailable):
        gateway(junglepay).get_transaction("1001")


def test_a_wrong_secret_key_is_service_unavailable(junglepay):
    with pytest.raises(ServiceUnavailable, match="misconfigured"):
        gateway(junglepay, secret="sk_wrong").create_charge(request())


def test_a_slow_gateway_is_a_gateway_timeout(junglepay):
    junglepay.mode, junglepay.delay = "slow", 3.0
    with pytest.raises(GatewayTimeout):
        gateway(junglepay, timeout=(1.0, 0.3)).create_charge(request())


def test_an_unreachable_gateway_is_service_unavailable():
    with socket.socket() as sock:  # a port nobody listens on
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    jp = JunglePayGateway(f"http://127.0.0.1:{port}", JUNGLEPAY_SECRET, timeout=(1.0, 1.0))
    with pytest.raises(ServiceUnavailable) as caught:
        jp.create_charge(request())
    assert not isinstance(caught.value, GatewayTimeout)


def test_neither_the_secret_key_nor_the_card_reaches_a_log(junglepay, caplog):
    caplog.set_level(logging.DEBUG)
    jp = gateway(junglepay)
    jp.create_charge(request("credit_card"))
    with pytest.raises(PaymentRefused):
        jp.create_charge(request("credit_card", card_hash=REFUSED_CARD))
    junglepay.mode = "down"
    with pytest.raises(ServiceUnavailable):
        jp.create_charge(request("credit_card"))
    assert caplog.records, "the adapter logs its calls"
    text = caplog.text + repr(jp) + repr(request("credit_card"))
    assert JUNGLEPAY_SECRET not in text and CARD_HASH not in text
    assert "52998224725" not in caplog.text


def test_a_request_junglepay_rejects_is_gateway_rejected_with_its_message(junglepay):
    jp = gateway(junglepay)
    with pytest.raises(GatewayRejected) as caught:  # 400: its validation of our body
        jp.create_charge(request(items=(ChargeItem("Mensal", 3980), ChargeItem("Gift", 0))))
    assert "items" in caught.value.message
    assert not isinstance(caught.value, ServiceUnavailable)  # nothing to retry
    junglepay.mode = "reject"  # 422
    with pytest.raises(GatewayRejected) as caught:
        jp.create_charge(request("credit_card"))
    assert "customer.document is not accepted" in caught.value.message
    assert caught.value.code == "gateway_rejected"
    assert JUNGLEPAY_SECRET not in caught.value.message and CARD_HASH not in caught.value.message

"""Pix Automático through the API Pix adapters against the local PSP over real mutual
TLS: journey 3's charge (a cob, the rec it activates, the composite QR), recurrences
read and cancelled, cobrs sent idempotently, refused, retried and settled, the
webhooks registered, and the PSP's problems as clear domain errors."""

from __future__ import annotations

import logging
from datetime import date, datetime, timedelta

import attrs
import pytest

from adapters.clock import FakeClock
from adapters.payments.pix_api import PixApiGateway
from adapters.payments.pix_recurring import PixRecurringGateway
from adapters.payments.provider import GatewayProvider
from domain.common.errors import GatewayRejected, ServiceUnavailable
from domain.payments.checkout import PIX_AUTOMATICO
from domain.payments.customer import Customer
from domain.payments.gateways import (
    PIX_GATEWAY,
    WAITING_PAYMENT,
    ChargeItem,
    ChargeRequest,
    PaymentGatewayConfig,
    charge_reference,
)
from domain.payments.pix_automatico import (
    PAID,
    REFUSED,
    RecurrenceTerms,
    RecurringCharge,
    cobr_txid,
    outcome,
)
from tests.support.pix import (  # noqa: F401
    client_for,
    eventually,
    pix_api,
    pix_settings,
    pki,
)
from tests.support.webhook_receiver import WebhookReceiver

ANA = Customer(
    name="Ana Souza", email="ana@example.com", document="52998224725", phone="11987654321"
)
TODAY = date(2026, 12, 7)
SUBJECT = "CreatorFlix: assinatura semanal do canal da Ana"  # > 35 characters
ACCOUNT = "0001/123456"


@pytest.fixture(autouse=True)
def psp_calendar(pix_api):
    pix_api.today = lambda: TODAY


@pytest.fixture
def gateway(pki, pix_api) -> PixApiGateway:
    return PixApiGateway(client_for(pki, pix_api), pix_api.key)


@pytest.fixture
def recurring(pki, pix_api) -> PixRecurringGateway:
    return PixRecurringGateway(client_for(pki, pix_api), pix_api.key, ACCOUNT, "CORRENTE")


def journey3(checkout_id: int = 7, amount: int = 2990) -> ChargeRequest:
    return ChargeRequest(
        amount=amount,
        payment_method=PIX_AUTOMATICO,
        customer=ANA,
        items=(ChargeItem("Semanal", amount),),
        postback_url="http://127.0.0.1/unused",
        reference=charge_reference(checkout_id, datetime(2026, 12, 7, 5)),
        recurrence=RecurrenceTerms(
            periodicity="SEMANAL",
            first_due=TODAY + timedelta(days=7),
            amount=amount,
            subject=SUBJECT,
        ),
    )


def approved_rec(gateway, pix_api) -> str:
    """A journey-3 purchase whose QR the payer scanned: its idRec."""
    id_rec = gateway.create_charge(journey3()).recurrence_id
    pix_api.scan(id_rec)
    return id_rec


def cycle(id_rec: str, due: date, amount: int = 2990) -> RecurringCharge:
    return RecurringCharge(
        id_rec=id_rec, txid=cobr_txid(41, due), due=due, amount=amount, info="Semanal"
    )


def test_journey_3_shows_one_qr_for_the_cob_and_the_rec(gateway, pix_api):
    charge = gateway.create_charge(journey3())
    txid = charge.external_id
    rec = pix_api.recs[charge.recurrence_id]
    assert pix_api.rec_of_txid(txid)["idRec"] == charge.recurrence_id
    assert rec["vinculo"] == {
        "contrato": txid,
        "devedor": {"cpf": "52998224725", "nome": "Ana Souza"},
        "objeto": SUBJECT[:35],
    }
    assert rec["calendario"] == {"dataInicial": "2026-12-14", "periodicidade": "SEMANAL"}
    assert rec["valor"] == {"valorRec": "29.90"}
    assert rec["politicaRetentativa"] == "PERMITE_3R_7D"
    assert rec["ativacao"]["dadosJornada"] == {"txid": txid}
    assert rec["status"] == "CRIADA" and len(charge.recurrence_id) == 29
    # The composite QR: the cob's BR Code plus the rec's location.
    assert charge.status == WAITING_PAYMENT and charge.pix_expires_at is not None
    assert charge.pix_code != pix_api.cobs[txid]["pixCopiaECola"]
    assert rec["loc"]["location"] in charge.pix_code
    assert pix_api.cobs[txid]["valor"]["original"] == "29.90"

    plain = gateway.create_charge(attrs.evolve(journey3(8), payment_method="pix"))
    assert plain.recurrence_id is None and len(pix_api.recs) == 1
    assert plain.pix_code == pix_api.cobs[plain.external_id]["pixCopiaECola"]


def test_journey_3_without_a_qr_from_the_psp_fails(gateway, pix_api):
    pix_api._get_rec = lambda id_rec, txid, body: (200, dict(pix_api.recs[id_rec]))
    with pytest.raises(ServiceUnavailable, match="no QR code"):
        gateway.create_charge(journey3())


def test_a_recurrence_is_read_approved_and_cancelled(gateway, recurring, pix_api):
    charge = gateway.create_charge(journey3())
    id_rec = charge.recurrence_id
    read = recurring.get_recurrence(id_rec)
    assert (read.status, read.contract, read.activation_txid, read.amount, read.qr_code) == (
        "CRIADA",
        charge.external_id,
        charge.external_id,
        2990,
        None,
    )
    assert recurring.get_recurrence(id_rec, charge.external_id).qr_code == charge.pix_code
    pix_api.scan(id_rec)
    assert pix_api.cobs[charge.external_id]["status"] == "CONCLUIDA"
    assert recurring.get_recurrence(id_rec).status == "APROVADA"
    cancelled = recurring.cancel_recurrence(id_rec)
    assert (cancelled.status, cancelled.cancelled_by) == ("CANCELADA", "USUARIO_RECEBEDOR")
    with pytest.raises(GatewayRejected, match="RecOperacaoInvalida"):
        recurring.cancel_recurrence(id_rec)
    assert recurring.get_recurrence("RR" + "0" * 27) is None

    other = gateway.create_charge(journey3(9)).recurrence_id
    pix_api.cancel_rec_by_payer(other)
    assert recurring.get_recurrence(other).cancelled_by == "USUARIO_PAGADOR"


def test_a_cobr_sent_twice_is_one_cobr(gateway, recurring, pix_api):
    id_rec = approved_rec(gateway, pix_api)
    due = TODAY + timedelta(days=7)
    first = recurring.send_charge(cycle(id_rec, due))
    again = recurring.send_charge(cycle(id_rec, due))  # its answer was lost
    assert again == first and len(pix_api.cobrs) == 1
    assert (first.status, first.id_rec, first.due, first.amount, first.paid) == (
        "ATIVA",
        id_rec,
        due,
        2990,
        None,
    )
    assert first.attempts == ((due, "AGENDADA"),)
    stored = pix_api.cobrs[first.txid]
    assert stored["recebedor"] == {"agencia": "0001", "conta": "123456", "tipoConta": "CORRENTE"}
    assert (stored["ajusteDiaUtil"], stored["valor"], stored["infoAdicional"]) == (
        True,
        {"original": "29.90"},
        "Semanal",
    )
    # Another amount under the same txid is no repetition: the PSP's refusal stands.
    with pytest.raises(GatewayRejected, match="cobr.txid"):
        recurring.send_charge(cycle(id_rec, due, amount=990))


def test_a_refused_cobr_is_retried_and_settled(gateway, recurring, pix_api):
    id_rec = approved_rec(gateway, pix_api)
    due = TODAY + timedelta(days=2)
    txid = recurring.send_charge(cycle(id_rec, due)).txid
    pix_api.today = lambda: due
    pix_api.refuse_cobr(txid)
    refused = recurring.get_charge(txid)
    assert refused.status == "ATIVA" and refused.attempts == ((due, "REJEITADA"),)
    assert outcome(refused, 2990) == REFUSED
    retried = recurring.retry_charge(txid, due + timedelta(days=1))
    assert retried.attempts[-1] == (due + timedelta(days=1), "AGENDADA")
    assert [t["tipo"] for t in pix_api.cobrs[txid]["tentativas"]] == ["AGND", "NTAG"]
    pix_api.settle_cobr(txid)
    paid = recurring.get_charge(txid)
    assert (paid.status, paid.paid, outcome(paid, 2990)) == ("CONCLUIDA", 2990, PAID)
    assert paid.attempts[-1][1] == "PAGA"
    assert recurring.get_charge(cobr_txid(41, TODAY)) is None
    assert recurring.get_charge("short") is None


def test_retries_follow_the_spec(gateway, recurring, pix_api):
    id_rec = approved_rec(gateway, pix_api)
    due = TODAY + timedelta(days=2)
    txid = recurring.send_charge(cycle(id_rec, due)).txid
    with pytest.raises(GatewayRejected, match="AGENDADA"):  # the first one is pending
        recurring.retry_charge(txid, due + timedelta(days=1))
    pix_api.today = lambda: due
    pix_api.refuse_cobr(txid)
    with pytest.raises(GatewayRejected, match="7 dias"):
        recurring.retry_charge(txid, due + timedelta(days=8))
    with pytest.raises(GatewayRejected, match="data futura"):
        recurring.retry_charge(txid, due)
    for n in (1, 2, 3):
        recurring.retry_charge(txid, due + timedelta(days=n))
        pix_api.refuse_cobr(txid)
    with pytest.raises(GatewayRejected, match="3 retentativas"):
        recurring.retry_charge(txid, due + timedelta(days=4))
    with pytest.raises(GatewayRejected, match="knows no"):
        recurring.retry_charge(cobr_txid(41, TODAY), due + timedelta(days=1))


def test_the_psps_problems_name_the_violation(gateway, recurring, pix_api, pki):
    created = gateway.create_charge(journey3())
    with pytest.raises(GatewayRejected, match="cobr.idRec"):  # not approved yet
        recurring.send_charge(cycle(created.recurrence_id, TODAY + timedelta(days=5)))
    pix_api.scan(created.recurrence_id)
    with pytest.raises(GatewayRejected, match="cobr.calendario.dataDeVencimento") as too_far:
        recurring.send_charge(cycle(created.recurrence_id, TODAY + timedelta(days=11)))
    assert "52998224725" not in too_far.value.message
    with pytest.raises(GatewayRejected, match="cobr.valor.original"):
        recurring.send_charge(cycle(created.recurrence_id, TODAY + timedelta(days=5), 5000))
    assert pix_api.cobrs == {}
    no_account = PixRecurringGateway(client_for(pki, pix_api), pix_api.key, None)
    calls = len(pix_api.api_calls)
    with pytest.raises(ServiceUnavailable, match="CREATORFLIX_PIX_ACCOUNT"):
        no_account.send_charge(cycle(created.recurrence_id, TODAY + timedelta(days=5)))
    assert len(pix_api.api_calls) == calls


def test_an_answer_that_breaks_the_spec_is_unavailable_and_not_logged(
    gateway, recurring, pix_api, caplog
):
    id_rec = approved_rec(gateway, pix_api)
    txid = recurring.send_charge(cycle(id_rec, TODAY + timedelta(days=3))).txid
    pix_api.cobrs[txid]["valor"]["original"] = "29,90"
    pix_api.cobrs[txid]["devedor"] = {"email": "52998224725@example.com"}
    with caplog.at_level(logging.INFO), pytest.raises(ServiceUnavailable, match="unreadable"):
        recurring.get_charge(txid)
    assert "valor.original" in caplog.text and "52998224725" not in caplog.text


def test_the_recurring_webhooks_are_registered_and_notified(gateway, recurring, pix_api):
    receiver = WebhookReceiver()
    try:
        recurring.register_recurring_webhooks(receiver.url + "/hook/t0k3n")
        assert pix_api.recurring_webhooks["rec"]["webhookUrl"] == receiver.url + "/hook/t0k3n"
        assert pix_api.recurring_webhooks["cobr"]["webhookUrl"] == receiver.url + "/hook/t0k3n"
        id_rec = approved_rec(gateway, pix_api)
        txid = recurring.send_charge(cycle(id_rec, TODAY + timedelta(days=3))).txid
        assert pix_api.notify_rec(id_rec) == 200 and pix_api.notify_cobr(txid) == 200
        rec_notice, cobr_notice = receiver.received
        assert rec_notice.path == "/hook/t0k3n/rec" and cobr_notice.path == "/hook/t0k3n/cobr"
        (rec,) = rec_notice.json()["recs"]
        assert (rec["idRec"], rec["status"]) == (id_rec, "APROVADA")
        assert rec["ativacao"]["tipoJornada"] == "JORNADA_3"
        (cobr,) = cobr_notice.json()["cobsr"]
        assert (cobr["txid"], cobr["idRec"], cobr["status"]) == (txid, id_rec, "ATIVA")
    finally:
        receiver.stop()


def test_a_client_without_the_operators_certificate_is_refused(pki, pix_api, recurring):
    stranger = PixRecurringGateway(
        client_for(pki, pix_api, cert_file=pki.stranger_cert_file), pix_api.key, ACCOUNT
    )
    with pytest.raises(ServiceUnavailable):
        stranger.register_recurring_webhooks("https://creatorflix.example/hook")
    assert eventually(lambda: pix_api.refused_handshakes >= 1)
    assert pix_api.recurring_webhooks == {}
    assert pix_api.token_calls == 0
    recurring.register_recurring_webhooks("https://creatorflix.example/hook")
    assert set(pix_api.recurring_webhooks) == {"rec", "cobr"}


def test_the_provider_guards_recurring_calls_and_reads_the_account(pki, pix_api, gateway):
    settings = attrs.evolve(pix_settings(pki, pix_api), account="654321", account_type="PAGAMENTO")
    provider = GatewayProvider("http://127.0.0.1:9", FakeClock(), pix=settings)
    id_rec = approved_rec(gateway, pix_api)
    sent = provider.pix_recurring(None).send_charge(cycle(id_rec, TODAY + timedelta(days=3)))
    assert pix_api.cobrs[sent.txid]["recebedor"] == {"conta": "654321", "tipoConta": "PAGAMENTO"}
    row = PaymentGatewayConfig(
        id=1, name="pix", pix_account="0002/777", pix_account_type="POUPANCA"
    )  # incomplete settings: the environment's API, the row's account
    other = provider.pix_recurring(row).send_charge(cycle(id_rec, TODAY + timedelta(days=4)))
    assert pix_api.cobrs[other.txid]["recebedor"] == {
        "agencia": "0002",
        "conta": "777",
        "tipoConta": "POUPANCA",
    }
    pix_api.down = True
    for _ in range(5):
        with pytest.raises(ServiceUnavailable):
            provider.pix_recurring(None).get_charge(sent.txid)
    assert provider.circuits()[PIX_GATEWAY].state == "open"
    calls = len(pix_api.api_calls)
    with pytest.raises(ServiceUnavailable, match="não está respondendo"):
        provider.pix_recurring(None).get_recurrence(id_rec)
    assert len(pix_api.api_calls) == calls

"""The API Pix answers as the spec shapes them (bacen/pix-api 2.9.0 examples), parsed
declaratively: what breaks the spec is refused naming the field."""

from __future__ import annotations

from datetime import UTC

import pytest

from adapters.payments.pix_api import as_transaction, cob_body, expires_at, reais
from adapters.payments.pix_schemas import AccessToken, Cob, Problema, Unreadable, parse
from domain.payments.customer import Customer
from domain.payments.gateways import (
    CANCELED,
    TX_PAID,
    WAITING_PAYMENT,
    ChargeItem,
    ChargeRequest,
    charge_reference,
    checkout_id_of_reference,
)

COB = {  # the spec's cobResponse2 (CobCompleta), trimmed
    "calendario": {"criacao": "2020-09-09T20:15:00.358Z", "expiracao": 3600},
    "txid": "7978c0c97ea847e78e8849634473c1f1",
    "revisao": 0,
    "loc": {"id": 789, "location": "pix.example.com/qr/v2/9d36b84f", "tipoCob": "cob"},
    "location": "pix.example.com/qr/v2/9d36b84f",
    "status": "CONCLUIDA",
    "devedor": {"cnpj": "12345678000195", "nome": "Empresa de Serviços SA"},
    "valor": {"original": "100.00"},
    "chave": "7d9f0335-8dcc-4054-9bf9-0dbd61d36906",
    "pixCopiaECola": "00020101021226830014BR.GOV.BCB.PIX...6304EA12",
    "pix": [
        {
            "endToEndId": "E12345678202009091221abcdef12345",
            "txid": "7978c0c97ea847e78e8849634473c1f1",
            "valor": "100.00",
            "horario": "2020-09-09T20:15:00.358Z",
            "infoPagador": "0123456789",
        }
    ],
}


def test_a_concluded_cob_reads_as_paid_for_what_its_pix_received():
    cob = parse(Cob, COB)
    assert (cob.status, cob.valor.original, cob.received()) == ("CONCLUIDA", 10000, 10000)
    tx = as_transaction(cob)
    assert (tx.external_id, tx.status, tx.amount) == (COB["txid"], TX_PAID, 10000)
    assert expires_at(cob) == "2020-09-09T21:15:00+00:00"


@pytest.mark.parametrize(
    "status, expected",
    [
        ("ATIVA", WAITING_PAYMENT),
        ("REMOVIDA_PELO_PSP", CANCELED),
        ("REMOVIDA_PELO_USUARIO_RECEBEDOR", CANCELED),
    ],
)
def test_other_statuses_carry_no_amount(status, expected):
    tx = as_transaction(parse(Cob, {**COB, "status": status}))
    assert (tx.status, tx.amount) == (expected, None)


def test_concluded_without_any_pix_has_no_amount_so_it_goes_to_review():
    assert as_transaction(parse(Cob, {**COB, "pix": []})).amount is None


@pytest.mark.parametrize(
    "change, path",
    [
        ({"status": "PAGA"}, "status"),
        ({"valor": {"original": "100"}}, "valor.original"),
        ({"valor": {"original": 100.0}}, "valor.original"),
        ({"txid": None}, "txid"),
        ({"pix": [{"endToEndId": "E1", "valor": "1,00", "horario": "x"}]}, "pix[0].valor"),
        ({"calendario": {"expiracao": "3600"}}, "calendario.expiracao"),
    ],
)
def test_what_breaks_the_spec_is_refused_naming_the_field(change, path):
    with pytest.raises(Unreadable) as refused:
        parse(Cob, {**COB, **change})
    assert refused.value.path == path


def test_a_problem_explains_itself_in_one_bounded_line():
    problem = parse(
        Problema,
        {
            "type": "https://pix.bcb.gov.br/api/v2/error/CobOperacaoInvalida",
            "title": "Cobrança inválida.",
            "status": 400,
            "detail": "Não respeita o _schema_.",
            "violacoes": [
                {
                    "razao": "O campo cob.valor.original não respeita o _schema_.",
                    "propriedade": "cob.valor.original",
                }
            ],
        },
    )
    assert problem.kind == "CobOperacaoInvalida"
    assert problem.explain() == (
        "CobOperacaoInvalida: Cobrança inválida.; Não respeita o "
        "_schema_.; cob.valor.original O campo cob.valor.original "
        "não respeita o _schema_."
    )
    assert len(parse(Problema, {"type": "t", "title": "x\n" * 500, "status": 500}).explain()) == 300


def test_a_token_answer_keeps_its_token_out_of_repr():
    token = parse(AccessToken, {"access_token": "secret-token", "expires_in": 60})
    assert "secret-token" not in repr(token) and token.expires_in == 60
    with pytest.raises(Unreadable):
        parse(AccessToken, {"token": "x"})


def test_the_cob_we_send_has_the_specs_fields():
    ana = Customer(
        name="Ana Souza", email="a@example.com", document="52998224725", phone="11987654321"
    )
    request = ChargeRequest(
        amount=2990,
        payment_method="pix",
        customer=ana,
        items=(ChargeItem("Mensal", 2990),),
        postback_url="",
        pix_expires_in_days=2,
    )
    assert cob_body(request, "pix@example.com") == {
        "calendario": {"expiracao": 172800},
        "devedor": {"cpf": "52998224725", "nome": "Ana Souza"},
        "valor": {"original": "29.90"},
        "chave": "pix@example.com",
    }
    assert [reais(c) for c in (1, 10, 100, 2990, 123456789)] == [
        "0.01",
        "0.10",
        "1.00",
        "29.90",
        "1234567.89",
    ]


def test_a_checkouts_txid_is_stable_and_names_it():
    from datetime import datetime

    created = datetime(2026, 12, 7, 5, 0, 1, 123456)
    txid = charge_reference(42, created)
    assert len(txid) == 32 and txid.isalnum()
    # What a database gives back (no microseconds, or an aware UTC time): the same txid.
    assert charge_reference(42, created.replace(microsecond=0)) == txid
    assert charge_reference(42, created.replace(tzinfo=UTC)) == txid
    assert charge_reference(43, created) != txid
    assert checkout_id_of_reference(txid) == 42
    assert checkout_id_of_reference("cf" + "0" * 30) is None
    assert checkout_id_of_reference("sbx_123") is None

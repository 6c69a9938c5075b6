"""The PaymentGateway port over a PSP's API Pix (the Banco Central's standard,
bacen/pix-api 2.9.0): one-off PIX as an immediate charge (`PUT /cob/{txid}` with our
own txid, read back with `GET /cob/{txid}`), and our notice URL registered for the
operator's key (`PUT /webhook/{chave}`). Pix Automático's journey 3 (payment_method
pix_automatico) adds to that cob the recurrence its payment authorises (`POST /rec`,
pix_recurring.py) and shows the composite QR of both. HTTP, mutual TLS and tokens:
pix_client.py; the answers' schemas: pix_schemas.py. Nothing here logs a body (they
carry the buyer's CPF and name)."""

from __future__ import annotations

import logging
from datetime import datetime, timedelta
from typing import Any

import attrs

from adapters.payments.pix_client import (
    PixApiClient,
    PixApiError,
    domain_error,
    path_of,
    readable,
    taken,
)
from adapters.payments.pix_recurring import PixRecurringGateway
from adapters.payments.pix_schemas import ATIVA, CONCLUIDA, TXID, Cob, reais
from domain.common.errors import GatewayRejected, ServiceUnavailable, ValidationError
from domain.payments.checkout import PIX, PIX_AUTOMATICO
from domain.payments.gateways import (
    CANCELED,
    TX_PAID,
    WAITING_PAYMENT,
    Charge,
    ChargeRequest,
    Transaction,
)
from domain.payments.pix_automatico import RecurrenceRequest

log = logging.getLogger("creatorflix.pix")

STATUS_OF = {ATIVA: WAITING_PAYMENT, CONCLUIDA: TX_PAID}  # REMOVIDA_*: canceled
TXID_TAKEN = "CobOperacaoInvalida"  # the problem a PSP answers to a txid already used


def cob_body(request: ChargeRequest, key: str) -> dict[str, Any]:
    """The CobSolicitada of a one-off PIX charge."""
    customer = request.customer
    return {
        "calendario": {"expiracao": request.pix_expires_in_days * 86400},
        "devedor": {"cpf": customer.document, "nome": customer.name[:200]},
        "valor": {"original": reais(request.amount)},
        "chave": key,
    }


def expires_at(cob: Cob) -> str | None:
    """calendario.criacao + expiracao, as an ISO timestamp (None without a creation)."""
    try:
        created = datetime.fromisoformat((cob.calendario.criacao or "").replace("Z", "+00:00"))
    except ValueError:
        return None
    return (created + timedelta(seconds=cob.calendario.expiracao)).isoformat(timespec="seconds")


def as_transaction(cob: Cob) -> Transaction:
    """A cob as our domain reads a transaction: paid (for what its `pix` received) only
    once CONCLUIDA; removed ones are canceled."""
    status = STATUS_OF.get(cob.status, CANCELED)
    amount = cob.received() if cob.status == CONCLUIDA and cob.pix else None
    return Transaction(external_id=cob.txid, status=status, amount=amount)


class PixApiGateway:
    """`key` is the operator's chave Pix (CREATORFLIX_PIX_KEY) every cob is paid to."""

    def __init__(self, client: PixApiClient, key: str):
        self._client = client
        self._key = key

    def __repr__(self) -> str:
        return f"PixApiGateway({self._client.api_url!r})"

    @property
    def client(self) -> PixApiClient:
        return self._client

    @property
    def key(self) -> str:
        return self._key

    def create_charge(self, request: ChargeRequest) -> Charge:
        txid = request.reference or ""
        recurring = request.payment_method == PIX_AUTOMATICO and request.recurrence is not None
        if request.payment_method != PIX and not recurring:
            raise ValidationError(
                "the PIX gateway takes PIX, or Pix Automático with its recurrence terms",
                field="payment_method",
            )
        if not TXID.fullmatch(txid):
            raise GatewayRejected("the PIX txid must have 26 to 35 letters and digits")
        body = cob_body(request, self._key)
        try:
            cob = self._cob(self._client.call("PUT", path_of("cob", txid), json=body)[1])
        except PixApiError as error:
            # The same checkout charged again (its answer was lost, a retry): the cob
            # of our txid is already there. Reused when it is this charge.
            earlier = self._earlier(txid, request.amount) if taken(error, TXID_TAKEN) else None
            if earlier is None:
                raise domain_error(error) from None
            log.info("pix cob %s already existed: reused", txid)
            cob = earlier
        charge = Charge(
            external_id=cob.txid,
            status=as_transaction(cob).status,
            pix_code=cob.pixCopiaECola,
            pix_expires_at=expires_at(cob),
        )
        return self._with_recurrence(request, charge) if recurring else charge

    def _with_recurrence(self, request: ChargeRequest, charge: Charge) -> Charge:
        """Journey 3: the rec activated by paying the cob `charge` (POST /rec), and the
        composite QR that pays the one and authorises the other (GET /rec/{idRec}
        ?txid=, its dadosQR) instead of the cob's own."""
        assert request.recurrence is not None
        recurring = PixRecurringGateway(self._client, self._key, None)
        rec = recurring.create_recurrence(
            RecurrenceRequest(
                contract=charge.external_id,
                debtor_cpf=request.customer.document,
                debtor_name=request.customer.name,
                terms=request.recurrence,
                activation_txid=charge.external_id,
            )
        )
        read = recurring.get_recurrence(rec.id_rec, charge.external_id)
        if read is None or not read.qr_code:
            log.error("the PIX API gave no dadosQR for rec %s", rec.id_rec)
            raise ServiceUnavailable("the PIX API gave no QR code for the recurrence")
        return attrs.evolve(charge, pix_code=read.qr_code, recurrence_id=rec.id_rec)

    def get_transaction(self, external_id: str) -> Transaction | None:
        if not TXID.fullmatch(external_id):
            return None  # no txid of ours: the PSP is not even asked
        try:
            status, data = self._client.call("GET", path_of("cob", external_id))
        except PixApiError as error:
            raise domain_error(error) from None
        return None if status == 404 else as_transaction(self._cob(data))

    def register_webhook(self, webhook_url: str) -> None:
        """PUT /webhook/{chave}: the PSP posts its notices to `webhook_url` + "/pix"."""
        try:
            self._client.call(
                "PUT", path_of("webhook", self._key), json={"webhookUrl": webhook_url}
            )
        except PixApiError as error:
            raise domain_error(error) from None

    def _earlier(self, txid: str, amount: int) -> Cob | None:
        try:
            status, data = self._client.call("GET", path_of("cob", txid))
        except PixApiError:
            return None
        if status == 404:
            return None
        cob = self._cob(data)
        same = cob.valor.original == amount and cob.chave == self._key and cob.status == ATIVA
        return cob if same else None

    @staticmethod
    def _cob(data: Any) -> Cob:
        return readable(Cob, data, "cob")

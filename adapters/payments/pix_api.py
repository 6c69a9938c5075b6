"""The PaymentGateway port over a PSP's API Pix (the Banco Central's standard,
bacen/pix-api 2.9.0): one-off PIX as an immediate charge (`PUT /cob/{txid}` with our
own txid, read back with `GET /cob/{txid}`), and our notice URL registered for the
operator's key (`PUT /webhook/{chave}`). HTTP, mutual TLS and tokens: pix_client.py;
the answers' schemas: pix_schemas.py. Nothing here logs a body (they carry the buyer's
CPF and name)."""

from __future__ import annotations

import logging
from datetime import datetime, timedelta
from typing import Any

from adapters.payments.pix_client import PixApiClient, PixApiError, path_of
from adapters.payments.pix_schemas import ATIVA, CONCLUIDA, TXID, Cob, Unreadable, parse
from domain.common.errors import (
    GatewayRejected,
    GatewayTimeout,
    ServiceUnavailable,
    ValidationError,
)
from domain.payments.checkout import PIX
from domain.payments.gateways import (
    CANCELED,
    TX_PAID,
    WAITING_PAYMENT,
    Charge,
    ChargeRequest,
    Transaction,
)

log = logging.getLogger("creatorflix.pix")

STATUS_OF = {ATIVA: WAITING_PAYMENT, CONCLUIDA: TX_PAID}  # REMOVIDA_*: canceled
TXID_TAKEN = "CobOperacaoInvalida"  # the problem a PSP answers to a txid already used


def reais(cents: int) -> str:
    """2990 -> "29.90" (the spec's `valor.original`)."""
    return f"{cents // 100}.{cents % 100:02d}"


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

    def create_charge(self, request: ChargeRequest) -> Charge:
        txid = request.reference or ""
        if request.payment_method != PIX:
            raise ValidationError("the PIX gateway takes PIX only", field="payment_method")
        if not TXID.fullmatch(txid):
            raise GatewayRejected("the PIX txid must have 26 to 35 letters and digits")
        body = cob_body(request, self._key)
        try:
            cob = self._cob(self._client.call("PUT", path_of("cob", txid), json=body)[1])
        except PixApiError as error:
            # The same checkout charged again (its answer was lost, a retry): the cob
            # of our txid is already there. Reused when it is this charge.
            earlier = self._earlier(txid, request.amount) if _taken(error) else None
            if earlier is None:
                raise _domain_error(error) from None
            log.info("pix cob %s already existed: reused", txid)
            cob = earlier
        return Charge(
            external_id=cob.txid,
            status=as_transaction(cob).status,
            pix_code=cob.pixCopiaECola,
            pix_expires_at=expires_at(cob),
        )

    def get_transaction(self, external_id: str) -> Transaction | None:
        if not TXID.fullmatch(external_id):
            return None  # no txid of ours: the PSP is not even asked
        try:
            status, data = self._client.call("GET", path_of("cob", external_id))
        except PixApiError as error:
            raise _domain_error(error) from None
        return None if status == 404 else as_transaction(self._cob(data))

    def register_webhook(self, webhook_url: str) -> None:
        """PUT /webhook/{chave}: the PSP posts its notices to `webhook_url` + "/pix"."""
        try:
            self._client.call(
                "PUT", path_of("webhook", self._key), json={"webhookUrl": webhook_url}
            )
        except PixApiError as error:
            raise _domain_error(error) from None

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
        try:
            return parse(Cob, data)
        except Unreadable as problem:
            log.error("the PIX API answered a cob that breaks the spec (%s)", problem.path)
            raise ServiceUnavailable("the PIX API gave an unreadable answer") from None


def _taken(error: PixApiError) -> bool:
    return error.status in (400, 409) and (
        error.problem is None or error.problem.kind == TXID_TAKEN
    )


def _domain_error(error: PixApiError) -> Exception:
    """The PSP's failure as the payment use cases understand it: a request it rejects
    (400) cannot succeed by retrying; credentials it refuses are a misconfiguration;
    the rest (no answer, 5xx) is "try again later"."""
    if error.timeout:
        return GatewayTimeout("the PIX API did not answer in time")
    if error.status == 400:
        return GatewayRejected(f"the PIX API rejected the request: {error}")
    if error.status in (401, 403):
        return ServiceUnavailable(f"the PIX gateway is misconfigured ({error})")
    if error.status is None:
        return ServiceUnavailable(str(error))
    return ServiceUnavailable(f"the PIX API failed: {error}")

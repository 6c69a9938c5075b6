"""The RecurringPixGateway port over a PSP's API Pix (bacen/pix-api 2.9.0): Pix
Automático's recurrences (`/rec`), recurring charges (`/cobr`, with our own txid),
their retries (`/cobr/{txid}/retentativa/{data}`) and notice URLs (`/webhookrec`,
`/webhookcobr`). Journey 3's recurrence is created by PixApiGateway.create_charge
through `create_recurrence`. HTTP, mutual TLS and tokens: pix_client.py; the answers:
pix_rec_schemas.py. Nothing here logs a body (they carry the payer's CPF and name)."""

from __future__ import annotations

import logging
from datetime import date
from typing import Any
from urllib.parse import urlencode

from adapters.payments.pix_client import (
    PixApiClient,
    PixApiError,
    domain_error,
    path_of,
    readable,
    taken,
)
from adapters.payments.pix_rec_schemas import CobR, Rec
from adapters.payments.pix_schemas import TXID, reais
from domain.common.errors import GatewayRejected, ServiceUnavailable
from domain.payments.pix_automatico import (
    REC_CANCELLED,
    RETRY_POLICY,
    Recurrence,
    RecurrenceRequest,
    RecurringCharge,
    RecurringChargeState,
)

log = logging.getLogger("creatorflix.pix")

COBR_TXID_TAKEN = "CobROperacaoInvalida"  # what a PSP answers to a cobr txid already used
NO_ACCOUNT = (
    "Pix Automático needs the receiving account of its charges: set CREATORFLIX_PIX_ACCOUNT "
    '("agência/conta" or "conta") or the account on the PIX gateway\'s settings'
)
MAX_SUBJECT = 35  # vinculo.objeto


def rec_body(request: RecurrenceRequest) -> dict[str, Any]:
    """The RecSolicitada of journey 3: fixed amount, retries allowed, activated by
    paying the cob `activation_txid`."""
    terms = request.terms
    vinculo: dict[str, Any] = {
        "contrato": request.contract,
        "devedor": {"cpf": request.debtor_cpf, "nome": request.debtor_name[:140]},
    }
    if terms.subject:
        vinculo["objeto"] = terms.subject[:MAX_SUBJECT]
    return {
        "vinculo": vinculo,
        "calendario": {
            "dataInicial": terms.first_due.isoformat(),
            "periodicidade": terms.periodicity,
        },
        "valor": {"valorRec": reais(terms.amount)},
        "politicaRetentativa": RETRY_POLICY,
        "ativacao": {"dadosJornada": {"txid": request.activation_txid}},
    }


def receiver(account: str, account_type: str) -> dict[str, str]:
    """CobRSolicitada.recebedor of "agência/conta" or "conta"."""
    agency, _, number = account.strip().rpartition("/")
    out = {"conta": number.strip(), "tipoConta": account_type}
    if agency.strip():
        out["agencia"] = agency.strip()
    return out


def cobr_body(charge: RecurringCharge, account: str, account_type: str) -> dict[str, Any]:
    body: dict[str, Any] = {
        "idRec": charge.id_rec,
        "calendario": {"dataDeVencimento": charge.due.isoformat()},
        "valor": {"original": reais(charge.amount)},
        "ajusteDiaUtil": True,
        "recebedor": receiver(account, account_type),
    }
    if charge.info:
        body["infoAdicional"] = charge.info[:140]
    return body


class PixRecurringGateway:
    """`key` is the operator's chave Pix; `account` the receiving account every cobr
    names ("agência/conta" or "conta"; None: no cobr can be sent) of `account_type`
    (CORRENTE, POUPANCA, PAGAMENTO)."""

    def __init__(
        self, client: PixApiClient, key: str, account: str | None, account_type: str = "CORRENTE"
    ):
        self._client = client
        self._key = key
        self._account = account
        self._account_type = account_type

    def __repr__(self) -> str:
        return f"PixRecurringGateway({self._client.api_url!r})"

    # -- rec -------------------------------------------------------------------------
    def create_recurrence(self, request: RecurrenceRequest) -> Recurrence:
        """POST /rec: the PSP makes the idRec (a retry makes another rec; the one never
        approved expires at the PSP)."""
        return self._rec(self._call("POST", "/rec", json=rec_body(request))[1])

    def get_recurrence(self, id_rec: str, txid: str | None = None) -> Recurrence | None:
        path = path_of("rec", id_rec) + (f"?{urlencode({'txid': txid})}" if txid else "")
        status, data = self._call("GET", path)
        return None if status == 404 else self._rec(data)

    def cancel_recurrence(self, id_rec: str) -> Recurrence:
        status, data = self._call("PATCH", path_of("rec", id_rec), json={"status": REC_CANCELLED})
        if status == 404:
            raise GatewayRejected(f"the PIX API knows no recurrence {id_rec}")
        return self._rec(data)

    # -- cobr ------------------------------------------------------------------------
    def require_account(self) -> None:
        """ServiceUnavailable naming the setting when no receiving account is set
        (checked before the guard: a misconfiguration is no failure of the PSP)."""
        if not self._account:
            raise ServiceUnavailable(NO_ACCOUNT)

    def send_charge(self, charge: RecurringCharge) -> RecurringChargeState:
        self.require_account()
        assert self._account is not None
        if not TXID.fullmatch(charge.txid):
            raise GatewayRejected("the PIX txid must have 26 to 35 letters and digits")
        body = cobr_body(charge, self._account, self._account_type)
        try:
            _, data = self._client.call("PUT", path_of("cobr", charge.txid), json=body)
        except PixApiError as error:
            # Sent again after a lost answer: the cobr of our txid is already there.
            earlier = self._earlier(charge) if taken(error, COBR_TXID_TAKEN) else None
            if earlier is None:
                raise domain_error(error) from None
            log.info("pix cobr %s already existed: reused", charge.txid)
            return earlier
        return self._cobr(data)

    def get_charge(self, txid: str) -> RecurringChargeState | None:
        if not TXID.fullmatch(txid):
            return None  # no txid of ours: the PSP is not even asked
        status, data = self._call("GET", path_of("cobr", txid))
        return None if status == 404 else self._cobr(data)

    def retry_charge(self, txid: str, on: date) -> RecurringChargeState:
        status, data = self._call("POST", path_of("cobr", txid, "retentativa", on.isoformat()))
        if status == 404:
            raise GatewayRejected(f"the PIX API knows no recurring charge {txid}")
        return self._cobr(data)

    def register_recurring_webhooks(self, webhook_url: str) -> None:
        for path in ("/webhookrec", "/webhookcobr"):
            self._call("PUT", path, json={"webhookUrl": webhook_url})

    # -- plumbing --------------------------------------------------------------------
    def _call(self, method: str, path: str, json: Any = None) -> tuple[int, Any]:
        try:
            return self._client.call(method, path, json=json)
        except PixApiError as error:
            raise domain_error(error) from None

    def _earlier(self, charge: RecurringCharge) -> RecurringChargeState | None:
        try:
            status, data = self._client.call("GET", path_of("cobr", charge.txid))
        except PixApiError:
            return None
        if status == 404:
            return None
        state = self._cobr(data)
        same = (state.id_rec, state.due, state.amount) == (charge.id_rec, charge.due, charge.amount)
        return state if same else None

    @staticmethod
    def _rec(data: Any) -> Recurrence:
        return readable(Rec, data, "rec").domain()

    @staticmethod
    def _cobr(data: Any) -> RecurringChargeState:
        return readable(CobR, data, "cobr").domain()

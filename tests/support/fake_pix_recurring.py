"""Pix Automático at a PSP kept in memory: the RecurringPixGateway port
(ports.payments) over two dicts, for the unit tests of the engine
(domain.payments.pix_renewing). It answers as the local PSP does
(tests.support.pix_api_recurring) without HTTP: a cobr needs an approved rec and a due
date 2 to 10 days after the PSP's today; a txid serves once (the same cobr sent again is
read back); a retentativa needs a failed latest attempt, a future date within 7 days of
the due date and fewer than 3 retries. What breaks these rules is rejected
(GatewayRejected) and noted in `rejected`, so a test can tell the engine never asked.

The controls play the payer and their bank (approve or cancel a rec, settle, refuse or
close a cobr) and the PSP itself (`fail_with`: unreachable, or rejecting everything)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from typing import NoReturn

import attrs

from domain.common.errors import DomainError, GatewayRejected
from domain.payments import pix_automatico as pa
from domain.payments.pix_automatico import Recurrence, RecurringCharge, RecurringChargeState

SCHEDULED = "AGENDADA"  # CobRTentativa.status of an attempt to come
PAID = "PAGA"
REFUSED = "REJEITADA"


class FakeRecurringPix:
    """`today`: the PSP's calendar day."""

    def __init__(self, today: Callable[[], date]):
        self.today = today
        self.recs: dict[str, Recurrence] = {}  # by idRec
        self.cobrs: dict[str, RecurringChargeState] = {}  # by txid
        self.webhook_url: str | None = None
        self.rejected: list[str] = []  # why each request was rejected
        self.failure: DomainError | None = None  # raised by every call while set

    # -- the port ---------------------------------------------------------------------
    def get_recurrence(self, id_rec: str, txid: str | None = None) -> Recurrence | None:
        self._answer()
        return self.recs.get(id_rec)

    def cancel_recurrence(self, id_rec: str) -> Recurrence:
        self._answer()
        rec = self.recs.get(id_rec)
        if rec is None:
            self._reject(f"rec {id_rec} does not exist")
        return self._store_rec(
            attrs.evolve(rec, status=pa.REC_CANCELLED, cancelled_by="USUARIO_RECEBEDOR")
        )

    def send_charge(self, charge: RecurringCharge) -> RecurringChargeState:
        self._answer()
        there = self.cobrs.get(charge.txid)
        if there is not None:
            if (there.id_rec, there.due, there.amount) != (
                charge.id_rec,
                charge.due,
                charge.amount,
            ):
                self._reject(f"txid {charge.txid} serves another cobr")
            return there
        rec = self.recs.get(charge.id_rec)
        if rec is None or rec.status != pa.REC_APPROVED:
            self._reject(f"rec {charge.id_rec} is not approved")
        first = self.today() + timedelta(days=pa.SEND_LAST)
        if not first <= charge.due <= self.today() + timedelta(days=pa.SEND_FIRST):
            self._reject(f"due date {charge.due} is not 2 to 10 days after {self.today()}")
        if rec.amount is not None and charge.amount > rec.amount:
            self._reject(f"{charge.amount} exceeds the rec's {rec.amount}")
        return self._store_cobr(
            RecurringChargeState(
                txid=charge.txid,
                status=pa.COBR_ACTIVE,
                id_rec=charge.id_rec,
                due=charge.due,
                amount=charge.amount,
                attempts=((charge.due, SCHEDULED),),
            )
        )

    def get_charge(self, txid: str) -> RecurringChargeState | None:
        self._answer()
        return self.cobrs.get(txid)

    def retry_charge(self, txid: str, on: date) -> RecurringChargeState:
        self._answer()
        cobr = self.cobrs.get(txid)
        if cobr is None or cobr.due is None:
            self._reject(f"cobr {txid} does not exist")
        if on <= self.today():
            self._reject(f"{on} is not in the future")
        if on > cobr.due + timedelta(days=pa.RETRY_DAYS):
            self._reject(f"{on} is more than 7 days after the due date {cobr.due}")
        if cobr.status != pa.COBR_ACTIVE or cobr.attempts[-1][1] not in pa.ATTEMPT_FAILED:
            self._reject(f"cobr {txid} has no failed attempt to retry")
        if len(cobr.attempts) > pa.MAX_RETRIES:
            self._reject(f"cobr {txid} was retried {pa.MAX_RETRIES} times already")
        return self._store_cobr(attrs.evolve(cobr, attempts=(*cobr.attempts, (on, SCHEDULED))))

    def register_recurring_webhooks(self, webhook_url: str) -> None:
        self._answer()
        self.webhook_url = webhook_url

    # -- the controls -----------------------------------------------------------------
    def add_rec(self, id_rec: str, amount: int, activation_txid: str) -> Recurrence:
        """A rec created at checkout (journey 3), awaiting the payer's approval."""
        return self._store_rec(
            Recurrence(
                id_rec=id_rec,
                status=pa.REC_CREATED,
                activation_txid=activation_txid,
                amount=amount,
            )
        )

    def approve(self, id_rec: str) -> None:
        """The payer authorised the rec in their bank app."""
        self._store_rec(attrs.evolve(self.recs[id_rec], status=pa.REC_APPROVED))

    def cancel(self, id_rec: str, by: str = "USUARIO_PAGADOR") -> None:
        """The rec cancelled (by the payer in their bank, unless `by` says otherwise)."""
        rec = attrs.evolve(self.recs[id_rec], status=pa.REC_CANCELLED, cancelled_by=by)
        self._store_rec(rec)

    def settle(self, txid: str, paid: int | None = None) -> None:
        """The latest attempt paid (the cobr's amount unless `paid` says otherwise)."""
        cobr = self.cobrs[txid]
        self._store_cobr(
            attrs.evolve(
                cobr,
                status=pa.COBR_PAID,
                paid=cobr.amount if paid is None else paid,
                attempts=_latest(cobr, PAID),
            )
        )

    def refuse(self, txid: str) -> None:
        """The latest attempt refused by the payer's bank; the cobr stays open."""
        self._store_cobr(
            attrs.evolve(self.cobrs[txid], attempts=_latest(self.cobrs[txid], REFUSED))
        )

    def close(self, txid: str, status: str = pa.COBR_EXPIRED) -> None:
        """The cobr ends unpaid, its pending attempt with it."""
        cobr = self.cobrs[txid]
        self._store_cobr(attrs.evolve(cobr, status=status, attempts=_latest(cobr, status)))

    def fail_with(self, failure: DomainError | None) -> None:
        """Every call raises `failure` (ServiceUnavailable: the PSP is unreachable;
        GatewayRejected: it refuses every request) until called with None."""
        self.failure = failure

    # -- inside -----------------------------------------------------------------------
    def _answer(self) -> None:
        if self.failure is not None:
            raise self.failure

    def _reject(self, why: str) -> NoReturn:
        self.rejected.append(why)
        raise GatewayRejected(why)

    def _store_rec(self, rec: Recurrence) -> Recurrence:
        self.recs[rec.id_rec] = rec
        return rec

    def _store_cobr(self, cobr: RecurringChargeState) -> RecurringChargeState:
        self.cobrs[cobr.txid] = cobr
        return cobr


def _latest(cobr: RecurringChargeState, status: str) -> tuple[tuple[date, str], ...]:
    """The cobr's attempts, the latest one now `status`."""
    *earlier, (on, _) = cobr.attempts
    return (*earlier, (on, status))


class PixGateways:
    """The PaymentGateways port (ports.payments) of a shop whose API Pix is `psp`: only
    what Pix Automático calls (any other gateway call fails the test)."""

    def __init__(self, psp: FakeRecurringPix):
        self.psp = psp

    def pix_recurring(self, config) -> FakeRecurringPix:
        return self.psp

    def circuits(self) -> dict:
        return {}

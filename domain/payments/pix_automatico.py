"""Pix Automático (the Banco Central's recurring PIX; bacen/pix-api 2.9.0 `rec` and
`cobr`), the pure rules and the values exchanged with the PSP.

Journey 3: at checkout the project creates an immediate charge (cob) for the first
period and a recurrence (rec) whose activation names that cob; the buyer scans one QR
that pays the cob and authorises the rec. Each later period is one recurring charge
(cobr) sent 10 to 2 days before its due date; the payer's bank settles it on the due
date. A refused settlement may be tried again (retentativa) up to 3 times within 7 days
(politicaRetentativa PERMITE_3R_7D).

Dates here are local calendar dates (CREATORFLIX_TIMEZONE): a cycle's due date is the
last day of access it pays for; its period ends at the midnight after it. Monthly
cycles keep the day of the first due date (the 31st falls back to the month's last day,
and comes back in months that have it); business days are the PSP's affair
(`ajusteDiaUtil`)."""

from __future__ import annotations

import calendar
import hashlib
from datetime import UTC, date, datetime, time, timedelta, tzinfo

from attrs import frozen

# calendario.periodicidade of a plan's duration (days); no other duration can renew by
# Pix Automático.
PERIODICITY = {7: "SEMANAL", 30: "MENSAL", 90: "TRIMESTRAL", 180: "SEMESTRAL", 365: "ANUAL"}
MONTHS = {"MENSAL": 1, "TRIMESTRAL": 3, "SEMESTRAL": 6, "ANUAL": 12}
WEEK = "SEMANAL"
RETRY_POLICY = "PERMITE_3R_7D"
SEND_FIRST = 10  # a cobr is sent at most this many days before its due date...
SEND_LAST = 2  # ...and at least this many
RETRY_DAYS = 7  # retries settle within this many days after the due date
MAX_RETRIES = 3

# RecCompleta.status
REC_CREATED = "CRIADA"
REC_APPROVED = "APROVADA"
REC_REJECTED = "REJEITADA"
REC_EXPIRED = "EXPIRADA"
REC_CANCELLED = "CANCELADA"
REC_STATUSES = (REC_CREATED, REC_APPROVED, REC_REJECTED, REC_EXPIRED, REC_CANCELLED)

# CobRCompleta.status
COBR_CREATED = "CRIADA"
COBR_ACTIVE = "ATIVA"
COBR_PAID = "CONCLUIDA"
COBR_EXPIRED = "EXPIRADA"
COBR_REJECTED = "REJEITADA"
COBR_CANCELLED = "CANCELADA"
COBR_FINAL = (COBR_EXPIRED, COBR_REJECTED, COBR_CANCELLED)
# CobRCompleta.tentativas[].status of a settlement attempt that did not pay
ATTEMPT_FAILED = ("CANCELADA", "REJEITADA", "EXPIRADA")

# What a cobr read back means for its renewal (`outcome`).
WAITING = "waiting"  # not settled yet
PAID = "paid"
REFUSED = "refused"  # an attempt failed; a retry may still pay it
FINAL = "final"  # it will never be paid


@frozen
class RecurrenceTerms:
    """What a journey-3 checkout asks the PSP to authorise besides its first payment:
    the cycle (calendario.periodicidade), the first cobr's due date
    (calendario.dataInicial), the amount of each cobr (valor.valorRec, cents) and what
    it is for (vinculo.objeto)."""

    periodicity: str
    first_due: date
    amount: int
    subject: str


@frozen
class RecurrenceRequest:
    """POST /rec (RecSolicitada): `contract` is vinculo.contrato (our reference of the
    subscription: the first charge's txid), `activation_txid` the cob of the first
    payment (ativacao.dadosJornada.txid)."""

    contract: str
    debtor_cpf: str
    debtor_name: str
    terms: RecurrenceTerms
    activation_txid: str


@frozen
class Recurrence:
    """A rec as the PSP reports it (RecCompleta / RecGerada): `qr_code` is
    dadosQR.pixCopiaECola (journey 3: pays the cob and authorises the rec);
    `cancelled_by` encerramento.cancelamento.solicitante."""

    id_rec: str
    status: str
    contract: str | None = None
    activation_txid: str | None = None
    amount: int | None = None
    qr_code: str | None = None
    cancelled_by: str | None = None


@frozen
class RecurringCharge:
    """PUT /cobr/{txid} (CobRSolicitada): one cycle's charge of recurrence `id_rec`."""

    id_rec: str
    txid: str
    due: date
    amount: int
    info: str = ""


@frozen
class RecurringChargeState:
    """A cobr as the PSP reports it (CobRCompleta): `paid` is what its `pix` received
    (cents; None before), `attempts` its tentativas as (dataLiquidacao, status)."""

    txid: str
    status: str
    id_rec: str | None = None
    due: date | None = None
    amount: int | None = None
    paid: int | None = None
    attempts: tuple[tuple[date, str], ...] = ()


# -- cycles ---------------------------------------------------------------------------
def periodicity(duration_days: int) -> str | None:
    return PERIODICITY.get(duration_days)


def add_cycles(anchor: date, period: str, n: int) -> date:
    """The n-th due date after `anchor` (the 0th is `anchor`): weeks add 7 days; months
    keep the anchor's day, or the month's last day when it has none."""
    if period == WEEK:
        return anchor + timedelta(days=7 * n)
    months = anchor.month - 1 + MONTHS[period] * n
    year, month = anchor.year + months // 12, months % 12 + 1
    return date(year, month, min(anchor.day, calendar.monthrange(year, month)[1]))


def next_due(anchor: date, period: str, after: date) -> date:
    """The first due date of the recurrence anchored at `anchor` that is after `after`."""
    if after < anchor:
        return anchor
    if period == WEEK:
        n = (after - anchor).days // 7 + 1
    else:
        n = ((after.year - anchor.year) * 12 + after.month - anchor.month) // MONTHS[period]
    while add_cycles(anchor, period, n) <= after:
        n += 1
    return add_cycles(anchor, period, n)


def local_date(moment: datetime, zone: tzinfo) -> date:
    """The local calendar day of a naive-UTC (or aware) moment."""
    aware = moment if moment.tzinfo else moment.replace(tzinfo=UTC)
    return aware.astimezone(zone).date()


def period_end(due: date, zone: tzinfo) -> datetime:
    """Where the period paid on `due` ends: the local midnight after it, as naive UTC
    (how the repositories store times)."""
    local = datetime.combine(due + timedelta(days=1), time(0), tzinfo=zone)
    return local.astimezone(UTC).replace(tzinfo=None)


def due_of(end: datetime, zone: tzinfo) -> date:
    """The due date of the cycle ending at `end` (a `period_end`): its last day."""
    return local_date(end - timedelta(microseconds=1), zone)


# -- when to send, when to retry ------------------------------------------------------
def send_window(due: date) -> tuple[date, date]:
    """The days on which the cobr of `due` may be sent."""
    return due - timedelta(days=SEND_FIRST), due - timedelta(days=SEND_LAST)


def in_window(today: date, due: date) -> bool:
    first, last = send_window(due)
    return first <= today <= last


def missed(today: date, due: date) -> bool:
    """Too late to send the cobr of `due`: its window has passed."""
    return today > send_window(due)[1]


def retry_date(due: date, today: date, retries_made: int) -> date | None:
    """The settlement date to ask for in the next retentativa of the cobr due on `due`
    (the day after `today`), or None: 3 retries made, or past the 7 days."""
    when = today + timedelta(days=1)
    if retries_made >= MAX_RETRIES or when > due + timedelta(days=RETRY_DAYS):
        return None
    return max(when, due + timedelta(days=1))


def cobr_txid(subscription_id: int, due: date, secret: str = "") -> str:
    """Our txid of the cobr of one subscription's cycle (32 letters and digits): the
    same every time the engine gets to that cycle, so a PUT repeated after a lost answer
    finds the cobr already there instead of charging twice."""
    digest = hashlib.sha256(f"{secret}:{subscription_id}:{due.isoformat()}".encode()).hexdigest()
    return f"cr{subscription_id:010d}{digest[:20]}"


def outcome(state: RecurringChargeState, amount: int) -> str:
    """What a cobr read back means: PAID only when CONCLUIDA for exactly `amount`;
    FINAL once the PSP closed it unpaid (or paid another amount: never taken as paid);
    REFUSED when its latest settlement attempt failed; else WAITING."""
    if state.status == COBR_PAID:
        return PAID if state.paid == amount else FINAL
    if state.status in COBR_FINAL:
        return FINAL
    if state.attempts and state.attempts[-1][1] in ATTEMPT_FAILED:
        return REFUSED
    return WAITING

"""Pix Automático's renewals (issue 26), the engine beside the card's
(domain.payments.renewing), sharing its rows and its records of a paid or refused
renewal: each cycle of a subscription a recurrence renews gets one cobr, sent between
10 and 2 days before its due date (`creatorflix jobs`), settled by the payer's bank on
that date and learnt from the PSP's notice (or read back the day after, when none came).
A refused settlement is tried again (retentativa) the next day, up to 3 times within 7
days; past due meanwhile, with access until the last retry could settle.

Exactly one cobr per cycle: the cycle's renewal row is unique per (subscription, period)
and made before the PSP is called, and its txid is derived from the subscription and
the due date (domain.payments.pix_automatico.cobr_txid), so a PUT repeated after a lost
answer finds the cobr already there instead of making a second one."""

from __future__ import annotations

import logging
import secrets
from collections.abc import Iterator
from datetime import datetime, timedelta
from typing import Any

import attrs

from domain.catalog.entities import Plan
from domain.common.errors import GatewayRejected, ServiceUnavailable
from domain.payments import pix_automatico as pa
from domain.payments import pix_recurrences, renewals
from domain.payments import subscriptions as subs
from domain.payments.gateways import PIX_GATEWAY, gateway_row
from domain.payments.renewals import Renewal, Schedule
from domain.payments.renewing import (
    BATCH,
    BUSY_RETRY,
    LEASE,
    RenewalService,
    RunReport,
    locked,
    open_period,
    record_paid,
    record_refused,
    settle_claimed,
)
from domain.payments.settlement import DUPLICATE, IGNORED, PROCESSED, UNCHANGED, Outcome
from domain.payments.subscriptions import Subscription
from ports.payments import RecurringPixGateway
from ports.repositories import NOT_NULL
from ports.unit_of_work import UnitOfWork

log = logging.getLogger("creatorflix.renewals")

# A refusal keeps access until the last retry could settle (7 days after the due
# date); each refusal is retried at once (the retry asks the PSP for the next day).
SCHEDULE = Schedule(
    grace=timedelta(days=pa.RETRY_DAYS + 1), retries=(timedelta(0),) * pa.MAX_RETRIES
)
CHUNK = 500  # references looked up per query
POLL_AFTER = timedelta(hours=6)  # after its settlement day, a cobr with no notice is read
POLL_AGAIN = timedelta(hours=12)


def run_due(r: RenewalService) -> RunReport:
    """Send the cobrs whose window is open, the retries whose time has come, and read
    back the cobrs settled without a notice. Nothing without Pix Automático renewals."""
    svc = r.payments
    now = svc.clock.now()
    with svc.uow() as uow:
        due = _due(uow)
        unapproved = [
            s.pix_rec_id
            for s in uow.subscriptions.find(
                {"pix_rec_id": NOT_NULL, "renewal_state": None, "status": subs.ACTIVE}
            ).items
            if pix_recurrences.awaiting(s) and s.pix_rec_id
        ]
        polls = [
            x
            for x in uow.renewals.find({"status": renewals.SCHEDULED, "gateway": PIX_GATEWAY}).items
            if x.next_attempt_at is not None and x.next_attempt_at <= now
        ][:BATCH]
        config = gateway_row(svc.gateway_rows(uow), PIX_GATEWAY)
    if unapproved:  # approvals whose notice did not come (or was not registered)
        for id_rec in unapproved[:BATCH]:
            try:
                pix_recurrences.settle_rec(svc, id_rec)
            except ServiceUnavailable as problem:
                log.warning("rec %s not read back: %s", id_rec, problem.message)
        with svc.uow() as uow:
            due = _due(uow)
    if not due and not polls and not _retries_waiting(r, now):
        return RunReport()
    try:
        gateway = svc.gateways.pix_recurring(config)
    except ServiceUnavailable as problem:
        log.error("Pix Automático renewals wait: %s", problem.message)
        return RunReport()
    sent = paid = refused = 0
    for renewal in _open_due(r, due, now):
        outcome = _send(r, gateway, renewal)
        sent += outcome == renewals.SCHEDULED
        refused += outcome == renewals.FAILED
    with svc.uow() as uow:
        claimed = uow.renewals.claim_due(
            now, secrets.token_hex(16), now + LEASE, BATCH, PIX_GATEWAY
        )
        uow.commit()
    for renewal in claimed:
        outcome = (
            _retry(r, gateway, renewal) if renewal.transaction_id else _send(r, gateway, renewal)
        )
        sent += outcome == renewals.SCHEDULED
        paid += outcome == renewals.PAID
        refused += outcome == renewals.FAILED
    for renewal in polls:
        try:
            outcome = _apply(r, gateway, renewal.reference)
        except ServiceUnavailable as problem:
            # Still scheduled and due: read back at the next run. Raising would stop
            # `creatorflix jobs` before its other jobs (expiry, mail) while the PSP is down.
            log.warning("cobr %s not read back: %s", renewal.reference, problem.message)
            continue
        paid += outcome == renewals.PAID
        refused += outcome in (renewals.REFUSED, renewals.FAILED)
    return RunReport(charged=sent, paid=paid, refused=refused)


def _due(uow: UnitOfWork) -> list[Subscription]:
    """The subscriptions Pix Automático renews (through the pix_rec_id index)."""
    found = uow.subscriptions.find(
        {"pix_rec_id": NOT_NULL, "auto_renew": True, "renewal_state": renewals.RENEWING}
    )
    return [s for s in found.items if _renewing(s)]


def _renewing(sub: Subscription) -> bool:
    return (
        sub.pix_rec_id is not None
        and sub.auto_renew
        and sub.renewal_state == renewals.RENEWING
        and sub.status == subs.ACTIVE
        and sub.end_date is not None
    )


def _retries_waiting(r: RenewalService, now: datetime) -> bool:
    with r.payments.uow() as uow:
        waiting = [
            *uow.renewals.find({"gateway": PIX_GATEWAY, "status": renewals.REFUSED}).items,
            *uow.renewals.find({"gateway": PIX_GATEWAY, "status": renewals.DUE}).items,
        ]
    return any(x.next_attempt_at is not None and x.next_attempt_at <= now for x in waiting)


def _open_due(r: RenewalService, due: list[Subscription], now: datetime) -> Iterator[Renewal]:
    """The renewal rows this runner made for the cycles whose window is open (or has
    passed unsent: recorded so, never sent late). The cycles whose row exists already
    (sent by an earlier run) are found in one query per chunk, not one insert each."""
    svc = r.payments
    today = pa.local_date(now, svc.zone)
    cycles = []
    for sub in due:
        assert sub.end_date is not None and sub.id is not None
        day = pa.due_of(sub.end_date, svc.zone)
        if today >= pa.send_window(day)[0]:
            cycles.append((sub, day, pa.cobr_txid(sub.id, day)))
    opened_before = _known_references(r, [txid for _, _, txid in cycles])
    plans: dict[int, Plan | None] = {}
    for sub, day, txid in cycles:
        if txid in opened_before:
            continue
        assert sub.id is not None and sub.end_date is not None
        with svc.uow() as uow:
            if sub.plan_id is not None and sub.plan_id not in plans:
                plans[sub.plan_id] = uow.plans.get(sub.plan_id)
            plan = plans.get(sub.plan_id) if sub.plan_id is not None else None
            period = pa.periodicity(plan.duration) if plan is not None else None
            if plan is None or plan.id is None or period is None:
                log.error("subscription %s: its plan has no Pix Automático cycle", sub.id)
                continue
            following = pa.next_due(sub.renewal_anchor or day, period, day)
            bounds = (sub.end_date, pa.period_end(following, svc.zone))
            opened = open_period(uow, sub, plan, bounds, txid, PIX_GATEWAY, now)
            uow.commit()
        if opened is not None:
            yield opened


def _known_references(r: RenewalService, references: list[str]) -> set[str]:
    known: set[str] = set()
    with r.payments.uow() as uow:
        for at in range(0, len(references), CHUNK):
            chunk = references[at : at + CHUNK]
            known.update(x.reference for x in uow.renewals.find({"reference": chunk}).items)
    return known


def _due_of(r: RenewalService, renewal: Renewal) -> Any:
    return pa.due_of(renewal.period_start, r.payments.zone)


def _send(r: RenewalService, gateway: RecurringPixGateway, renewal: Renewal) -> str:
    """PUT the cycle's cobr (claimed: outside any transaction), record what came of it."""
    svc = r.payments
    today = pa.local_date(svc.clock.now(), svc.zone)
    day = _due_of(r, renewal)
    with svc.uow() as uow:
        sub = uow.subscriptions.get(renewal.subscription_id)
        plan = uow.plans.get(renewal.plan_id)
    if sub is None or sub.pix_rec_id is None or not _renewing(sub):
        settle_claimed(r, renewal, {"status": renewals.FAILED, "last_error": "renewal is off"})
        return renewals.FAILED
    if pa.missed(today, day):
        why = f"the cobr of {day.isoformat()} could not be sent 2 days ahead"
        return _refuse(r, renewal, why, final=True)
    charge = pa.RecurringCharge(
        id_rec=sub.pix_rec_id,
        txid=renewal.reference,
        due=day,
        amount=renewal.amount,
        info=(plan.name if plan else "")[:140],
    )
    try:
        state = gateway.send_charge(charge)
    except GatewayRejected as problem:
        return _refuse(r, renewal, problem.message, final=True)
    except ServiceUnavailable as problem:
        # Nothing or this very cobr was made: the same PUT is safe to repeat.
        settle_claimed(r, renewal, _later(r, renewal, problem.message))
        return renewals.DUE
    settle_claimed(r, renewal, _scheduled(r, state.txid, day))
    log.info("renewal %s: cobr %s sent for %s", renewal.id, state.txid, day)
    return renewals.SCHEDULED


def _retry(r: RenewalService, gateway: RecurringPixGateway, renewal: Renewal) -> str:
    """A refused cobr, claimed: read back first (the refusal may be stale, a retry
    already asked for), then POST its retentativa for the next day, within 7 days."""
    svc = r.payments
    assert renewal.transaction_id is not None
    try:
        state = gateway.get_charge(renewal.transaction_id)
    except ServiceUnavailable as problem:
        settle_claimed(
            r, renewal, {**_later(r, renewal, problem.message), "status": renewals.REFUSED}
        )
        return renewals.REFUSED
    if state is None:
        return _refuse(r, renewal, "the PSP does not know this cobr", final=True)
    result = pa.outcome(state, renewal.amount)
    if result != pa.REFUSED:
        settle_claimed(r, renewal, {"status": renewals.SCHEDULED})  # unclaimed: settled as read
        return _apply(r, gateway, renewal.reference, state)
    day = _due_of(r, renewal)
    on = pa.retry_date(day, pa.local_date(svc.clock.now(), svc.zone), renewal.attempts - 2)
    if on is None:
        return _refuse(r, renewal, "no retry left within 7 days of the due date", final=True)
    try:
        gateway.retry_charge(renewal.transaction_id, on)
    except GatewayRejected as problem:
        return _refuse(r, renewal, problem.message, final=True)
    except ServiceUnavailable as problem:
        settle_claimed(
            r, renewal, {**_later(r, renewal, problem.message), "status": renewals.REFUSED}
        )
        return renewals.REFUSED
    settle_claimed(r, renewal, _scheduled(r, renewal.transaction_id, on))
    log.info("renewal %s: cobr %s to be settled again on %s", renewal.id, renewal.reference, on)
    return renewals.SCHEDULED


def _scheduled(r: RenewalService, txid: str, settles_on: Any) -> dict[str, Any]:
    poll = pa.period_end(settles_on, r.payments.zone) + POLL_AFTER
    return {
        "status": renewals.SCHEDULED,
        "transaction_id": txid,
        "next_attempt_at": poll,
        "last_error": None,
    }


def _later(r: RenewalService, renewal: Renewal, why: str) -> dict[str, Any]:
    """Not sent (or not known to be): tried again shortly, the attempt not counted."""
    return {
        "status": renewals.DUE,
        "attempts": renewal.attempts - 1,
        "next_attempt_at": r.payments.clock.now() + BUSY_RETRY,
        "last_error": why[:300],
    }


def _refuse(r: RenewalService, renewal: Renewal, reason: str, *, final: bool) -> str:
    """A claimed renewal refused (never sent, or its retries exhausted)."""
    svc = r.payments
    now = svc.clock.now()
    with svc.uow() as uow:
        sub = locked(uow, renewal.subscription_id)
        recorded = record_refused(
            uow, r, sub, renewal, now, pix_recurrences.MEANS, final=final, schedule=SCHEDULE
        )
        _write(uow, renewal, recorded, reason, now)
        uow.commit()
    log.warning("renewal %s refused (%s): %s", renewal.id, reason, recorded.status)
    return recorded.status


def _write(uow: UnitOfWork, renewal: Renewal, recorded: Renewal, why: str, now: datetime) -> None:
    assert renewal.id is not None
    current = uow.renewals.get(renewal.id)
    assert current is not None
    uow.renewals.update(
        attrs.evolve(
            current,
            status=recorded.status,
            next_attempt_at=recorded.next_attempt_at,
            last_error=why[:300],
            claim_token=None,
            claimed_until=None,
            updated_at=now,
        )
    )


# -- what the PSP says of a cobr ------------------------------------------------------
def settle_cobr(r: RenewalService, txid: str) -> Outcome:
    """A cobr notice's work (the background worker): the cobr read back is what counts."""
    with r.payments.uow() as uow:
        config = gateway_row(r.payments.gateway_rows(uow), PIX_GATEWAY)
    outcome = _apply(r, r.payments.gateways.pix_recurring(config), txid)
    if outcome == IGNORED:
        return Outcome(IGNORED)
    if outcome == DUPLICATE:
        return Outcome(DUPLICATE)
    return Outcome(PROCESSED if outcome in _MOVES else UNCHANGED)


_MOVES = (renewals.PAID, renewals.REFUSED, renewals.FAILED)


def _apply(
    r: RenewalService,
    gateway: RecurringPixGateway,
    txid: str,
    state: pa.RecurringChargeState | None = None,
) -> str:
    """Read cobr `txid` back (unless given) and record it on its renewal, once: paid ->
    the period extended; an attempt refused -> past due, the retry due now; closed
    unpaid -> the renewal ends. Returns the renewal's new status, IGNORED (not ours),
    DUPLICATE (settled before) or UNCHANGED (not ours to move now)."""
    svc = r.payments
    if state is None:
        state = gateway.get_charge(txid)
    now = svc.clock.now()
    with svc.uow() as uow:
        found = uow.renewals.first({"reference": txid})
        if state is None or found is None or found.gateway != PIX_GATEWAY or found.id is None:
            log.warning("cobr %s is no renewal of ours (forged notice?)", txid)
            return IGNORED
        sub = locked(uow, found.subscription_id)
        renewal = uow.renewals.get(found.id)
        assert renewal is not None
        result = pa.outcome(state, renewal.amount)
        # Paid after we gave it up (a cancel crossed the payer's bank settling it): the
        # member gets the period they paid for, and renewal stays off.
        late = renewal.status == renewals.FAILED and result == pa.PAID
        if renewal.status in (renewals.PAID, renewals.FAILED) and not late:
            return DUPLICATE  # settled already: a repeated notice
        if renewal.status not in (renewals.SCHEDULED, renewals.FAILED):
            return UNCHANGED  # a retry is to be asked for, or a runner holds it
        if result == pa.PAID:
            uow.renewals.update(
                attrs.evolve(
                    renewal,
                    status=renewals.PAID,
                    next_attempt_at=None,
                    last_error=None,
                    updated_at=now,
                )
            )
            renewed = record_paid(uow, sub, renewal, now, pix_recurrences.MEANS)
            if late and not sub.auto_renew:
                uow.subscriptions.update(attrs.evolve(renewed, renewal_state=renewals.ENDED))
                log.warning("renewal %s: cobr %s paid after renewal ended", renewal.id, txid)
            status = renewals.PAID
        elif result in (pa.REFUSED, pa.FINAL):
            why = f"the cobr is {state.status}" + (
                f", its last attempt {state.attempts[-1][1]}" if state.attempts else ""
            )
            recorded = record_refused(
                uow,
                r,
                sub,
                renewal,
                now,
                pix_recurrences.MEANS,
                final=result == pa.FINAL,
                schedule=SCHEDULE,
            )
            _write(uow, renewal, recorded, why, now)
            log.warning("renewal %s: %s", renewal.id, why)
            status = recorded.status
        else:  # not settled yet: read again later
            uow.renewals.update(attrs.evolve(renewal, next_attempt_at=now + POLL_AGAIN))
            status = renewals.SCHEDULED
        uow.commit()
    return status

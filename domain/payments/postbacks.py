"""Postbacks answered at once (issue 21.1): a JunglePay postback is only a hint, and
acting on it means reading the transaction back from JunglePay — which may take seconds,
or hang. So the request records it (table `payment_postbacks`) and answers 2xx; the
background worker (entrypoints/mail_worker.py under the app server, `creatorflix jobs`
from cron) claims what is due, reads it back and settles it, retrying with back-off
while JunglePay or the database fails. Claims never overlap (SKIP LOCKED on PostgreSQL),
and settlement stays idempotent (one subscription per paid checkout)."""

from __future__ import annotations

import logging
import secrets
from collections.abc import Callable
from datetime import timedelta

from attrs import frozen

from domain.common.errors import ServiceUnavailable
from domain.payments.gateways import POSTBACK_PENDING as PENDING
from domain.payments.gateways import Postback
from domain.payments.service import PaymentService
from domain.payments.settlement import Outcome, SettlementOutcome

log = logging.getLogger("creatorflix.payments")

DONE = "done"
FAILED = "failed"
QUEUED = SettlementOutcome.QUEUED  # the answer to a recorded postback

BATCH = 20
LEASE = timedelta(seconds=60)  # longer than a read-back (8 s timeout) and its settling
MAX_ATTEMPTS = 12
FIRST_RETRY = timedelta(seconds=5)
LAST_RETRY = timedelta(minutes=30)


def retry_delay(attempts: int) -> timedelta:
    """5 s, 10 s, 20 s, ... capped at 30 minutes."""
    return min(FIRST_RETRY * (2 ** min(max(attempts - 1, 0), 16)), LAST_RETRY)


def record(
    svc: PaymentService, gateway: str, external_id: str, checkout_ref: str | None
) -> Outcome:
    """Keep a postback for the worker; the gateway is answered 2xx at once."""
    now = svc.clock.now()
    with svc.uow() as uow:
        uow.postbacks.add(
            Postback(
                id=None,
                gateway=gateway,
                external_id=external_id,
                checkout_ref=checkout_ref,
                next_attempt_at=now,
                received_at=now,
            )
        )
        uow.commit()
    return Outcome(QUEUED)


Settle = Callable[[PaymentService, Postback], Outcome]


@frozen
class SettleReport:
    claimed: int
    outcomes: list[Outcome]  # of those settled (the others wait for a retry)


def settle_due(svc: PaymentService, settle: Settle, limit: int = BATCH) -> SettleReport:
    """Claim up to `limit` due postbacks and settle each (`settle` reads it back from
    its gateway and applies it); a failure (gateway or database unavailable) is retried
    later with back-off."""
    token = secrets.token_hex(16)
    now = svc.clock.now()
    with svc.uow() as uow:
        claimed = uow.postbacks.claim_due(now, token, now + LEASE, limit)
        uow.commit()
    outcomes = []
    for postback in claimed:
        assert postback.id is not None, "claimed from the table"
        try:
            outcome = settle(svc, postback)
        except ServiceUnavailable as problem:
            done = postback.attempts >= MAX_ATTEMPTS
            changes = {
                "status": FAILED if done else PENDING,
                "claim_token": None,
                "claimed_until": None,
                "last_error": problem.message[:500],
                "next_attempt_at": svc.clock.now() + retry_delay(postback.attempts),
            }
            (log.error if done else log.warning)(
                "%s postback for transaction %s, attempt %s: %s%s",
                postback.gateway,
                postback.external_id,
                postback.attempts,
                problem.message,
                " — given up, check it by hand" if done else "; will retry",
            )
        else:
            outcomes.append(outcome)
            changes = {
                "status": DONE,
                "outcome": outcome.status,
                "claim_token": None,
                "claimed_until": None,
                "last_error": None,
                "processed_at": svc.clock.now(),
            }
        try:
            with svc.uow() as uow:
                uow.postbacks.settle(postback.id, token, changes)
                uow.commit()
        except ServiceUnavailable:
            # Settling is idempotent: once the lease ends it is simply settled again.
            log.warning("postback %s: its outcome could not be recorded", postback.id)
    return SettleReport(claimed=len(claimed), outcomes=outcomes)


def settle_all(svc: PaymentService, settle: Settle, max_batches: int = 50) -> list[Outcome]:
    """`settle_due` until nothing due is left (bounded): the cron job's run."""
    outcomes: list[Outcome] = []
    for _ in range(max_batches):
        report = settle_due(svc, settle)
        outcomes.extend(report.outcomes)
        if report.claimed < BATCH:
            break
    return outcomes

"""Delivering the outbox: claim what is due, send it outside any transaction, record
the outcome. Failures are retried with exponential back-off; a message is sent again
only if its worker died between the send and the record (its lease then runs out)."""
from __future__ import annotations

import logging
import secrets

from attrs import frozen

from domain.mail import messages as m
from ports.clock import Clock
from ports.mail import Mailer
from ports.unit_of_work import UnitOfWorkFactory

log = logging.getLogger("creatorflix.mail")

BATCH = 20


@frozen
class DeliveryReport:
    sent: int = 0
    retried: int = 0
    failed: int = 0

    @property
    def attempted(self) -> int:
        return self.sent + self.retried + self.failed


def deliver_due(uow_factory: UnitOfWorkFactory, mailer: Mailer, clock: Clock,
                limit: int = BATCH) -> DeliveryReport:
    """Send up to `limit` due messages; returns what happened to them."""
    token = secrets.token_hex(16)
    now = clock.now()
    with uow_factory() as uow:
        claimed = uow.outbox.claim_due(now, token, now + m.LEASE, limit)
        uow.commit()
    sent = retried = failed = 0
    # Stop short of the lease: past it another worker may claim (and send) the rest.
    stop_at = now + m.LEASE - m.LEASE / 5
    for message in claimed:
        assert message.id is not None, "claimed from the table"
        if clock.now() >= stop_at:
            changes: dict = {"status": m.PENDING, "claim_token": None, "claimed_until": None}
            with uow_factory() as uow:
                uow.outbox.settle(message.id, token, changes)
                uow.commit()
            continue
        try:
            mailer.send(message)
        except Exception as unexpected:  # noqa: BLE001 — one bad message never stalls the rest
            error = unexpected if isinstance(unexpected, m.MailError) else \
                m.MailError(f"cannot be sent: {unexpected!r}", permanent=True)
            if not isinstance(unexpected, m.MailError):
                log.exception("mail %s (%s) cannot be built or sent", message.id, message.kind)
            done = error.permanent or message.attempts >= m.MAX_ATTEMPTS
            changes = {"status": m.FAILED if done else m.PENDING,
                             "last_error": str(error)[:500], "claim_token": None,
                             "claimed_until": None,
                             "next_attempt_at": clock.now() + m.retry_delay(message.attempts)}
            log.warning("mail %s (%s) attempt %s failed%s: %s", message.id, message.kind,
                        message.attempts, " for good" if done else ", will retry", error)
            failed, retried = (failed + 1, retried) if done else (failed, retried + 1)
        else:
            changes = {"status": m.SENT, "sent_at": clock.now(), "claim_token": None,
                       "claimed_until": None, "last_error": None}
            sent += 1
        with uow_factory() as uow:
            if not uow.outbox.settle(message.id, token, changes):
                log.warning("mail %s: claim lost before its outcome was recorded",
                            message.id)
            uow.commit()
    return DeliveryReport(sent=sent, retried=retried, failed=failed)


def purge_decoys(uow_factory: UnitOfWorkFactory, clock: Clock) -> int:
    """Delete the decoy rows older than a day; returns how many."""
    with uow_factory() as uow:
        purged = uow.outbox.purge_decoys(clock.now() - m.DECOY_LIFETIME)
        uow.commit()
    return purged


def deliver_all(uow_factory: UnitOfWorkFactory, mailer: Mailer, clock: Clock,
                max_batches: int = 50) -> DeliveryReport:
    """`deliver_due` until nothing due is left (bounded): the cron job's run."""
    total = DeliveryReport()
    for _ in range(max_batches):
        report = deliver_due(uow_factory, mailer, clock)
        total = DeliveryReport(sent=total.sent + report.sent,
                               retried=total.retried + report.retried,
                               failed=total.failed + report.failed)
        if report.attempted < BATCH:
            break
    return total

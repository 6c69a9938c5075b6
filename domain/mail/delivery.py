"""Delivering the outbox: claim what is due, send it outside any transaction, record
the outcome. Failures are retried with exponential back-off; a message is sent again
only if its worker died between the send and the record, or the database stayed away
longer than the record's retries (its short lease then runs out)."""

from __future__ import annotations

import logging
import secrets
import time
from collections.abc import Callable

from attrs import frozen

from domain.catalog.branding import read_brand
from domain.mail import messages as m
from domain.mail.branding import branded
from ports.clock import Clock
from ports.mail import Mailer
from ports.unit_of_work import UnitOfWorkFactory

log = logging.getLogger("creatorflix.mail")

BATCH = 20
# Pauses between attempts to record an outcome while the database does not answer.
RECORD_RETRIES = (0.1, 0.2, 0.4, 0.8, 1.6, 3.2, 4.0)


@frozen
class DeliveryReport:
    sent: int = 0
    retried: int = 0
    failed: int = 0

    @property
    def attempted(self) -> int:
        return self.sent + self.retried + self.failed


def deliver_due(
    uow_factory: UnitOfWorkFactory,
    mailer: Mailer,
    clock: Clock,
    limit: int = BATCH,
    *,
    sleep: Callable[[float], None] = time.sleep,
) -> DeliveryReport:
    """Send up to `limit` due messages; returns what happened to them. The claim is
    short (m.LEASE) and renewed before each send, so a worker that dies releases its
    batch within seconds; each outcome is recorded in its own transaction right after
    the SMTP server answered, retried through a database blip (`_record`), so a blip
    neither ends the round nor lets the lease run out under a message already sent."""
    token = secrets.token_hex(16)
    now = clock.now()
    with uow_factory() as uow:
        claimed = uow.outbox.claim_due(now, token, now + m.LEASE, limit)
        brand = read_brand(uow)
        uow.commit()
    sent = retried = failed = 0
    for message in claimed:
        assert message.id is not None, "claimed from the table"
        if not _renew(uow_factory, clock, token):
            # The database cannot be reached: sending now could outlive the claim (and
            # another worker send it too). The rest is released when the lease ends.
            log.warning(
                "mail round stopped: the claim on %s message(s) cannot be renewed",
                len(claimed) - sent - retried - failed,
            )
            break
        try:
            mailer.send(branded(message, brand), sender_name=brand.site_name)
        except Exception as unexpected:  # noqa: BLE001 — one bad message never stalls the rest
            error = (
                unexpected
                if isinstance(unexpected, m.MailError)
                else m.MailError(f"cannot be sent: {unexpected!r}", permanent=True)
            )
            if not isinstance(unexpected, m.MailError):
                log.exception("mail %s (%s) cannot be built or sent", message.id, message.kind)
            done = error.permanent or message.attempts >= m.MAX_ATTEMPTS
            changes = {
                "status": m.FAILED if done else m.PENDING,
                "last_error": str(error)[:500],
                "claim_token": None,
                "claimed_until": None,
                "next_attempt_at": clock.now() + m.retry_delay(message.attempts),
            }
            log.warning(
                "mail %s (%s) attempt %s failed%s: %s",
                message.id,
                message.kind,
                message.attempts,
                " for good" if done else ", will retry",
                error,
            )
            failed, retried = (failed + 1, retried) if done else (failed, retried + 1)
        else:
            changes = {
                "status": m.SENT,
                "sent_at": clock.now(),
                "claim_token": None,
                "claimed_until": None,
                "last_error": None,
            }
            sent += 1
        _record(uow_factory, message.id, token, changes, sleep)
    return DeliveryReport(sent=sent, retried=retried, failed=failed)


def _renew(uow_factory: UnitOfWorkFactory, clock: Clock, token: str) -> bool:
    """Extend the claim on what is left of the batch to a full lease from now (one
    UPDATE); False when the database cannot be reached."""
    try:
        with uow_factory() as uow:
            uow.outbox.renew(token, clock.now() + m.LEASE)
            uow.commit()
    except Exception:  # noqa: BLE001 — a blip: the caller stops short of sending
        log.warning("mail claim %s… cannot be renewed", token[:8], exc_info=True)
        return False
    return True


def _record(
    uow_factory: UnitOfWorkFactory,
    message_id: int,
    token: str,
    changes: dict,
    sleep: Callable[[float], None],
) -> bool:
    """Write a message's outcome in its own transaction, retrying a failed write with a
    short back-off (RECORD_RETRIES, about 10 s in all: well within the lease, so no
    other worker can claim the message meanwhile). False when it never got written."""
    for attempt, pause in enumerate((*RECORD_RETRIES, None)):
        try:
            with uow_factory() as uow:
                if not uow.outbox.settle(message_id, token, changes):
                    log.warning("mail %s: claim lost before its outcome was recorded", message_id)
                uow.commit()
            if attempt:
                log.warning("mail %s: outcome recorded after %s retries", message_id, attempt)
            return True
        except Exception:  # noqa: BLE001 — a database blip: try again shortly
            if pause is None:
                log.exception(
                    "mail %s: outcome %s could not be recorded", message_id, changes.get("status")
                )
                return False
            sleep(pause)
    return False


def purge_decoys(uow_factory: UnitOfWorkFactory, clock: Clock) -> int:
    """Delete the decoy rows older than a day; returns how many."""
    with uow_factory() as uow:
        purged = uow.outbox.purge_decoys(clock.now() - m.DECOY_LIFETIME)
        uow.commit()
    return purged


def deliver_all(
    uow_factory: UnitOfWorkFactory, mailer: Mailer, clock: Clock, max_batches: int = 50
) -> DeliveryReport:
    """`deliver_due` until nothing due is left (bounded): the cron job's run."""
    total = DeliveryReport()
    for _ in range(max_batches):
        report = deliver_due(uow_factory, mailer, clock)
        total = DeliveryReport(
            sent=total.sent + report.sent,
            retried=total.retried + report.retried,
            failed=total.failed + report.failed,
        )
        if report.attempted < BATCH:
            break
    return total

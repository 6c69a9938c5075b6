"""The background thread of an app server process: every couple of seconds it sends
the outbox's mail that is due, and settles the gateway postbacks received (read back
from the gateway, outside any request: domain.payments.postbacks), and every few minutes
charges the automatic renewals due (domain.payments.renewing), so both happen under
`creatorflix serve` (and `make run`) with no other command. Several processes and
servers share the work: claims never overlap (domain.mail.delivery, the postbacks).
With the API Pix configured it first registers our notice URL at the PSP. Started after
gunicorn forks its workers (entrypoints.server), never by create_app, so the tests' apps
run no thread."""

from __future__ import annotations

import logging
import threading
import time

from domain.mail.delivery import BATCH, deliver_due
from domain.notifications import delivery as notifications
from domain.payments import pix_renewing, postbacks, renewing, webhooks

log = logging.getLogger("creatorflix.mail")

INTERVAL_SECONDS = 2.0
# Renewals are due hours ahead: a round every few minutes is plenty.
RENEWAL_INTERVAL_SECONDS = 300.0


class MailWorker:
    def __init__(
        self,
        deps,
        interval: float = INTERVAL_SECONDS,
        renewal_interval: float = RENEWAL_INTERVAL_SECONDS,
    ):
        self.deps = deps
        self.interval = interval
        self.renewal_interval = renewal_interval
        self._next_renewals = 0.0
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self) -> MailWorker:
        if self._thread is None:
            self._thread = threading.Thread(target=self._run, name="creatorflix-mail", daemon=True)
            self._thread.start()
        return self

    def stop(self, timeout: float = 10.0) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout)
            self._thread = None

    @property
    def running(self) -> bool:
        return self._thread is not None and self._thread.is_alive()

    def run_once(self) -> int:
        """One round: send what is due (a full batch means more may wait: go again)."""
        sent = 0
        while not self._stop.is_set():
            report = deliver_due(self.deps.uow, self.deps.mailer, self.deps.clock)
            sent += report.sent
            if report.attempted < BATCH or report.retried or report.failed:
                break
        return sent

    def settle_postbacks(self) -> int:
        """One round of postbacks: settle what is due (full batches: go again)."""
        settled = 0
        while not self._stop.is_set():
            report = postbacks.settle_due(self.deps.payments_service, self.deps.settle_postback)
            settled += len(report.outcomes)
            if report.claimed < postbacks.BATCH or len(report.outcomes) < report.claimed:
                break
        return settled

    def charge_renewals(self) -> int:
        """One round of automatic renewals (every runner may: a period is charged by
        exactly one, domain.payments.renewing)."""
        renewals = self.deps.renewals
        return renewing.run_due(renewals).charged + pix_renewing.run_due(renewals).charged

    def register_pix_notices(self) -> bool:
        """With the API Pix configured, our notice URL is registered at the PSP for the
        key once per process start (best effort: a failure is logged, not retried)."""
        if self.deps.config.pix is None:
            return False
        return webhooks.register_pix_notices(self.deps.payments_service)

    def _run(self) -> None:
        try:
            self.register_pix_notices()
        except Exception:  # the database or the PSP: serving goes on regardless
            log.exception("registering the PIX notice URL failed")
        while not self._stop.is_set():
            if time.monotonic() >= self._next_renewals:
                self._next_renewals = time.monotonic() + self.renewal_interval
                try:
                    self.charge_renewals()
                except Exception:  # nor a renewal's
                    log.exception("renewal round failed; retrying")
            try:
                self.run_once()
            except Exception:  # a database hiccup must not kill the thread
                log.exception("mail delivery round failed; retrying")
            try:
                self.settle_postbacks()
            except Exception:  # nor a gateway's
                log.exception("postback round failed; retrying")
            try:  # webhooks and Telegram (domain.notifications), same thread and cadence
                notifications.deliver_due(self.deps.notifier)
            except Exception:
                log.exception("notification delivery round failed; retrying")
            self._stop.wait(self.interval)

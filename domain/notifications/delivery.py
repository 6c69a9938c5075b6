"""Delivering queued notifications: claim what is due, send each attempt outside any
transaction, record its outcome in a transaction of its own. A failure is retried on
the schedule (seconds after the first attempt; a later Retry-After wins); 410 disables
the endpoint at once; an endpoint failing for FAILING_LIMIT is disabled and the
administrators are mailed. An attempt is sent twice only if its worker died between the
send and the record (its lease then runs out)."""

from __future__ import annotations

import logging
import secrets
from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any

import attrs
from attrs import frozen

from domain.mail.messages import OutboxMessage
from domain.notifications import entities as n
from domain.notifications import telegram_text
from domain.notifications.entities import Delivery, SendOutcome, WebhookEndpoint
from domain.notifications.queue import TELEGRAM_ROW
from ports.clock import Clock
from ports.notifications import TelegramTransport, WebhookTransport
from ports.unit_of_work import UnitOfWork, UnitOfWorkFactory

log = logging.getLogger("creatorflix.notifications")

BATCH = 10
MAX_RETRY_AFTER = timedelta(days=1)  # a receiver cannot park a message for longer


@frozen
class Notifier:
    """What the worker needs: the transports and the retry schedule."""

    uow: UnitOfWorkFactory
    clock: Clock
    webhooks: WebhookTransport
    telegram: TelegramTransport
    schedule: tuple[int, ...] = n.DEFAULT_RETRY_SCHEDULE


@frozen
class DeliveryReport:
    sent: int = 0
    retried: int = 0
    failed: int = 0

    @property
    def attempted(self) -> int:
        return self.sent + self.retried + self.failed


def next_attempt(
    delivery: Delivery, outcome: SendOutcome, now: datetime, schedule: Sequence[int]
) -> datetime | None:
    """When to try a failed delivery again (None: never): the schedule's next slot after
    the first attempt, not before a Retry-After the receiver asked for."""
    if delivery.attempts > len(schedule):
        return None
    first = delivery.first_attempt_at or now
    due = max(first + timedelta(seconds=schedule[delivery.attempts - 1]), now)
    if outcome.retry_after is not None:
        due = max(due, now + min(timedelta(seconds=outcome.retry_after), MAX_RETRY_AFTER))
    return due


def _send(notifier: Notifier, delivery: Delivery, target: Any, now: datetime) -> SendOutcome:
    if delivery.channel == n.TELEGRAM:
        return notifier.telegram.send_message(
            target.bot_token, target.chat_id, telegram_text.text_of_body(delivery.body)
        )
    return notifier.webhooks.post(
        target.url, target.secrets_at(now), delivery.message_id, now, delivery.body
    )


def _target(uow: UnitOfWork, delivery: Delivery) -> Any:
    """The endpoint or Telegram setting to send to; None when it is gone or off."""
    if delivery.channel == n.TELEGRAM:
        found: Any = uow.telegram_settings.get(TELEGRAM_ROW)
        ready = found is not None and found.is_active and found.bot_token and found.chat_id
        return found if ready else None
    found = uow.webhook_endpoints.get(delivery.endpoint_id)
    return found if found is not None and found.is_active else None


def _outcome_changes(
    delivery: Delivery, outcome: SendOutcome, now: datetime, schedule: Sequence[int]
) -> dict[str, Any]:
    changes: dict[str, Any] = {
        "claim_token": None,
        "claimed_until": None,
        "status_code": outcome.status_code,
        "duration_ms": outcome.duration_ms,
        "response_excerpt": outcome.excerpt[: n.EXCERPT_CHARS] or None,
        "last_error": (outcome.error or None) and outcome.error[:500],
    }
    if outcome.ok:
        return {**changes, "status": n.SUCCEEDED, "delivered_at": now, "next_attempt_at": None}
    due = (
        None
        if outcome.refused or outcome.status_code == 410
        else next_attempt(delivery, outcome, now, schedule)
    )
    return {**changes, "status": n.PENDING if due else n.FAILED, "next_attempt_at": due}


def admin_notice(
    to: str, user_id: int | None, endpoint: WebhookEndpoint, now: datetime
) -> OutboxMessage:
    """The mail that tells an administrator an endpoint was switched off."""
    text = (
        f"Olá,\n\nO endpoint de webhook {endpoint.url} falhou em todas as entregas "
        f"desde {n.FAILING_LIMIT.days} dias atrás e foi desativado.\n\nVeja as "
        "entregas e reative-o em /admin/notificacoes depois de corrigir o destino.\n"
    )
    import html

    return OutboxMessage(
        id=None,
        kind="webhook_disabled",
        recipient=to,
        subject="Endpoint de webhook desativado",
        text_body=text,
        html_body=f"<pre>{html.escape(text)}</pre>",
        dedupe_key=f"webhook_disabled:{endpoint.id}:{user_id}:{now.isoformat()}",
        user_id=user_id,
        next_attempt_at=now,
        created_at=now,
    )


def _record_on_endpoint(
    uow: UnitOfWork, delivery: Delivery, outcome: SendOutcome, now: datetime
) -> None:
    """Success clears the failing streak; 410 disables at once; a failing streak of
    FAILING_LIMIT disables and mails the administrators."""
    endpoint = uow.webhook_endpoints.get(delivery.endpoint_id)
    if endpoint is None or delivery.channel != n.WEBHOOK:
        return
    if outcome.ok:
        if endpoint.failing_since is not None:
            uow.webhook_endpoints.update(attrs.evolve(endpoint, failing_since=None))
        return
    since = endpoint.failing_since or now
    if outcome.status_code == 410:
        endpoint = attrs.evolve(
            endpoint,
            is_active=False,
            failing_since=since,
            disabled_reason="o destino respondeu 410 (Gone)",
            updated_at=now,
        )
    elif endpoint.is_active and now - since >= n.FAILING_LIMIT:
        endpoint = attrs.evolve(
            endpoint,
            is_active=False,
            failing_since=since,
            disabled_reason=f"falhou por {n.FAILING_LIMIT.days} dias",
            updated_at=now,
        )
        for admin in uow.users.find({"role": "admin"}).items:
            uow.outbox.enqueue(admin_notice(admin.email, admin.id, endpoint, now))
    else:
        endpoint = attrs.evolve(endpoint, failing_since=since)
    uow.webhook_endpoints.update(endpoint)
    if not endpoint.is_active:
        log.warning("webhook endpoint %s disabled: %s", endpoint.id, endpoint.disabled_reason)


def _attempt(notifier: Notifier, delivery: Delivery, token: str) -> str:
    """One attempt of a claimed delivery; returns its new status."""
    assert delivery.id is not None, "claimed from the table"
    with notifier.uow() as uow:
        target = _target(uow, delivery)
    now = notifier.clock.now()
    if target is None:
        changes: dict[str, Any] = {
            "status": n.FAILED,
            "claim_token": None,
            "claimed_until": None,
            "next_attempt_at": None,
            "last_error": "the target was deleted or disabled",
        }
        outcome = None
    else:
        try:
            outcome = _send(notifier, delivery, target, now)
        except Exception as unexpected:  # noqa: BLE001 — one bad row never stalls the rest
            log.exception("delivery %s cannot be sent", delivery.id)
            outcome = SendOutcome(status_code=None, error=f"cannot be sent: {unexpected!r}")
        changes = _outcome_changes(delivery, outcome, now, notifier.schedule)
    with notifier.uow() as uow:
        if uow.webhook_deliveries.settle(delivery.id, token, changes):
            if outcome is not None:
                _record_on_endpoint(uow, delivery, outcome, now)
        else:
            log.warning("delivery %s: claim lost before its outcome was recorded", delivery.id)
        uow.commit()
    return changes["status"]


def deliver_due(notifier: Notifier, limit: int = BATCH) -> DeliveryReport:
    """Send up to `limit` due deliveries; returns what happened to them."""
    token = secrets.token_hex(16)
    now = notifier.clock.now()
    with notifier.uow() as uow:
        claimed = uow.webhook_deliveries.claim_due(now, token, now + n.LEASE, limit)
        uow.commit()
    # Stop short of the lease: past it another worker may claim (and send) the rest.
    stop_at = now + n.LEASE - n.LEASE / 5
    sent = retried = failed = 0
    for delivery in claimed:
        assert delivery.id is not None
        if notifier.clock.now() >= stop_at:
            with notifier.uow() as uow:
                uow.webhook_deliveries.settle(
                    delivery.id,
                    token,
                    {
                        "status": n.PENDING,
                        "claim_token": None,
                        "claimed_until": None,
                        "attempts": delivery.attempts - 1,
                    },
                )
                uow.commit()
            continue
        status = _attempt(notifier, delivery, token)
        if status == n.SUCCEEDED:
            sent += 1
        elif status == n.PENDING:
            retried += 1
        else:
            failed += 1
    return DeliveryReport(sent=sent, retried=retried, failed=failed)


def purge_log(notifier: Notifier) -> int:
    """Delete the settled deliveries older than LOG_RETENTION; returns how many."""
    with notifier.uow() as uow:
        purged = uow.webhook_deliveries.purge(notifier.clock.now() - n.LOG_RETENTION)
        uow.commit()
    return purged


def deliver_all(notifier: Notifier, max_batches: int = 50) -> DeliveryReport:
    """`deliver_due` until nothing due is left (bounded): the cron job's run."""
    total = DeliveryReport()
    for _ in range(max_batches):
        report = deliver_due(notifier)
        total = DeliveryReport(
            sent=total.sent + report.sent,
            retried=total.retried + report.retried,
            failed=total.failed + report.failed,
        )
        if report.attempted < BATCH:
            break
    return total

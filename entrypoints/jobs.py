"""Jobs run from the command line (cron): `creatorflix jobs` runs every periodic job
once (PERIODIC_JOBS); `creatorflix expire-subscriptions` the subscription ones only."""

from __future__ import annotations

from collections.abc import Callable

from domain.ads import retention
from domain.mail import delivery
from domain.notifications import delivery as notifications
from domain.payments import pix_renewing, postbacks, reminders, renewing, subscription_admin


def expire_subscriptions(deps) -> int:
    """Mark ended subscriptions expired and refresh users.subscription_status; returns
    how many subscriptions were marked."""
    return subscription_admin.expire_subscriptions(deps.uow, deps.clock)


def abandon_checkouts(deps) -> int:
    """Mark abandoned the pending checkouts past their PIX expiry (or a day old when it
    is unknown); returns how many were marked."""
    return subscription_admin.abandon_checkouts(deps.uow, deps.clock)


def forget_old_event_visitors(deps) -> int:
    """Clear the IP and user agent of ad events older than
    CREATORFLIX_EVENT_RETENTION_DAYS; returns how many events were cleared."""
    return retention.forget_old_visitors(deps.uow, deps.clock, deps.config.event_retention_days)


def charge_renewals(deps) -> int:
    """Charge the saved cards of the automatic subscriptions due (and the refused ones
    whose retry has come), and send the Pix Automático charges whose window is open
    (and their retries), each period once; returns how many charges were made."""
    return renewing.run_due(deps.renewals).charged + pix_renewing.run_due(deps.renewals).charged


def send_renewal_reminders(deps) -> int:
    """Queue a reminder for every subscription ending within
    CREATORFLIX_RENEWAL_REMINDER_DAYS days (once per subscription)."""
    return reminders.send_renewal_reminders(deps.reminders)


def send_expiry_notices(deps) -> int:
    """Queue a notice for every subscription that just expired (once per subscription)."""
    return reminders.send_expiry_notices(deps.reminders)


def purge_mail_decoys(deps) -> int:
    """Delete the outbox's decoy rows (password resets for unknown emails) older than a
    day; returns how many."""
    return delivery.purge_decoys(deps.uow, deps.clock)


def deliver_mail(deps) -> int:
    """Send every message of the outbox that is due (failures wait for their back-off);
    returns how many were sent."""
    return delivery.deliver_all(deps.uow, deps.mailer, deps.clock).sent


def deliver_notifications(deps) -> int:
    """Send every webhook and Telegram message that is due (failures wait for their
    retry); returns how many were delivered."""
    return notifications.deliver_all(deps.notifier).sent


def purge_notification_log(deps) -> int:
    """Delete the webhook and Telegram deliveries settled more than 60 days ago."""
    return notifications.purge_log(deps.notifier)


def settle_postbacks(deps) -> int:
    """Read back and settle the gateway postbacks received (failures wait for their
    back-off); returns how many were settled."""
    return len(postbacks.settle_all(deps.payments_service, deps.settle_postback))


# Every periodic job, in the order `creatorflix jobs` runs them: (name, job, what its
# count means).
PERIODIC_JOBS: list[tuple[str, Callable[..., int], str]] = [
    ("settle-postbacks", settle_postbacks, "gateway postback(s) settled"),
    # before the expiry: a subscription renewed today does not expire
    ("charge-renewals", charge_renewals, "renewal charge(s) made"),
    ("expire-subscriptions", expire_subscriptions, "subscription(s) marked expired"),
    ("abandon-checkouts", abandon_checkouts, "checkout(s) marked abandoned"),
    (
        "forget-event-visitors",
        forget_old_event_visitors,
        "ad event(s) cleared of IP and user agent",
    ),
    ("renewal-reminders", send_renewal_reminders, "renewal reminder(s) queued"),
    ("expiry-notices", send_expiry_notices, "expiry notice(s) queued"),
    ("purge-mail-decoys", purge_mail_decoys, "decoy row(s) of the mail outbox deleted"),
    (
        "purge-notification-log",
        purge_notification_log,
        "webhook or Telegram delivery log row(s) deleted",
    ),
    ("deliver-notifications", deliver_notifications, "notification(s) delivered"),
    ("deliver-mail", deliver_mail, "mail(s) sent"),  # last: sends what the others queued
]

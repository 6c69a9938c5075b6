"""Retention: ad events keep the visitor's IP and user agent only as long as they are
needed (repeat filtering looks back 30 minutes; abuse investigations a few months).
Older events keep everything else — ad, placement, time, whether and why they counted
— so counters, CTR and the daily statistics are unchanged."""

from __future__ import annotations

from datetime import datetime, timedelta

from domain.ads.rules import EVENT_KINDS
from ports.clock import Clock
from ports.unit_of_work import UnitOfWorkFactory

DEFAULT_RETENTION_DAYS = 180
BATCH = 5000  # rows cleared per transaction: no long lock on the event tables


def retention_cutoff(now: datetime, days: int) -> datetime:
    """Events created before this moment lose their IP and user agent."""
    if days < 1:
        raise ValueError("the retention is at least one day")
    return now - timedelta(days=days)


def forget_old_visitors(
    uow_factory: UnitOfWorkFactory,
    clock: Clock,
    days: int = DEFAULT_RETENTION_DAYS,
    batch: int = BATCH,
) -> int:
    """Clear the IP and user agent of impressions and clicks older than `days` days,
    `batch` rows per transaction; returns how many events were cleared. Running it
    again clears nothing more until more events age."""
    before = retention_cutoff(clock.now(), days)
    cleared = 0
    for kind in EVENT_KINDS:
        while True:
            with uow_factory() as uow:
                done = getattr(uow, kind).forget_visitors(before, batch)
                uow.commit()
            cleared += done
            if done < batch:
                break
    return cleared

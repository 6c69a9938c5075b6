"""The administrators' dashboard: how the business is doing over the last 30 days.

Every figure is an aggregate computed by the database (a handful of queries whatever
the volume): active subscribers now, revenue and paid checkouts per local day (the
zone of the operator, CREATORFLIX_TIMEZONE), the
conversion of started checkouts into paid ones, and the ads with the best CTR (counted
events only, among ads with at least MIN_IMPRESSIONS_FOR_CTR counted impressions)."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta, tzinfo

from attrs import frozen

from domain.ads.admin import window
from domain.ads.rules import Ad
from domain.payments.checkout import PAID, REFUNDED
from ports.clock import Clock
from ports.unit_of_work import UnitOfWorkFactory

DASHBOARD_DAYS = 30
TOP_ADS = 5
# A CTR over a handful of impressions says nothing (1 click of 1 impression is 100%):
# the top ads are chosen among ads with at least this many counted impressions.
MIN_IMPRESSIONS_FOR_CTR = 100


@frozen
class DayRevenue:
    """Checkouts paid on one local day and what they brought in (cents)."""

    day: date
    paid_checkouts: int
    revenue: int


@frozen
class Conversion:
    """Checkouts started in the window, and how many of them were paid (a refunded one
    was paid too: it converted, then the money went back)."""

    started: int
    paid: int
    refunded: int = 0  # of `paid`: the money went back (not in the revenue)

    @property
    def rate(self) -> float:
        return round(self.paid / self.started, 4) if self.started else 0.0


@frozen
class Dashboard:
    """The overview at `generated_at`, over the last `days` local days."""

    generated_at: datetime
    days: int
    active_subscribers: int
    series: tuple[DayRevenue, ...]  # one entry per day, oldest first, zeros included
    conversion: Conversion
    top_ads: tuple[Ad, ...]  # best lifetime CTR first (MIN_IMPRESSIONS_FOR_CTR)

    @property
    def revenue(self) -> int:
        return sum(d.revenue for d in self.series)

    @property
    def paid_checkouts(self) -> int:
        return sum(d.paid_checkouts for d in self.series)


def revenue_series(days: list[date], paid: dict[date, tuple[int, int]]) -> tuple[DayRevenue, ...]:
    """One entry per day of `days` from {day: (paid checkouts, cents)}; days without
    payments are zeros, days outside `days` are ignored."""
    return tuple(DayRevenue(day, *paid.get(day, (0, 0))) for day in days)


def conversion_of(statuses: dict[str, int]) -> Conversion:
    """Started = every checkout; paid = those that reached paid (refunded included)."""
    return Conversion(
        started=sum(statuses.values()),
        paid=statuses.get(PAID, 0) + statuses.get(REFUNDED, 0),
        refunded=statuses.get(REFUNDED, 0),
    )


def admin_dashboard(
    uow_factory: UnitOfWorkFactory,
    clock: Clock,
    days: int = DASHBOARD_DAYS,
    top_ads: int = TOP_ADS,
    zone: tzinfo = UTC,
) -> Dashboard:
    """The dashboard as of now, over the last `days` days of `zone` (today included);
    the same number of queries whatever the number of checkouts, subscriptions or ads.
    The zone's offset of now applies to the whole window (a DST change inside it moves
    an hour of payments by a day at most)."""
    now = clock.now()
    offset = now.replace(tzinfo=UTC).astimezone(zone).utcoffset() or timedelta(0)
    span = window((now + offset).date(), days)
    since = datetime.combine(span[0], time.min) - offset  # back to naive UTC
    until = datetime.combine(span[-1] + timedelta(days=1), time.min) - offset
    with uow_factory() as uow:
        subscribers = uow.subscriptions.count_active_subscribers(now)
        paid = uow.checkouts.paid_by_day(since, until, int(offset.total_seconds() // 60))
        statuses = uow.checkouts.count_by_status(since, until)
        best = uow.ads.top_by_ctr(top_ads, MIN_IMPRESSIONS_FOR_CTR)
    return Dashboard(
        generated_at=now,
        days=days,
        active_subscribers=subscribers,
        series=revenue_series(span, paid),
        conversion=conversion_of(statuses),
        top_ads=tuple(best),
    )

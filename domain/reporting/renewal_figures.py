"""The dashboard's subscription figures (issue 25), as README "Automatic renewal"
defines them: MRR, automatic vs manual members, renewals paid and refused, churn and
past-due subscriptions, over the dashboard's 30 days."""

from __future__ import annotations

from datetime import datetime, timedelta
from fractions import Fraction

from attrs import frozen

from domain.payments import coupons, renewals
from ports.clock import Clock
from ports.unit_of_work import UnitOfWorkFactory

MONTH_DAYS = 30


@frozen
class RenewalFigures:
    mrr: int  # cents per 30 days of the active automatic subscriptions
    automatic_members: int  # members with an active subscription that renews itself
    manual_members: int  # members with access and no such subscription
    renewals_paid: int  # renewal charges paid in the window
    renewals_refused: int  # renewal charges refused in the window (retries each)
    active_then: int  # members with access at the window's start
    churned: int  # of those, members with no access now
    past_due: int  # subscriptions whose renewal charge was refused, in grace

    @property
    def churn(self) -> float:
        return round(self.churned / self.active_then, 4) if self.active_then else 0.0


def figures(uow_factory: UnitOfWorkFactory, clock: Clock, days: int = MONTH_DAYS) -> RenewalFigures:
    now = clock.now()
    since = now - timedelta(days=days)
    # A fixed number of queries whatever the number of subscriptions.
    with uow_factory() as uow:
        active = [
            s for s in uow.subscriptions.find({"status": "active"}).items if s.is_active_at(now)
        ]
        renewing = [s for s in active if renewals.renews(s)]
        plan_ids = sorted({renewals.renewal_plan(s) or 0 for s in renewing} - {0})
        coupon_ids = sorted({s.coupon_id for s in renewing if s.coupon_id is not None})
        plans = {p.id: p for p in uow.plans.get_many(plan_ids)}
        kept = {c.id: c for c in uow.coupons.get_many(coupon_ids)}
        mrr = Fraction(0)
        for sub in renewing:
            plan = plans.get(renewals.renewal_plan(sub))
            if plan is not None and plan.duration > 0:
                coupon = kept.get(sub.coupon_id) if sub.coupon_id is not None else None
                amount, _ = coupons.applied(coupon, plan.id, plan.price)
                mrr += Fraction(amount * MONTH_DAYS, plan.duration)
        charged = [
            r
            for r in uow.renewals.find(
                {"status": [renewals.PAID, renewals.REFUSED, renewals.FAILED]}
            ).items
            if r.updated_at is not None and since <= r.updated_at <= now
        ]
        active_then, churned = uow.subscriptions.churn(since, now)
    automatic = {s.user_id for s in active if s.auto_renew}
    members = {s.user_id for s in active}
    return RenewalFigures(
        mrr=int(mrr + Fraction(1, 2)),  # half up, to the cent
        automatic_members=len(automatic),
        manual_members=len(members - automatic),
        renewals_paid=sum(1 for r in charged if r.status == renewals.PAID),
        renewals_refused=sum(1 for r in charged if r.status != renewals.PAID),
        active_then=active_then,
        churned=churned,
        past_due=sum(1 for s in active if s.renewal_state == renewals.PAST_DUE),
    )


def churn_window_active(
    status: str, start: datetime | None, end: datetime | None, at: datetime
) -> bool:
    """Whether a subscription gave access at `at`, whatever became of it since (an
    expired or refunded one counts for the time it ran)."""
    return (
        status in ("active", "expired", "canceled")
        and (start is None or start <= at)
        and (end is None or end > at)
    )

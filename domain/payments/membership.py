"""A member's own automatic renewal (issue 25): cancel it (access stays until the end,
a confirmation mail), resume it before the end, switch the plan its next renewal
charges, and see when and how much the next charge is."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import attrs
from attrs import frozen

from domain.catalog.entities import Plan
from domain.common.errors import Conflict, NotFound, ValidationError
from domain.mail import compose
from domain.payments import pix_automatico as pa
from domain.payments import renewals
from domain.payments import subscriptions as subs
from domain.payments.events import SubscriptionCancelled, subscription_event
from domain.payments.renewals import Schedule
from domain.payments.subscriptions import Subscription
from ports.clock import Clock
from ports.unit_of_work import UnitOfWork, UnitOfWorkFactory


@frozen
class MemberSubscription:
    """A subscription as its member sees it: `auto_renew`, and while it renews, when
    the next charge comes, how much, on which plan and card."""

    subscription: Subscription
    next_charge_at: datetime | None = None
    next_charge_amount: int | None = None
    next_plan_id: int | None = None


def view(uow: UnitOfWork, sub: Subscription, schedule: Schedule) -> MemberSubscription:
    if not renewals.renews(sub) or sub.end_date is None:
        return MemberSubscription(sub)
    plan_id = renewals.renewal_plan(sub)
    plan = uow.plans.get(plan_id) if plan_id is not None else None
    if sub.pix_rec_id is not None:  # the payer's bank pays the cobr on its due date
        due = pa.due_of(sub.end_date, schedule.zone)
        charge_at = pa.period_end(due - timedelta(days=1), schedule.zone)
    else:
        charge_at = sub.end_date - schedule.charge_ahead
    return MemberSubscription(
        sub,
        next_charge_at=charge_at,
        next_charge_amount=plan.price if plan else None,
        next_plan_id=plan_id,
    )


def views(
    uow_factory: UnitOfWorkFactory, subscriptions: list[Subscription], schedule: Schedule
) -> list[MemberSubscription]:
    with uow_factory() as uow:
        return [view(uow, s, schedule) for s in subscriptions]


def current(
    uow_factory: UnitOfWorkFactory, user_id: int, subscription_id: int, schedule: Schedule
) -> MemberSubscription:
    """The member's subscription as it is now (NotFound for anyone else's)."""
    with uow_factory() as uow:
        sub = uow.subscriptions.get(subscription_id)
        if sub is None or sub.user_id != user_id:
            raise NotFound(f"subscription {subscription_id} not found")
        return view(uow, sub, schedule)


def _own(uow: UnitOfWork, user_id: int, subscription_id: int) -> Subscription:
    """The member's subscription, locked through its user's row (NotFound for anyone
    else's: no probing of ids)."""
    uow.users.get_for_update(user_id)
    sub = uow.subscriptions.get(subscription_id)
    if sub is None or sub.user_id != user_id:
        raise NotFound(f"subscription {subscription_id} not found")
    return sub


def _renewable(sub: Subscription, now: datetime) -> None:
    if (sub.card_ref is None and sub.pix_rec_id is None) or sub.renewal_state is None:
        raise Conflict("this subscription does not renew automatically")
    if sub.status != subs.ACTIVE or sub.end_date is None or sub.end_date <= now:
        raise Conflict("this subscription has ended")


def cancel(
    uow_factory: UnitOfWorkFactory,
    clock: Clock,
    user_id: int,
    subscription_id: int,
    schedule: Schedule,
) -> MemberSubscription:
    """Renewal off: no further charge; access until the end already paid (a past-due
    one keeps its grace and is retried no more). A confirmation mail, once per change;
    cancelling what is cancelled changes nothing."""
    now = clock.now()
    with uow_factory() as uow:
        sub = _own(uow, user_id, subscription_id)
        _renewable(sub, now)
        if sub.auto_renew:
            state = renewals.ENDED if sub.renewal_state == renewals.PAST_DUE else sub.renewal_state
            sub = uow.subscriptions.update(attrs.evolve(sub, auto_renew=False, renewal_state=state))
            record_cancelled(uow, sub, now)
        result = view(uow, sub, schedule)
        uow.commit()
    return result


def record_cancelled(
    uow: UnitOfWork, sub: Subscription, now: datetime, *, mail: bool = True, **how: Any
) -> None:
    """Inside the unit of work that turned `sub`'s renewal off: the event, and the
    confirmation mail (`how`: compose.renewal_cancelled's means, by_bank, resumable)."""
    uow.record(subscription_event(SubscriptionCancelled, sub, now))
    user = uow.users.get(sub.user_id)
    if not mail or user is None or user.anonymised_at is not None:
        return
    plan = uow.plans.get(sub.plan_id) if sub.plan_id is not None else None
    uow.outbox.enqueue(
        compose.renewal_cancelled(
            user.email,
            user.name,
            plan.name if plan else "CreatorFlix",
            sub.end_date,
            now,
            sub.user_id,
            _stored(sub),
            **how,
        )
    )


def resume(
    uow_factory: UnitOfWorkFactory,
    clock: Clock,
    user_id: int,
    subscription_id: int,
    schedule: Schedule,
) -> MemberSubscription:
    """Renewal on again, before the end of what was paid, on the saved card."""
    now = clock.now()
    with uow_factory() as uow:
        sub = _own(uow, user_id, subscription_id)
        _renewable(sub, now)
        if sub.renewal_state != renewals.RENEWING:
            raise Conflict("this renewal has ended: subscribe again at the checkout")
        if not sub.auto_renew:
            sub = uow.subscriptions.update(attrs.evolve(sub, auto_renew=True))
        result = view(uow, sub, schedule)
        uow.commit()
    return result


def change_plan(
    uow_factory: UnitOfWorkFactory,
    clock: Clock,
    user_id: int,
    subscription_id: int,
    plan_id: int,
    schedule: Schedule,
) -> MemberSubscription:
    """The next renewal charges `plan_id` (an automatic plan for sale) and the period
    that follows is that plan's; the current one is unchanged."""
    now = clock.now()
    with uow_factory() as uow:
        sub = _own(uow, user_id, subscription_id)
        _renewable(sub, now)
        if sub.pix_rec_id is not None:
            raise Conflict(
                "Pix Automático renews the plan its recurrence was authorised for: cancel "
                "it and subscribe to the other plan"
            )
        plan = uow.plans.get(plan_id)
        if plan is None or not plan.is_active:
            raise ValidationError(f"plan {plan_id} is not for sale", field="plan_id")
        if not _automatic(plan):
            raise ValidationError(f"plan {plan_id} does not renew automatically", field="plan_id")
        next_plan = None if plan_id == sub.plan_id else plan_id
        if sub.next_plan_id != next_plan:
            sub = uow.subscriptions.update(attrs.evolve(sub, next_plan_id=next_plan))
        result = view(uow, sub, schedule)
        uow.commit()
    return result


def _automatic(plan: Plan) -> bool:
    return plan.renews_automatically


def _stored(sub: Subscription) -> int:
    assert sub.id is not None, "read from the repository"
    return sub.id

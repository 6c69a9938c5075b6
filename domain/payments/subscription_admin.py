"""Admin use cases of checkouts and subscriptions: lists, manual grants, expiry and
abandoned checkouts, refunds of withdrawal requests."""

from __future__ import annotations

import attrs

from domain.common.crud import Resource
from domain.common.errors import Conflict, NotFound, ValidationError
from domain.common.fields import Boolean, Choice, Integer, Text
from domain.payments import activation, renewals
from domain.payments import checkout as co
from domain.payments import subscriptions as subs
from domain.payments import withdrawal as wd
from domain.payments.checkout import Checkout
from domain.payments.commands import GrantPlan
from domain.payments.events import SubscriptionExpired, checkout_event, subscription_event
from domain.payments.subscriptions import MANUAL_ADMIN, Subscription
from ports.clock import Clock
from ports.unit_of_work import UnitOfWorkFactory

_ID = Integer(minimum=1)

# Read-only admin lists (newest first), through the generic admin use cases.
CHECKOUTS = Resource(
    name="checkout",
    repo="checkouts",
    entity=Checkout,
    fields={},
    filters={
        "status": Choice(choices=co.STATUSES),
        "user_id": _ID,
        "plan_id": _ID,
        "payment_method": Choice(choices=co.PAYMENT_METHODS),
        "external_id": Text(max_length=200),
        "customer_email": Text(max_length=254),
    },
    order_by=("-id",),
)
SUBSCRIPTIONS = Resource(
    name="subscription",
    repo="subscriptions",
    entity=Subscription,
    fields={},
    filters={
        "status": Choice(choices=subs.STATUSES),
        "user_id": _ID,
        "plan_id": _ID,
        "external_id": Text(max_length=200),
        "auto_renew": Boolean(),
        "renewal_state": Choice(choices=renewals.STATES),
    },
    order_by=("-id",),
)


def grant_manually(
    uow_factory: UnitOfWorkFactory, clock: Clock, command: GrantPlan
) -> Subscription:
    """An administrator gives a user a plan (external_id MANUAL_ADMIN), with the same
    rule as a payment: from now, or from the end of the access the user already has."""
    user_id = command.user_id
    now = clock.now()
    with uow_factory() as uow:
        user = uow.users.get_for_update(user_id)  # grants at the same moment chain
        if user is None:
            raise NotFound(f"user {user_id} not found")
        plan = uow.plans.get(command.plan_id)
        if plan is None:
            raise ValidationError(f"plan {command.plan_id} does not exist", field="plan_id")
        granted = activation.grant(uow, user, plan, MANUAL_ADMIN, now, reuse_pending=False)
        uow.commit()
    return granted


def expire_subscriptions(uow_factory: UnitOfWorkFactory, clock: Clock) -> int:
    """Mark active subscriptions whose end has passed expired, and refresh their users'
    subscription_status. Returns how many were marked."""
    now = clock.now()
    with uow_factory() as uow:
        ended = uow.subscriptions.ended(now)
        for sub in ended:
            expired = subs.expire(sub, now)
            # ended() returns the active ones past their end: exactly what expire() marks.
            assert expired is not None, sub
            uow.subscriptions.update(expired)
            uow.record(subscription_event(SubscriptionExpired, expired, now))
        for user_id in sorted({s.user_id for s in ended}):
            activation.refresh_status(uow, user_id, now)
        uow.commit()
    return len(ended)


def abandon_checkouts(uow_factory: UnitOfWorkFactory, clock: Clock) -> int:
    """Mark abandoned the pending checkouts past their PIX expiry (a day after they were
    created when it is unknown). They are read locked, so a payment processed at the
    same moment is not overwritten; a payment confirmed later still settles an
    abandoned checkout. Returns how many were marked."""
    now = clock.now()
    marked = 0
    with uow_factory() as uow:
        for checkout in uow.checkouts.pending_for_update():
            moved = co.abandon(checkout, now)
            if moved is not None:
                uow.checkouts.update(moved)
                uow.record(checkout_event(moved, now))
                marked += 1
        uow.commit()
    return marked


def refund_withdrawal(
    uow_factory: UnitOfWorkFactory, clock: Clock, withdrawal_id: int
) -> wd.Withdrawal:
    """An administrator refunded the purchase (in the gateway's dashboard): the checkout
    becomes refunded and the access it granted ends, as a refund notice would do."""
    now = clock.now()
    with uow_factory() as uow:
        request = uow.withdrawals.get(withdrawal_id)
        if request is None:
            raise NotFound(f"withdrawal request {withdrawal_id} not found")
        if request.status != wd.REQUESTED:
            raise Conflict(f"this request is already {request.status}", field="status")
        checkout = uow.checkouts.get_for_update(request.checkout_id)
        assert checkout is not None, "withdrawal_requests.checkout_id references checkouts"
        moved = co.advance(checkout, co.REFUNDED, now)
        if moved is not None:
            uow.checkouts.update(moved)
            # Its handlers end the access it granted (as a refund notice does).
            uow.record(checkout_event(moved, now))
        request = uow.withdrawals.update(attrs.evolve(request, status=wd.REFUNDED, resolved_at=now))
        uow.commit()
    return request

"""What members see of their own purchases: their checkouts and subscriptions."""

from __future__ import annotations

from domain.common.pagination import Page, PageRequest
from domain.payments.checkout import Checkout
from domain.payments.subscriptions import Subscription
from domain.payments.withdrawal import Withdrawal
from ports.unit_of_work import UnitOfWorkFactory


def member_checkouts(
    uow_factory: UnitOfWorkFactory, user_id: int, page: PageRequest
) -> Page[Checkout]:
    """The user's checkouts, newest first."""
    with uow_factory() as uow:
        return uow.checkouts.find(
            {"user_id": user_id}, order_by=["-id"], page=page.page, limit=page.limit
        )


def member_subscriptions(
    uow_factory: UnitOfWorkFactory, user_id: int, page: PageRequest
) -> Page[Subscription]:
    """The user's subscriptions (every grant), newest first."""
    with uow_factory() as uow:
        return uow.subscriptions.find(
            {"user_id": user_id}, order_by=["-id"], page=page.page, limit=page.limit
        )


def withdrawal_requests(
    uow_factory: UnitOfWorkFactory, status: str | None, page: PageRequest
) -> Page[Withdrawal]:
    """Admin: withdrawal requests, newest first (optionally of one status)."""
    with uow_factory() as uow:
        return uow.withdrawals.find(
            {"status": status} if status else {}, order_by=["-id"], page=page.page, limit=page.limit
        )

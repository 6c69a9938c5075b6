"""Customers for the operator (issue 23, /admin/clientes): accounts and guest buyers
alike, found by name, email, CPF or phone (with or without punctuation); one customer's
checkouts, subscriptions, withdrawal requests and age checks; and the operator's help:
mail them the link to choose a (new) password."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from attrs import frozen

from domain.accounts.auth import AuthService
from domain.accounts.commands import RequestPasswordReset
from domain.accounts.self_service import request_password_reset
from domain.accounts.users import User
from domain.common.errors import NotFound, ValidationError
from domain.common.pagination import Page, PageRequest
from domain.payments.checkout import PAID, Checkout
from domain.payments.sales import SalesQuery, search_terms
from domain.payments.subscriptions import Subscription
from domain.payments.withdrawal import Withdrawal
from ports.unit_of_work import UnitOfWorkFactory

# A search reads at most this many matching accounts and checkouts (the operator then
# narrows it): the answer costs four queries whatever the database holds.
SEARCH_CAP = 500
DETAIL_CAP = 200


@frozen
class Customer:
    """A person who bought or has an account: `user_id` None for a guest buyer (known
    by the email of their checkouts)."""

    email: str
    name: str | None
    user_id: int | None
    document: str | None
    phone: str | None
    checkouts: int
    paid_checkouts: int
    paid_amount: int
    last_activity: datetime | None
    last_checkout_id: int | None = None  # a guest's page is reached through it


@frozen
class CustomerDetail:
    customer: Customer
    checkouts: tuple[Checkout, ...]
    subscriptions: tuple[Subscription, ...]
    withdrawals: tuple[Withdrawal, ...]
    # domain.assurance's AgeAssurance records (payments does not import assurance:
    # .importlinter), read through the unit of work.
    age_checks: tuple[Any, ...]
    plan_names: dict[int, str]


def _merge(users: list[User], checkouts: list[Checkout]) -> list[Customer]:
    """One Customer per email: an account's with its checkouts (by user or email), a
    guest's from their checkouts; most recent activity first."""
    by_email: dict[str, dict] = {}
    for user in users:
        by_email[user.email.lower()] = {
            "email": user.email,
            "name": user.name,
            "user_id": user.id,
            "document": None,
            "phone": None,
            "checkouts": 0,
            "paid": 0,
            "amount": 0,
            "last": user.created_at,
            "checkout": None,
        }
    user_email = {u.id: u.email.lower() for u in users}
    for c in sorted(checkouts, key=lambda c: c.id or 0):
        key = user_email.get(c.user_id) or (c.customer_email or "").lower()
        if not key:
            continue
        row = by_email.setdefault(
            key,
            {
                "email": c.customer_email,
                "name": None,
                "user_id": c.user_id,
                "document": None,
                "phone": None,
                "checkouts": 0,
                "paid": 0,
                "amount": 0,
                "last": None,
                "checkout": None,
            },
        )
        row["name"] = row["name"] or c.customer_name
        row["user_id"] = row["user_id"] or c.user_id
        row["document"] = c.customer_document or row["document"]
        row["phone"] = c.customer_phone or row["phone"]
        row["checkouts"] += 1
        row["checkout"] = c.id
        if c.status == PAID:
            row["paid"] += 1
            row["amount"] += c.total_amount
        if c.created_at and (row["last"] is None or c.created_at > row["last"]):
            row["last"] = c.created_at
    found = [
        Customer(
            email=r["email"],
            name=r["name"],
            user_id=r["user_id"],
            document=r["document"],
            phone=r["phone"],
            checkouts=r["checkouts"],
            paid_checkouts=r["paid"],
            paid_amount=r["amount"],
            last_activity=r["last"],
            last_checkout_id=r["checkout"],
        )
        for r in by_email.values()
    ]
    return sorted(found, key=lambda c: (c.last_activity or datetime.min, c.email), reverse=True)


def search_customers(
    uow_factory: UnitOfWorkFactory, q: str | None, page: PageRequest
) -> Page[Customer]:
    """Customers matching `q` (all, most recent first, without one)."""
    text, digits = search_terms(q)
    with uow_factory() as uow:
        users = uow.users.search(text, SEARCH_CAP) if text is not None else []
        if text is None and digits is None:
            users = uow.users.search("", SEARCH_CAP)
        found = uow.checkouts.search(SalesQuery(text=text, digits=digits), 1, SEARCH_CAP).items
        # The accounts of checkouts found by CPF or phone: one query.
        known = {u.id for u in users}
        users += uow.users.get_many(
            {c.user_id for c in found if c.user_id and c.user_id not in known}
        )
    customers = _merge(users, list(found))
    start = page.offset
    return Page(
        items=customers[start : start + page.limit],
        total=len(customers),
        page=page.page,
        limit=page.limit,
    )


def customer_detail(
    uow_factory: UnitOfWorkFactory, user_id: int | None = None, checkout_id: int | None = None
) -> CustomerDetail:
    """An account (by id), or the buyer of a checkout (their account, or a guest known
    by the email of their checkouts)."""
    if user_id is None and checkout_id is None:
        raise ValidationError("user_id or checkout_id is required", field="user_id")
    with uow_factory() as uow:
        email = ""
        if checkout_id is not None:
            bought = uow.checkouts.get(checkout_id)
            if bought is None:
                raise NotFound(f"checkout {checkout_id} not found")
            user_id, email = bought.user_id, bought.customer_email or ""
        user = (
            uow.users.get(user_id)
            if user_id is not None
            else uow.users.get_by_email(email.strip().lower())
            if email
            else None
        )
        if user is None and not email:
            raise NotFound(f"user {user_id} not found")
        mail = user.email if user is not None else email.strip()
        by_mail = uow.checkouts.find(
            {"customer_email": mail}, order_by=("-id",), limit=DETAIL_CAP
        ).items
        by_user = (
            uow.checkouts.find({"user_id": user.id}, order_by=("-id",), limit=DETAIL_CAP).items
            if user is not None
            else []
        )
        checkouts = sorted(
            {c.id: c for c in [*by_mail, *by_user]}.values(), key=lambda c: c.id or 0, reverse=True
        )
        subs = (
            uow.subscriptions.find({"user_id": user.id}, order_by=("-id",), limit=DETAIL_CAP).items
            if user is not None
            else []
        )
        wds = (
            uow.withdrawals.find({"user_id": user.id}, order_by=("-id",), limit=DETAIL_CAP).items
            if user is not None
            else []
        )
        ages = (
            uow.age_assurances.find({"user_id": user.id}, order_by=("-id",), limit=DETAIL_CAP).items
            if user is not None
            else []
        )
        plans = uow.plans.get_many({c.plan_id for c in checkouts} | {s.plan_id for s in subs})
    customer = _merge([user] if user is not None else [], checkouts)[0]
    return CustomerDetail(
        customer=customer,
        checkouts=tuple(checkouts),
        subscriptions=tuple(subs),
        withdrawals=tuple(wds),
        age_checks=tuple(ages),
        plan_names={p.id: p.name for p in plans if p.id is not None},
    )


def send_password_link(auth: AuthService, uow_factory: UnitOfWorkFactory, user_id: int) -> None:
    """Mail an account the link to choose a password (the one a buyer's account never
    had, or a new one): the password-reset mail, valid one hour."""
    with uow_factory() as uow:
        user = uow.users.get(user_id)
    if user is None or user.anonymised_at is not None:
        raise NotFound(f"user {user_id} not found", field="user_id")
    request_password_reset(auth, RequestPasswordReset(email=user.email))


def people(uow_factory: UnitOfWorkFactory, user_ids: set[int]) -> dict[int, User]:
    """The accounts of `user_ids` (one query): admin lists name the people in them."""
    with uow_factory() as uow:
        return {u.id: u for u in uow.users.get_many(sorted(user_ids)) if u.id is not None}


def checkouts_by_id(uow_factory: UnitOfWorkFactory, ids: set[int]) -> dict[int, Checkout]:
    """The checkouts of `ids` (one query), for lists that name a buyer and an amount."""
    with uow_factory() as uow:
        return {c.id: c for c in uow.checkouts.get_many(sorted(ids)) if c.id is not None}

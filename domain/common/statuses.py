"""Statuses more than one capability reads. Each is a StrEnum: its members are the very
strings the database and the JSON hold (`SubscriptionStatus.ACTIVE == "active"`)."""

from __future__ import annotations

from enum import StrEnum
from typing import TypeVar


class SubscriptionStatus(StrEnum):
    """A grant's status (domain.payments.subscriptions); the paywall (domain.catalog)
    lets active ones see premium media."""

    PENDING = "pending"
    ACTIVE = "active"
    EXPIRED = "expired"
    CANCELED = "canceled"


# The status of what the public sees: an active creator (domain.catalog) and an active
# white-label model (domain.whitelabel); /models/{name} resolves to either.
PUBLISHED = "active"

E = TypeVar("E", bound=StrEnum)


def lenient(enum: type[E], value: str) -> E:
    """`value` as a member of `enum`, for the attrs converters of entity statuses; a
    value `enum` does not know stays the plain string it is: a database adopted from
    the original platform may hold one, and reading that row must not fail (nor lose
    the value)."""
    try:
        return enum(value)
    except ValueError:
        return value  # type: ignore[return-value]  # kept as read, see above


def to_subscription_status(value: str) -> SubscriptionStatus:
    return lenient(SubscriptionStatus, value)

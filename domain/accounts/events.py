"""What the accounts capability tells the rest of the system (domain.common.events)."""

from __future__ import annotations

from attrs import frozen

from domain.common.events import Event

# How an account came to be (UserRegistered.via).
REGISTER = "register"
CHECKOUT = "checkout"
ADMIN = "admin"


@frozen(kw_only=True)
class UserRegistered(Event):
    """An account was opened: by its owner (`register`), by a payment (`checkout`) or
    by an administrator (`admin`)."""

    name = "user.created"
    user_id: int
    role: str
    via: str


@frozen(kw_only=True)
class UserErased(Event):
    """An account was erased (LGPD): what it held of the person is gone, in this same
    unit of work, in every capability (each handles this event)."""

    name = "user.erased"
    user_id: int

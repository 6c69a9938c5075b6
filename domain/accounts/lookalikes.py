"""Which address a new account (or an email change) may take: Unicode Technical Standard
#39 through the AddressLookalikes port (issue 20, finding 10)."""

from __future__ import annotations

from domain.common.errors import ValidationError
from ports.accounts import AddressLookalikes, UserRepository


def check_new_address(
    users: UserRepository, lookalikes: AddressLookalikes | None, email: str, field: str = "email"
) -> None:
    """An address a new account (or an email change) may take: not a look-alike (UTS
    #39, `ports.accounts.AddressLookalikes`) of another account's, and nothing the
    port refuses (mixed scripts...). An all-ASCII address is never refused for an
    earlier look-alike: a squatter's `alıce@` must not lock alice out of her own."""
    if lookalikes is None:
        return
    problem = lookalikes.problem(email)
    if problem:
        raise ValidationError(problem, field=field)
    if not email.isascii() and users.lookalike_of(email, lookalikes.skeleton(email)):
        raise ValidationError("this address looks like the address of another account", field=field)

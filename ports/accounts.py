"""Ports of accounts and catalogue."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Protocol

from domain.accounts.audit_entry import AuditEntry
from domain.accounts.users import User
from domain.catalog.entities import Creator, OrderBump, Plan, Post, Setting, SupportContact
from domain.common.pagination import Page
from ports.repositories import Repository


class UserRepository(Repository[User], Protocol):
    def get_by_email(self, email: str) -> User | None:
        """The user with this (normalised) email, or None."""

    def search(self, text: str, limit: int) -> list[User]:
        """Up to `limit` open accounts whose name or email contains `text` (lower case),
        newest first, in one query."""

    def get_for_update(self, pk: int) -> User | None:
        """Read a user and lock their row until the unit of work ends, so changes to
        their access (grants, refunds) are made one after the other. Lock before any
        other read of that user in the unit of work."""

    def get_for_update_by_email(self, email: str) -> User | None:
        """`get_by_email`, read and locked like `get_for_update`."""

    def get_unless_revoked(self, pk: int, jti: str | None) -> User | None:
        """The user, unless the token id `jti` is in revoked_tokens: ONE query (every
        authenticated request makes it)."""

    def lookalike_of(self, email: str, skeleton: str) -> User | None:
        """An account whose address is not `email` but has this UTS #39 `skeleton`
        (AddressLookalikes.skeleton), or None: ONE indexed query."""


class AddressLookalikes(Protocol):
    """Unicode Technical Standard #39 on email addresses (adapters/email_lookalikes.py)."""

    def skeleton(self, email: str) -> str:
        """What the address looks like: look-alikes have the same skeleton."""

    def problem(self, email: str) -> str | None:
        """Why the address cannot be a new account's (its local part mixes scripts,
        holds an invisible mark, or a combining mark that draws a letter it does not
        have), or None."""


class PostRepository(Repository[Post], Protocol):
    def delete_by_creator(self, model_id: int) -> int:
        """Delete every post of the creator `model_id` in one statement; returns how many."""


class CreatorRepository(Repository[Creator], Protocol):
    def get_for_update(self, pk: int) -> Creator | None:
        """Read a creator and lock its row until the unit of work ends, so changes to its
        post_count are made one after the other. Lock before any other read of that
        creator in the unit of work."""


PlanRepository = Repository[Plan]
OrderBumpRepository = Repository[OrderBump]
SettingRepository = Repository[Setting]
SupportContactRepository = Repository[SupportContact]


class AuditLogRepository(Repository[AuditEntry], Protocol):
    def search(self, filters: Mapping[str, Any], page: int, limit: int) -> Page[AuditEntry]:
        """Entries newest first matching `filters` (domain.accounts.audit.AUDIT_FILTERS:
        equality on actor_id, actor_email, resource, route, record_id, method;
        created_at >= since and < until), one page of them, in two queries."""

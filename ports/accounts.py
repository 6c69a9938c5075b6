"""Ports of accounts and catalogue."""
from __future__ import annotations

from typing import Protocol

from domain.accounts.users import User
from domain.catalog.entities import Creator, OrderBump, Plan, Post, Setting, SupportContact
from ports.repositories import Repository


class UserRepository(Repository[User], Protocol):
    def get_by_email(self, email: str) -> User | None:
        """The user with this (normalised) email, or None."""

    def get_for_update(self, pk: int) -> User | None:
        """Read a user and lock their row until the unit of work ends, so changes to
        their access (grants, refunds) are made one after the other. Lock before any
        other read of that user in the unit of work."""

    def get_for_update_by_email(self, email: str) -> User | None:
        """`get_by_email`, read and locked like `get_for_update`."""


class PostRepository(Repository[Post], Protocol):
    def delete_by_creator(self, model_id: int) -> int:
        """Delete every post of the creator `model_id` in one statement; returns how many."""


PlanRepository = Repository[Plan]
OrderBumpRepository = Repository[OrderBump]
CreatorRepository = Repository[Creator]
SettingRepository = Repository[Setting]
SupportContactRepository = Repository[SupportContact]

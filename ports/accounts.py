"""Ports of accounts and catalogue."""
from __future__ import annotations

from typing import Protocol

from domain.accounts import User
from domain.catalog import Creator, OrderBump, Plan, Post, Setting, SupportContact
from ports.repositories import Repository


class UserRepository(Repository[User], Protocol):
    def get_by_email(self, email: str) -> User | None:
        """The user with this (normalised) email, or None."""


PlanRepository = Repository[Plan]
OrderBumpRepository = Repository[OrderBump]
CreatorRepository = Repository[Creator]
PostRepository = Repository[Post]
SettingRepository = Repository[Setting]
SupportContactRepository = Repository[SupportContact]

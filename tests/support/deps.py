"""What most tests build the app with: the test settings, a fast password hasher, the
dependencies on a backend, and users with bearer headers (Actors)."""

from __future__ import annotations

import os

from adapters.security import Argon2PasswordHasher
from entrypoints.bootstrap import Deps, build_deps, build_memory_deps
from entrypoints.config import Config
from tests.support.backends import Backend

IN_CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")
TEST_SECRET = "test-secret-key-" + "x" * 32
TEST_RATE_LIMIT_FACTOR = 1000.0
# Slow on purpose in production, not here.
FAST_HASHER = Argon2PasswordHasher(memory_cost=8, time_cost=1)


def deps_for(backend: Backend, config: Config, clock) -> Deps:
    if backend.is_pony:
        return build_deps(config, clock=clock, hasher=FAST_HASHER, database=backend.database)
    return build_memory_deps(config, clock=clock, hasher=FAST_HASHER, store=backend.database)


class Actors:
    """Creates users through the real use cases and hands out bearer headers."""

    def __init__(self, deps: Deps):
        self.deps = deps

    def admin(self, email: str = "admin@example.com") -> dict:
        from domain.accounts.auth import create_admin, issue_token
        from domain.accounts.commands import CreateAdmin

        user, _ = create_admin(self.deps.auth, CreateAdmin(email, "admin-password"))
        return self.headers(issue_token(self.deps.auth, user).token)

    def user(self, email: str = "user@example.com") -> dict:
        from domain.accounts.auth import register
        from domain.accounts.commands import Register

        session = register(self.deps.auth, Register(email=email, password="user-password"))
        return self.headers(session.token)

    @staticmethod
    def headers(token: str) -> dict:
        return {"Authorization": f"Bearer {token}"}

"""A migrated SQLite file the command line (and a job) reads through the environment, and
the stored user of an email in it."""

from __future__ import annotations

import pytest

from adapters import migrator
from adapters.pony.database import PonyDatabase
from adapters.pony.unit_of_work import PonyUnitOfWorkFactory
from domain.accounts.users import User


@pytest.fixture
def database_file(database_path, monkeypatch):
    url = f"sqlite:///{database_path}"
    migrator.migrate(url)
    monkeypatch.setenv("CREATORFLIX_DATABASE_URL", url)
    monkeypatch.setenv("CREATORFLIX_SECRET_KEY", "cli-test-secret-" + "y" * 32)
    pdb = PonyDatabase(url)
    yield pdb
    pdb.close()


def stored_user(pdb, email: str) -> User | None:
    with PonyUnitOfWorkFactory(pdb)() as uow:
        return uow.users.get_by_email(email)

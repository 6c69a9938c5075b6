"""Area-specific in-memory repositories, by unit-of-work attribute."""
from __future__ import annotations

from adapters.memory.repositories import accounts, ads, payments, whitelabel

REPOSITORIES: dict[str, type] = {
    **accounts.REPOSITORIES, **payments.REPOSITORIES, **whitelabel.REPOSITORIES,
    **ads.REPOSITORIES,
}

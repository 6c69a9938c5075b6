"""Area-specific Pony repositories, by unit-of-work attribute."""
from __future__ import annotations

from adapters.pony.repositories import accounts, ads, payments, whitelabel

REPOSITORIES: dict[str, type] = {
    **accounts.REPOSITORIES, **payments.REPOSITORIES, **whitelabel.REPOSITORIES,
    **ads.REPOSITORIES,
}

"""The capability modules whose routes make up the API. Each has `routes(deps)`."""
from __future__ import annotations

from entrypoints.http import accounts, ads, catalog, checkout, media, whitelabel

MODULES = [accounts, catalog, checkout, whitelabel, media, ads]

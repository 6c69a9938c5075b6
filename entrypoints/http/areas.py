"""The capability modules whose routes make up the API. Each has `routes(deps)`."""
from __future__ import annotations

from entrypoints.http import (accounts, ads, catalog, checkout, checkout_qr, dashboard, media,
                              web, whitelabel)

MODULES = [accounts, catalog, checkout, checkout_qr, whitelabel, media, ads, dashboard, web]

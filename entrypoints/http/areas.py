"""The capability modules whose routes make up the API. Each has `routes(deps)`."""
from __future__ import annotations

from entrypoints.http import age_assurance
from entrypoints.http import branding, media_admin
from entrypoints.http import audit
from entrypoints.http import notifications
from entrypoints.http import renewals
from entrypoints.http import sales_admin
from entrypoints.http import self_service
from entrypoints.http import (accounts, ads, catalog, checkout, checkout_qr, dashboard, media,
                              web, whitelabel)

MODULES = [accounts, self_service, renewals, catalog, checkout, checkout_qr, whitelabel, media,
           media_admin, ads, dashboard, age_assurance, audit, branding, notifications,
           sales_admin, web]

"""The capability modules whose routes make up the API. Each has `routes(deps)`."""

from __future__ import annotations

from entrypoints.http import (
    accounts,
    ads,
    age_assurance,
    audit,
    branding,
    catalog,
    checkout,
    checkout_qr,
    dashboard,
    media,
    media_admin,
    notifications,
    sales_admin,
    self_service,
    web,
    whitelabel,
)

MODULES = [
    accounts,
    self_service,
    catalog,
    checkout,
    checkout_qr,
    whitelabel,
    media,
    media_admin,
    ads,
    dashboard,
    age_assurance,
    audit,
    branding,
    notifications,
    sales_admin,
    web,
]

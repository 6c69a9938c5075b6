"""Checkouts keep what the buyer needs to pay (PIX code and expiry, card or external
checkout links), so a buyer polling the checkout can still see it after a reload."""
from adapters.sql_dialect import ddl

__depends__ = ["0004_ads"]

steps = [
    ddl(["ALTER TABLE checkouts ADD COLUMN payment_data {json}"],
        ["ALTER TABLE checkouts DROP COLUMN payment_data"]),
]

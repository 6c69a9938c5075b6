"""Pix Automático's receiving account from the admin gateways page (issue 26): each
recurring charge (cobr) names the account it is paid into, "agência/conta" or "conta",
and its type (CORRENTE, POUPANCA or PAGAMENTO). Neither is a secret."""
from adapters.sql_dialect import ddl

__depends__ = ["0020_pix_gateway"]

COLUMNS = ("pix_account", "pix_account_type")

steps = [
    ddl([f"ALTER TABLE payment_gateways ADD COLUMN {column} TEXT" for column in COLUMNS],
        [f"ALTER TABLE payment_gateways DROP COLUMN {column}"
         for column in reversed(COLUMNS)]),
]

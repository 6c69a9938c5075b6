"""The PIX gateway's settings from the admin gateways page (issue 26): the PSP's API
and token URLs, the operator's chave Pix, the client certificate with its key (sealed
like the secret keys: adapters/secret_box.py) and the PSP's CA. The client id and
secret live in the row's public_key and secret_key."""
from adapters.sql_dialect import ddl

__depends__ = ["0018_audit_before"]

COLUMNS = ("api_url", "token_url", "pix_key", "certificate", "ca_certificate")

steps = [
    ddl([f"ALTER TABLE payment_gateways ADD COLUMN {column} TEXT" for column in COLUMNS],
        [f"ALTER TABLE payment_gateways DROP COLUMN {column}"
         for column in reversed(COLUMNS)]),
]

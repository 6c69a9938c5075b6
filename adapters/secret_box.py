"""Secrets at rest (the gateways' secret keys): Fernet (AES-128-CBC + HMAC-SHA256,
from the `cryptography` package) under a key derived from CREATORFLIX_SECRET_KEY, with
the previous secret keys (CREATORFLIX_SECRET_KEY_PREVIOUS) still opening what they
sealed (MultiFernet) until `creatorflix rotate-secrets` re-seals every row.

Stored form: "fernet:" + the Fernet token. Text without the prefix is a row written
before encryption (or copied from the original platform) and is read as it is; it is
sealed by migration 0008 (when `creatorflix migrate` runs it), on its next write, or by
`rotate-secrets`."""

from __future__ import annotations

import base64
import contextlib
import logging
from collections.abc import Iterator, Sequence

from cryptography.fernet import Fernet, InvalidToken, MultiFernet

from adapters.security import purpose_key
from domain.common.errors import ServiceUnavailable
from ports.security import SecretBox

log = logging.getLogger("creatorflix.secrets")

PREFIX = "fernet:"
LABEL = "secrets-at-rest"  # the purpose of the derived key (adapters.security)


class SecretUnreadable(ServiceUnavailable):
    """A sealed secret no configured key opens: the secret key changed without
    CREATORFLIX_SECRET_KEY_PREVIOUS naming the old one. A 503 for the caller (nothing
    is lost: the row stays as it is); the operator reads why in the log."""


def _fernet(secret_key: str) -> Fernet:
    return Fernet(base64.urlsafe_b64encode(purpose_key(secret_key, LABEL)))


class FernetSecretBox:
    """The SecretBox port (ports.security) on Fernet: seals under the current key,
    opens under the current or any previous one."""

    def __init__(self, secret_key: str, previous: Sequence[str] = ()):
        self._current = _fernet(secret_key)
        self._all = MultiFernet([self._current, *(_fernet(k) for k in previous if k)])

    def __repr__(self) -> str:
        return "FernetSecretBox(...)"

    def seal(self, plaintext: str) -> str:
        return PREFIX + self._current.encrypt(plaintext.encode("utf-8")).decode("ascii")

    def open(self, stored: str) -> str:
        if not stored.startswith(PREFIX):
            return stored  # never sealed: a row from before encryption
        try:
            return self._all.decrypt(stored[len(PREFIX) :].encode("ascii")).decode("utf-8")
        except (InvalidToken, UnicodeError) as exc:
            log.error(
                "a stored secret cannot be decrypted with CREATORFLIX_SECRET_KEY or "
                "CREATORFLIX_SECRET_KEY_PREVIOUS: put the key it was encrypted with "
                "in CREATORFLIX_SECRET_KEY_PREVIOUS"
            )
            raise SecretUnreadable(
                "a stored secret cannot be decrypted (see the server log)"
            ) from exc

    def is_sealed_now(self, stored: str) -> bool:
        if not stored.startswith(PREFIX):
            return False
        try:
            self._current.decrypt(stored[len(PREFIX) :].encode("ascii"))
        except (InvalidToken, UnicodeError):
            return False
        return True


def sealed(box: SecretBox | None, value: str | None) -> str | None:
    """`value` as it is stored (None and '' stay as they are; no box: plaintext)."""
    return box.seal(value) if box is not None and value else value


def opened(box: SecretBox | None, value: str | None) -> str | None:
    return box.open(value) if box is not None and value else value


# -- re-sealing every stored secret (migration 0008, `creatorflix rotate-secrets`) -----
SEALED_COLUMNS = (("payment_gateways", "id", "secret_key"),)
# Sealed since migration 0015 (notifications) and 0020 (the PIX certificate): re-sealed
# by `rotate-secrets` only (migration 0008 runs before these exist).
LATER_SEALED_COLUMNS = (
    ("webhook_endpoints", "id", "secret"),
    ("webhook_endpoints", "id", "previous_secret"),
    ("telegram_settings", "id", "bot_token"),
    ("payment_gateways", "id", "certificate"),
)

_migration_box: SecretBox | None = None


@contextlib.contextmanager
def for_migrations(box: SecretBox | None) -> Iterator[None]:
    """Lends `box` to the data steps of the migrations run inside the block (yoyo steps
    receive only a connection; `creatorflix migrate` has the configuration)."""
    global _migration_box
    previous, _migration_box = _migration_box, box
    try:
        yield
    finally:
        _migration_box = previous


def migration_box() -> SecretBox | None:
    """The box lent by `for_migrations`, None when migrations run without one."""
    return _migration_box


def reseal_rows(
    conn, box: SecretBox, placeholder: str = "?", columns: tuple = SEALED_COLUMNS
) -> int:
    """Seal under the current key every stored secret that is not (plaintext rows, rows
    sealed under a previous key), through a DB-API connection; returns how many rows
    changed. The caller commits."""
    changed = 0
    cur = conn.cursor()
    for table, pk, column in columns:
        cur.execute(
            f"SELECT {pk}, {column} FROM {table} WHERE {column} IS NOT NULL AND {column} <> ''"
        )
        for row_id, stored in cur.fetchall():
            if box.is_sealed_now(stored):
                continue
            # Compare-and-set: a secret an administrator changes meanwhile is kept.
            cur.execute(
                f"UPDATE {table} SET {column} = {placeholder} WHERE {pk} = "
                f"{placeholder} AND {column} = {placeholder}",
                (box.seal(box.open(stored)), row_id, stored),
            )
            changed += cur.rowcount
    return changed


def unseal_rows(conn, box: SecretBox, placeholder: str = "?") -> int:
    """Back to plaintext (rolling migration 0008 back: older code reads plaintext)."""
    changed = 0
    cur = conn.cursor()
    for table, pk, column in SEALED_COLUMNS:
        cur.execute(
            f"SELECT {pk}, {column} FROM {table} WHERE {column} LIKE {placeholder}", (PREFIX + "%",)
        )
        for row_id, stored in cur.fetchall():
            cur.execute(
                f"UPDATE {table} SET {column} = {placeholder} WHERE {pk} = {placeholder}",
                (box.open(stored), row_id),
            )
            changed += 1
    return changed

"""Issue 13, finding 5: the gateways' secret keys are kept encrypted (Fernet under a key
derived from CREATORFLIX_SECRET_KEY), rows from before keep working and get sealed, the
key can be rotated; the SQLite file and its companions are private to their owner."""

from __future__ import annotations

import os
import sqlite3
import stat

import pytest

from adapters import migrator
from adapters.pony.database import PonyDatabase, sqlite_path
from adapters.secret_box import PREFIX, FernetSecretBox, SecretUnreadable
from domain.payments.gateways import PaymentGatewayConfig
from entrypoints import cli
from tests.support.deps import TEST_SECRET
from tests.support.migration_steps import empty_url, migrate_before_0008, rollback_from_0008  # noqa: F401

SECRET = "sk_live_do_not_leak_0123456789"
OLD_KEY, NEW_KEY = "old-key-" + "o" * 32, "new-key-" + "n" * 32


def stored_secrets(deps) -> list[str]:
    """The secret_key column as the database holds it."""
    if deps.database.__class__.__name__ == "MemoryStore":
        return [
            r.secret_key for r in deps.database.tables["payment_gateways"].values() if r.secret_key
        ]
    from pony.orm import db_session

    with db_session:
        return [v for v in deps.database.db.select("SELECT secret_key FROM payment_gateways") if v]


# -- the box ----------------------------------------------------------------------------
def test_sealed_text_opens_with_the_current_or_a_previous_key_only():
    old = FernetSecretBox(OLD_KEY)
    sealed = old.seal(SECRET)
    assert sealed.startswith(PREFIX) and SECRET not in sealed and old.open(sealed) == SECRET
    assert old.seal(SECRET) != sealed  # a fresh IV every time
    rotated = FernetSecretBox(NEW_KEY, previous=[OLD_KEY])
    assert rotated.open(sealed) == SECRET and not rotated.is_sealed_now(sealed)
    assert rotated.is_sealed_now(rotated.seal(SECRET))
    with pytest.raises(SecretUnreadable):
        FernetSecretBox(NEW_KEY).open(sealed)  # the old key was forgotten
    assert FernetSecretBox(NEW_KEY).open(SECRET) == SECRET  # never sealed: as it is
    assert "o" * 32 not in repr(old)


# -- through the admin API, on every backend ---------------------------------------------
@pytest.mark.smoke
def test_a_secret_key_set_by_an_admin_is_stored_encrypted(client, deps, actors):
    admin = actors.admin()
    result = client.simulate_put(
        "/api/admin/payment-gateways/junglepay",
        headers=admin,
        json={"secret_key": SECRET, "public_key": "pk"},
    )
    assert result.status_code == 200 and result.json["has_secret_key"] is True
    [stored] = stored_secrets(deps)
    assert stored.startswith(PREFIX) and SECRET not in stored
    with deps.uow() as uow:
        [row] = [g for g in uow.payment_gateways.find().items if g.secret_key]
    assert row.secret_key == SECRET  # the core sees plaintext


@pytest.mark.smoke
def test_a_plaintext_row_from_before_is_read_and_sealed_on_its_next_write(client, deps, actors):
    with deps.uow() as uow:  # as the original platform, or an earlier release, wrote it
        uow.payment_gateways.add(PaymentGatewayConfig(id=None, name="JunglePay"))
        uow.commit()
    if deps.database.__class__.__name__ == "MemoryStore":
        [row] = deps.database.tables["payment_gateways"].values()
        deps.database.tables["payment_gateways"][row.id] = PaymentGatewayConfig(
            id=row.id, name="JunglePay", secret_key=SECRET
        )
    else:
        from pony.orm import db_session

        with db_session:
            deps.database.db.execute("UPDATE payment_gateways SET secret_key = $s", {"s": SECRET})
    with deps.uow() as uow:
        [row] = uow.payment_gateways.find().items
    assert row.secret_key == SECRET
    admin = actors.admin()
    client.simulate_put(
        "/api/admin/payment-gateways/junglepay", headers=admin, json={"public_key": "pk2"}
    )
    [stored] = stored_secrets(deps)
    assert stored.startswith(PREFIX) and deps.secrets.open(stored) == SECRET


# -- the migration and the rotation, on both databases -----------------------------------
def _connect(url):
    if url.startswith("sqlite"):
        return sqlite3.connect(sqlite_path(url)), "?"
    import psycopg2

    return psycopg2.connect(url), "%s"


def raw_secrets(url) -> list[str]:
    conn, _ = _connect(url)
    try:
        cur = conn.cursor()
        cur.execute("SELECT secret_key FROM payment_gateways ORDER BY id")
        return [r[0] for r in cur.fetchall()]
    finally:
        conn.close()


def insert_plaintext(url) -> None:
    conn, p = _connect(url)
    try:
        conn.cursor().execute(
            f"INSERT INTO payment_gateways (name, secret_key, is_active) VALUES ({p}, {p}, FALSE)",
            ("JunglePay", SECRET),
        )
        conn.commit()
    finally:
        conn.close()


def test_migration_0008_seals_plaintext_secrets_and_its_rollback_opens_them(empty_url):
    migrate_before_0008(empty_url)
    insert_plaintext(empty_url)
    box = FernetSecretBox(TEST_SECRET)
    assert "0008_security" in migrator.migrate(empty_url, secrets=box)
    [stored] = raw_secrets(empty_url)
    assert stored.startswith(PREFIX) and box.open(stored) == SECRET
    # Without the key a rollback would hand older code ciphertext: refused.
    with pytest.raises(Exception, match="sealed gateway secrets"):
        rollback_from_0008(empty_url)
    assert raw_secrets(empty_url) == [stored]
    rollback_from_0008(empty_url, box)  # what `creatorflix migrate --rollback` lends
    assert raw_secrets(empty_url) == [SECRET]


def test_without_the_key_migrate_leaves_plaintext_readable(empty_url):
    migrate_before_0008(empty_url)
    insert_plaintext(empty_url)
    migrator.migrate(empty_url)
    assert raw_secrets(empty_url) == [SECRET]  # sealed on its next write or by rotate
    assert migrator.reseal_secrets(empty_url, FernetSecretBox(TEST_SECRET)) == 1
    assert FernetSecretBox(TEST_SECRET).open(raw_secrets(empty_url)[0]) == SECRET


def test_the_key_rotation_procedure(empty_url, monkeypatch, capsys):
    migrate_before_0008(empty_url)
    insert_plaintext(empty_url)
    monkeypatch.setenv("CREATORFLIX_DATABASE_URL", empty_url)
    monkeypatch.setenv("CREATORFLIX_SECRET_KEY", OLD_KEY)
    monkeypatch.delenv("CREATORFLIX_SECRET_KEY_PREVIOUS", raising=False)
    assert cli.main(["migrate"]) == 0
    [sealed_old] = raw_secrets(empty_url)
    assert FernetSecretBox(OLD_KEY).is_sealed_now(sealed_old)
    # 1. the new key in CREATORFLIX_SECRET_KEY, the old one in ..._PREVIOUS: still read.
    monkeypatch.setenv("CREATORFLIX_SECRET_KEY", NEW_KEY)
    monkeypatch.setenv("CREATORFLIX_SECRET_KEY_PREVIOUS", OLD_KEY)
    assert FernetSecretBox(NEW_KEY, [OLD_KEY]).open(sealed_old) == SECRET
    # 2. rotate-secrets re-seals every row under the new key...
    assert cli.main(["rotate-secrets"]) == 0
    assert "re-encrypted 1 stored secret(s)" in capsys.readouterr().out
    [sealed_new] = raw_secrets(empty_url)
    assert FernetSecretBox(NEW_KEY).open(sealed_new) == SECRET
    # 3. ... so the old key can go; a second run has nothing to do.
    monkeypatch.delenv("CREATORFLIX_SECRET_KEY_PREVIOUS")
    assert cli.main(["rotate-secrets"]) == 0
    assert "re-encrypted 0 stored secret(s)" in capsys.readouterr().out
    with pytest.raises(SecretUnreadable):
        FernetSecretBox(OLD_KEY).open(sealed_new)


def test_rotation_reseals_the_pix_certificate_too(empty_url):
    migrator.migrate(empty_url)
    pem = (
        "-----BEGIN CERTIFICATE-----\nAA==\n-----END CERTIFICATE-----\n"
        "-----BEGIN PRIVATE KEY-----\nBB==\n-----END PRIVATE KEY-----"
    )
    conn, p = _connect(empty_url)
    try:
        conn.cursor().execute(
            f"INSERT INTO payment_gateways (name, certificate, is_active) VALUES ({p}, {p}, FALSE)",
            ("pix", FernetSecretBox(OLD_KEY).seal(pem)),
        )
        conn.commit()
    finally:
        conn.close()
    assert migrator.reseal_secrets(empty_url, FernetSecretBox(NEW_KEY, [OLD_KEY])) == 1
    conn, _ = _connect(empty_url)
    try:
        cur = conn.cursor()
        cur.execute("SELECT certificate FROM payment_gateways")
        [(stored,)] = cur.fetchall()
    finally:
        conn.close()
    assert FernetSecretBox(NEW_KEY).open(stored) == pem


# -- file modes ---------------------------------------------------------------------------
def mode(path) -> int:
    return stat.S_IMODE(os.stat(path).st_mode)


def test_the_sqlite_file_and_its_companions_are_private(tmp_path):
    url = f"sqlite:///{tmp_path / 'private.db'}"
    previous = os.umask(0o022)
    try:
        migrator.migrate(url)
        path = sqlite_path(url)
        assert mode(path) == 0o600
        conn = sqlite3.connect(path)
        conn.execute("PRAGMA journal_mode=WAL")
        conn.execute("INSERT INTO admin_settings (key, value) VALUES ('a', 'b')")
        conn.commit()
        for suffix in ("-wal", "-shm"):
            assert os.path.exists(path + suffix) and mode(path + suffix) == 0o600, suffix
        conn.close()
        # A file an earlier release created world-readable is tightened.
        os.chmod(path, 0o644)
        PonyDatabase(url).close()
        assert mode(path) == 0o600
        fresh = f"sqlite:///{tmp_path / 'by_pony.db'}"
        open(sqlite_path(fresh), "w").close()
        os.chmod(sqlite_path(fresh), 0o644)
        migrator.migrate(fresh)
        assert mode(sqlite_path(fresh)) == 0o600
    finally:
        os.umask(previous)


def test_a_secret_no_configured_key_opens_is_a_503_not_a_loss(client, deps, actors, caplog):
    sealed_elsewhere = FernetSecretBox(OLD_KEY).seal(SECRET)
    with deps.uow() as uow:
        uow.payment_gateways.add(PaymentGatewayConfig(id=None, name="junglepay"))
        uow.commit()
    if deps.database.__class__.__name__ == "MemoryStore":
        [row] = deps.database.tables["payment_gateways"].values()
        deps.database.tables["payment_gateways"][row.id] = PaymentGatewayConfig(
            id=row.id, name="junglepay", secret_key=sealed_elsewhere
        )
    else:
        from pony.orm import db_session

        with db_session:
            deps.database.db.execute(
                "UPDATE payment_gateways SET secret_key = $s", {"s": sealed_elsewhere}
            )
    result = client.simulate_get("/api/admin/payment-gateways", headers=actors.admin())
    assert result.status_code == 503 and result.json["error"]["code"] == "unavailable"
    assert "CREATORFLIX_SECRET_KEY_PREVIOUS" in caplog.text and SECRET not in caplog.text
    assert stored_secrets(deps) == [sealed_elsewhere]


def test_previous_keys_are_read_from_the_environment(tmp_path):
    from entrypoints.config import ConfigError, load_config

    env = {"CREATORFLIX_SECRET_KEY": NEW_KEY, "CREATORFLIX_SECRET_FILE": str(tmp_path / "s")}
    assert load_config(env).secret_key_previous == ()
    both = load_config({**env, "CREATORFLIX_SECRET_KEY_PREVIOUS": f" {OLD_KEY} ,{'p' * 40}"})
    assert both.secret_key_previous == (OLD_KEY, "p" * 40)
    assert OLD_KEY not in repr(both)
    with pytest.raises(ConfigError, match="CREATORFLIX_SECRET_KEY_PREVIOUS"):
        load_config({**env, "CREATORFLIX_SECRET_KEY_PREVIOUS": "short"})

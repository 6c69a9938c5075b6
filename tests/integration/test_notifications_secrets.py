"""Notification secrets at rest: webhook signing secrets and the Telegram bot token are
sealed like the gateways' keys, and `creatorflix rotate-secrets` re-seals them under a
new CREATORFLIX_SECRET_KEY."""

from __future__ import annotations

from adapters import migrator
from adapters.clock import FakeClock
from adapters.notifications.telegram import BotApiTelegram
from adapters.notifications.webhooks import HttpWebhookTransport
from adapters.pony.database import PonyDatabase
from adapters.pony.unit_of_work import PonyUnitOfWorkFactory
from adapters.secret_box import FernetSecretBox
from domain.notifications import admin
from domain.notifications.delivery import Notifier
from entrypoints import cli
from tests.support.migration_steps import connect, empty_url  # noqa: F401 (fixture)

OLD_KEY, NEW_KEY = "old-key-" + "o" * 32, "new-key-" + "n" * 32


def raw(url: str) -> list[str]:
    conn, _ = connect(url)
    try:
        cur = conn.cursor()
        cur.execute(
            "SELECT secret FROM webhook_endpoints UNION ALL SELECT bot_token FROM telegram_settings"
        )
        return [r[0] for r in cur.fetchall()]
    finally:
        conn.close()


def test_rotate_secrets_reseals_webhook_secrets_and_the_bot_token(empty_url, monkeypatch, capsys):
    migrator.migrate(empty_url)
    pdb = PonyDatabase(empty_url)
    try:
        notifier = Notifier(
            uow=PonyUnitOfWorkFactory(pdb, FernetSecretBox(OLD_KEY)),
            clock=FakeClock(),
            webhooks=HttpWebhookTransport(),
            telegram=BotApiTelegram(),
        )
        endpoint = admin.create_endpoint(
            notifier, {"url": "https://93.184.216.34/", "events": ["checkout.paid"]}
        )
        admin.put_telegram(notifier, {"bot_token": "1:TOKEN"})
    finally:
        pdb.close()
    sealed = raw(empty_url)
    assert all(FernetSecretBox(OLD_KEY).is_sealed_now(s) for s in sealed)
    assert endpoint.secret not in str(sealed) and "TOKEN" not in str(sealed)
    monkeypatch.setenv("CREATORFLIX_DATABASE_URL", empty_url)
    monkeypatch.setenv("CREATORFLIX_SECRET_KEY", NEW_KEY)
    monkeypatch.setenv("CREATORFLIX_SECRET_KEY_PREVIOUS", OLD_KEY)
    assert cli.main(["rotate-secrets"]) == 0
    assert "re-encrypted 2 stored secret(s)" in capsys.readouterr().out
    secret, token = raw(empty_url)
    assert FernetSecretBox(NEW_KEY).open(secret) == endpoint.secret
    assert FernetSecretBox(NEW_KEY).open(token) == "1:TOKEN"

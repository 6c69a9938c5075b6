"""The migrated schema, on SQLite and PostgreSQL, against PRODUCT.md's data model."""

from __future__ import annotations

import pytest

from adapters import migrator
from tests.support import postgres

# PRODUCT.md's data model: table -> {column: NOT NULL?}. Columns we add are listed in
# OURS; nothing of the original is renamed or dropped.
PRODUCT_TABLES: dict[str, dict[str, bool]] = {
    "users": {
        "id": True,
        "name": False,
        "email": True,
        "password": True,
        "role": True,
        "subscription_status": True,
        "created_at": True,
    },
    "plans": {
        "id": True,
        "name": True,
        "price": True,
        "duration": True,
        "benefits_json": False,
        "cta_text": False,
        "checkout_url": False,
        "accepts_pix": True,
        "accepts_card": True,
    },
    "payment_gateways": {
        "id": True,
        "name": True,
        "public_key": False,
        "secret_key": False,
        "postback_url": False,
        "is_active": True,
    },
    "subscriptions": {
        "id": True,
        "user_id": True,
        "plan_id": False,
        "external_id": False,
        "start_date": False,
        "end_date": False,
        "status": True,
        "created_at": True,
    },
    "models": {
        "id": True,
        "name": True,
        "description": False,
        "icon_url": False,
        "banner_url": False,
        "is_featured": True,
        "is_advertiser": True,
        "created_at": True,
    },
    "posts": {
        "id": True,
        "model_id": False,
        "title": False,
        "content_url": True,
        "type": True,
        "created_at": True,
    },
    "order_bumps": {
        "id": True,
        "name": True,
        "description": False,
        "price": True,
        "is_active": True,
        "image_url": False,
        "display_order": True,
        "created_at": True,
    },
    "checkouts": {
        "id": True,
        "user_id": False,
        "plan_id": True,
        "external_id": False,
        "status": True,
        "payment_method": False,
        "order_bump": True,
        "order_bump_ids": False,
        "total_amount": True,
        "customer_name": False,
        "customer_email": False,
        "customer_document": False,
        "customer_phone": False,
        "created_at": True,
        "updated_at": True,
    },
    "whitelabel_models": {
        "id": True,
        "folder_name": True,
        "thumbnail_url": False,
        "icon_url": False,
        "banner_url": False,
        "post_count": True,
        "status": True,
        "last_synced_at": False,
        "created_at": True,
    },
    "whitelabel_posts": {
        "id": True,
        "whitelabel_model_id": True,
        "folder_name": True,
        "title": False,
        "media_cdns": False,
        "created_at": True,
    },
    "whitelabel_media": {
        "id": True,
        "whitelabel_post_id": True,
        "s3_key": True,
        "url": False,
        "type": True,
        "created_at": True,
    },
    "admin_settings": {"key": True, "value": True},
    "support_contacts": {
        "id": True,
        "platform": True,
        "url": True,
        "is_active": True,
        "updated_at": True,
    },
    "ads": {
        "id": True,
        "name": True,
        "type": True,
        "placement": True,
        "status": True,
        "title": True,
        "subtitle": False,
        "cta_text": False,
        "image_url": False,
        "link": True,
        "category": False,
        "impressions": True,
        "clicks": True,
        "priority": True,
        "start_date": False,
        "end_date": False,
        "created_at": True,
        "updated_at": True,
    },
    "impressions": {
        "id": True,
        "ad_id": True,
        "placement": False,
        "user_agent": False,
        "ip": False,
        "created_at": True,
    },
    "clicks": {
        "id": True,
        "ad_id": True,
        "placement": False,
        "user_agent": False,
        "ip": False,
        "created_at": True,
    },
}
# Columns with a default are NOT NULL in our schema (stricter than the original's).
OURS = {
    "whitelabel_media": {"etag": False, "size": False},
    "checkouts": {"payment_data": False, "idempotency_key": False},  # 0013
    "payment_postbacks": {
        "id": True,
        "gateway": True,
        "external_id": True,
        "checkout_ref": False,
        "status": True,
        "attempts": True,
        "next_attempt_at": True,
        "claim_token": False,
        "claimed_until": False,
        "outcome": False,
        "last_error": False,
        "received_at": True,
        "processed_at": False,
    },
    # 0006_original_columns: the original's own columns beyond the seed's diagram
    # (PRODUCT.md, "The original's database").
    "plans": {
        "is_active": True,
        "card_style": True,
        # 0016_plan_installments: in-page card payments, at most this many.
        "max_installments": True,
        # 0019_renewals: manual or automatic renewal.
        "renewal": True,
    },
    "models": {
        "slug": False,
        "thumbnail_url": False,
        "external_url": False,
        "category": False,
        "post_count": True,
        "status": True,
    },
    "payment_notifications": {
        "id": True,
        "gateway": True,
        "event_key": True,
        "external_id": False,
        "status": False,
        "checkout_id": False,
        "outcome": False,
        "received_at": True,
    },
    "audit_log": {
        "id": True,
        "created_at": True,
        "actor_id": False,
        "actor_email": False,
        "method": True,
        "route": True,
        "resource": True,
        "path": True,
        "record_id": False,
        "status": True,
        "changes": False,
    },
    # 0009_mail_accounts: email verification, erasure, token versions; the mail
    # outbox, revoked tokens and withdrawal requests.
    "users": {
        "email_verified_at": False,
        "anonymised_at": False,
        "token_version": True,
        # 0014_email_change: the one pending email change a link may confirm.
        "email_change": False,
    },
    "mail_outbox": {
        "id": True,
        "kind": True,
        "recipient": True,
        "subject": True,
        "text_body": True,
        "html_body": True,
        "inline_images": False,
        "dedupe_key": False,
        "user_id": False,
        "status": True,
        "attempts": True,
        "next_attempt_at": True,
        "claim_token": False,
        "claimed_until": False,
        "last_error": False,
        "created_at": True,
        "sent_at": False,
    },
    "revoked_tokens": {"jti": True, "user_id": True, "expires_at": True},
    "withdrawal_requests": {
        "id": True,
        "checkout_id": True,
        "user_id": True,
        "status": True,
        "reason": False,
        "created_at": True,
        "resolved_at": False,
    },
    # 0007_ads_counting: whether each ad event counts, and why not.
    "impressions": {"counted": True, "filter_reason": False},
    "clicks": {"counted": True, "filter_reason": False},
    # 0010_age_assurance: who passed an age check, how, until when (never a document).
    "age_assurances": {
        "id": True,
        "method": True,
        "outcome": True,
        "user_id": False,
        "anonymous_id": False,
        "provider_ref": False,
        "created_at": True,
        "decided_at": False,
        "expires_at": False,
    },
    "whitelabel_sync_runs": {
        "id": True,
        "status": True,
        "started_at": True,
        "finished_at": False,
        "dry_run": True,
        "report": False,
        "error": False,
    },
    # 0015_notifications: webhook endpoints, the Telegram setting, the deliveries.
    "webhook_endpoints": {
        "id": True,
        "url": True,
        "events": True,
        "description": False,
        "is_active": True,
        "secret": True,
        "previous_secret": False,
        "previous_secret_until": False,
        "failing_since": False,
        "disabled_reason": False,
        "created_at": True,
        "updated_at": False,
    },
    "telegram_settings": {
        "id": True,
        "bot_token": False,
        "chat_id": False,
        "events": True,
        "is_active": True,
        "updated_at": False,
    },
    "webhook_deliveries": {
        "id": True,
        "channel": True,
        "endpoint_id": False,
        "event": True,
        "message_id": True,
        "body": True,
        "status": True,
        "attempts": True,
        "first_attempt_at": False,
        "next_attempt_at": False,
        "claim_token": False,
        "claimed_until": False,
        "status_code": False,
        "duration_ms": False,
        "response_excerpt": False,
        "last_error": False,
        "created_at": True,
        "delivered_at": False,
    },
}
CASCADES = {
    ("whitelabel_posts", "whitelabel_models"),
    ("whitelabel_media", "whitelabel_posts"),
    ("impressions", "ads"),
    ("clicks", "ads"),
    ("age_assurances", "users"),
    ("subscription_renewals", "subscriptions"),
    ("webhook_deliveries", "webhook_endpoints"),
}


# 0012_ip_caps_and_email_skeletons: the address the per-IP ad caps count (IPv6 by its
# /64), and what each account's address looks like (UTS #39 skeleton).
ROUND_THREE = {
    "impressions": {"ip_group": False},
    "clicks": {"ip_group": False},
    "users": {"email_skeleton": False},
    "audit_log": {"before": False},  # 0018: what an admin change replaced
    # 0019_renewals: automatic renewal on the saved card (issue 25).
    "subscriptions": {
        "auto_renew": True,
        "renewal_state": False,
        "card_ref": False,
        "card_brand": False,
        "card_last4": False,
        "next_plan_id": False,
        "coupon_id": False,
        "coupon_cycles_left": False,
    },
    "subscription_renewals": {
        "id": True,
        "subscription_id": True,
        "period_start": True,
        "period_end": True,
        "plan_id": True,
        "amount": True,
        "discount": True,
        "reference": True,
        "gateway": True,
        "status": True,
        "attempts": True,
        "next_attempt_at": False,
        "claim_token": False,
        "claimed_until": False,
        "transaction_id": False,
        "last_error": False,
        "created_at": True,
        "updated_at": False,
    },
    "coupons": {
        "id": True,
        "code": True,
        "percent_off": False,
        "amount_off": False,
        "duration": True,
        "cycles": False,
        "max_redemptions": False,
        "times_redeemed": True,
        "expires_at": False,
        "plan_ids": False,
        "created_at": True,
    },
}
# Migration 0020: the PIX gateway's settings from the admin page (issue 26).
ROUND_THREE["payment_gateways"] = {
    "api_url": False,
    "token_url": False,
    "pix_key": False,
    "certificate": False,
    "ca_certificate": False,
}
# Migration 0021: Pix Automático's receiving account (issue 26).
ROUND_THREE["payment_gateways"].update({"pix_account": False, "pix_account_type": False})
# 0022_pix_automatico: the recurrence renewing a subscription, and its first due date.
ROUND_THREE["subscriptions"].update({"pix_rec_id": False, "renewal_anchor": False})


def expected_schema() -> dict[str, dict[str, bool]]:
    schema = {t: dict(cols) for t, cols in PRODUCT_TABLES.items()}
    for table, cols in [*OURS.items(), *ROUND_THREE.items()]:
        schema.setdefault(table, {}).update(cols)
    return schema


def sqlite_schema(url: str):
    import sqlite3

    from adapters.pony.database import sqlite_path

    conn = sqlite3.connect(sqlite_path(url))
    tables = [
        r[0]
        for r in conn.execute(
            "SELECT name FROM sqlite_master WHERE type='table' AND name NOT LIKE 'sqlite_%' "
            "AND name NOT LIKE '_yoyo%' AND name NOT LIKE 'yoyo%'"
        )
    ]
    columns, cascades = {}, set()
    for t in tables:
        columns[t] = {
            r[1]: bool(r[3]) or bool(r[5]) for r in conn.execute(f"PRAGMA table_info({t})")
        }
        for fk in conn.execute(f"PRAGMA foreign_key_list({t})"):
            if fk[6].upper() == "CASCADE":
                cascades.add((t, fk[2]))
    conn.close()
    return columns, cascades


def postgres_schema(url: str):
    import psycopg2

    conn = psycopg2.connect(url)
    cur = conn.cursor()
    cur.execute(
        "SELECT table_name, column_name, is_nullable FROM information_schema.columns "
        "WHERE table_schema = 'public' AND table_name NOT LIKE '%yoyo%'"
    )
    columns: dict = {}
    for table, column, nullable in cur.fetchall():
        columns.setdefault(table, {})[column] = nullable == "NO"
    cur.execute("""
        SELECT tc.table_name, ccu.table_name FROM information_schema.table_constraints tc
        JOIN information_schema.referential_constraints rc
          ON rc.constraint_name = tc.constraint_name
        JOIN information_schema.constraint_column_usage ccu
          ON ccu.constraint_name = tc.constraint_name
        WHERE tc.constraint_type = 'FOREIGN KEY' AND rc.delete_rule = 'CASCADE'""")
    cascades = set(cur.fetchall())
    conn.close()
    return columns, cascades


@pytest.fixture(params=["sqlite", "postgres"])
def fresh_url(request, tmp_path):
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'fresh.db'}"
        return
    request.getfixturevalue("postgres_url")  # skips (or fails in CI) without PostgreSQL
    name = f"creatorflix_migrations_{tmp_path.name[-20:]}".lower().replace("-", "_")
    yield postgres.create_database(name)
    postgres.drop_database(name)


def read_schema(url: str):
    return sqlite_schema(url) if url.startswith("sqlite") else postgres_schema(url)


def test_migrations_create_the_product_schema(fresh_url):
    applied = migrator.migrate(fresh_url)
    assert applied, "a fresh database has migrations to apply"
    columns, cascades = read_schema(fresh_url)
    assert columns == expected_schema()
    assert cascades == CASCADES


def test_migrate_twice_is_a_noop(fresh_url):
    migrator.migrate(fresh_url)
    assert migrator.migrate(fresh_url) == []
    assert migrator.pending(fresh_url) == []


def test_rollback_everything_then_migrate_again(fresh_url):
    applied = migrator.migrate(fresh_url)
    undone = migrator.rollback(fresh_url, 999)
    assert undone == list(reversed(applied))
    columns, _ = read_schema(fresh_url)
    assert columns == {}
    assert migrator.migrate(fresh_url) == applied
    assert read_schema(fresh_url)[0] == expected_schema()


def test_rollback_n_undoes_only_the_last_n(fresh_url):
    applied = migrator.migrate(fresh_url)
    assert migrator.rollback(fresh_url, 1) == [applied[-1]]
    assert migrator.pending(fresh_url) == [applied[-1]]

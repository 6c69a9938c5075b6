"""A database as the original CreatorFlix (Bun + Drizzle + PostgreSQL) leaves it at its
last version, built from PRODUCT.md's facts: serial ids, `json` (not jsonb), nullable
defaults, enumerations as plain text without CHECKs, Drizzle's constraint names and
journal, and the operator's three triggers on `notify_python` (a plpgsql stand-in
here: plpython3u is not installed) — then realistic rows."""

from __future__ import annotations

import os
import uuid

import pytest
from argon2 import PasswordHasher, Type

from tests.support import postgres

SCHEMA = [
    """CREATE TABLE users (
        id serial PRIMARY KEY, name text, email text NOT NULL, password text NOT NULL,
        role text DEFAULT 'user', subscription_status integer DEFAULT 0,
        created_at timestamp DEFAULT now(),
        CONSTRAINT users_email_unique UNIQUE (email))""",
    """CREATE TABLE plans (
        id serial PRIMARY KEY, name text NOT NULL, price integer NOT NULL,
        duration integer NOT NULL, benefits_json json, cta_text text, checkout_url text,
        accepts_pix boolean DEFAULT true, accepts_card boolean DEFAULT true,
        is_active boolean DEFAULT true, card_style text DEFAULT 'secondary')""",
    """CREATE TABLE payment_gateways (
        id serial PRIMARY KEY, name text NOT NULL, public_key text, secret_key text,
        postback_url text, is_active boolean DEFAULT false,
        CONSTRAINT payment_gateways_name_unique UNIQUE (name))""",
    """CREATE TABLE subscriptions (
        id serial PRIMARY KEY, user_id integer NOT NULL, plan_id integer, external_id text,
        start_date timestamp, end_date timestamp, status text DEFAULT 'pending',
        created_at timestamp DEFAULT now())""",
    """CREATE TABLE models (
        id serial PRIMARY KEY, name text NOT NULL, description text, icon_url text,
        banner_url text, is_featured boolean DEFAULT false,
        is_advertiser boolean DEFAULT false, created_at timestamp DEFAULT now(),
        slug text, thumbnail_url text, external_url text, category text,
        post_count integer DEFAULT 0, status text DEFAULT 'active',
        CONSTRAINT models_slug_unique UNIQUE (slug))""",
    """CREATE TABLE posts (
        id serial PRIMARY KEY, model_id integer, title text, content_url text NOT NULL,
        type text NOT NULL, created_at timestamp DEFAULT now())""",
    """CREATE TABLE order_bumps (
        id serial PRIMARY KEY, name text NOT NULL, description text, price integer NOT NULL,
        is_active boolean DEFAULT true, image_url text, display_order integer DEFAULT 0,
        created_at timestamp DEFAULT now())""",
    """CREATE TABLE checkouts (
        id serial PRIMARY KEY, user_id integer, plan_id integer NOT NULL, external_id text,
        status text DEFAULT 'pending', payment_method text, order_bump boolean DEFAULT false,
        order_bump_ids json, total_amount integer NOT NULL, customer_name text,
        customer_email text, customer_document text, customer_phone text,
        created_at timestamp DEFAULT now(), updated_at timestamp DEFAULT now())""",
    """CREATE TABLE whitelabel_models (
        id serial PRIMARY KEY, folder_name text NOT NULL, thumbnail_url text, icon_url text,
        banner_url text, post_count integer DEFAULT 0, status text DEFAULT 'new',
        last_synced_at timestamp, created_at timestamp DEFAULT now(),
        CONSTRAINT whitelabel_models_folder_name_unique UNIQUE (folder_name))""",
    """CREATE TABLE whitelabel_posts (
        id serial PRIMARY KEY, whitelabel_model_id integer NOT NULL, folder_name text NOT NULL,
        title text, media_cdns json, created_at timestamp DEFAULT now(),
        CONSTRAINT whitelabel_posts_model_folder_unique UNIQUE (whitelabel_model_id,
                                                                 folder_name))""",
    """CREATE TABLE whitelabel_media (
        id serial PRIMARY KEY, whitelabel_post_id integer NOT NULL, s3_key text NOT NULL,
        url text, type text NOT NULL, created_at timestamp DEFAULT now(),
        CONSTRAINT whitelabel_media_s3_key_unique UNIQUE (s3_key))""",
    "CREATE TABLE admin_settings (key text PRIMARY KEY, value text NOT NULL)",
    """CREATE TABLE support_contacts (
        id serial PRIMARY KEY, platform text NOT NULL, url text NOT NULL,
        is_active boolean DEFAULT true, updated_at timestamp DEFAULT now())""",
    """CREATE TABLE ads (
        id serial PRIMARY KEY, name text NOT NULL, type text DEFAULT 'banner' NOT NULL,
        placement text DEFAULT 'home_top' NOT NULL, status text DEFAULT 'draft' NOT NULL,
        title text NOT NULL, subtitle text, cta_text text, image_url text, link text NOT NULL,
        category text, impressions integer DEFAULT 0, clicks integer DEFAULT 0,
        priority integer DEFAULT 0, start_date timestamp, end_date timestamp,
        created_at timestamp DEFAULT now(), updated_at timestamp DEFAULT now())""",
    """CREATE TABLE impressions (
        id serial PRIMARY KEY, ad_id integer NOT NULL, placement text, user_agent text,
        ip text, created_at timestamp DEFAULT now())""",
    """CREATE TABLE clicks (
        id serial PRIMARY KEY, ad_id integer NOT NULL, placement text, user_agent text,
        ip text, created_at timestamp DEFAULT now())""",
    # Drizzle's foreign keys: NO ACTION, except the cascades of white-label and events.
    """ALTER TABLE subscriptions ADD CONSTRAINT subscriptions_user_id_users_id_fk
        FOREIGN KEY (user_id) REFERENCES users(id) ON DELETE no action ON UPDATE no action""",
    """ALTER TABLE subscriptions ADD CONSTRAINT subscriptions_plan_id_plans_id_fk
        FOREIGN KEY (plan_id) REFERENCES plans(id) ON DELETE no action ON UPDATE no action""",
    """ALTER TABLE posts ADD CONSTRAINT posts_model_id_models_id_fk
        FOREIGN KEY (model_id) REFERENCES models(id) ON DELETE no action ON UPDATE no action""",
    """ALTER TABLE checkouts ADD CONSTRAINT checkouts_user_id_users_id_fk
        FOREIGN KEY (user_id) REFERENCES users(id) ON DELETE no action ON UPDATE no action""",
    """ALTER TABLE checkouts ADD CONSTRAINT checkouts_plan_id_plans_id_fk
        FOREIGN KEY (plan_id) REFERENCES plans(id) ON DELETE no action ON UPDATE no action""",
    """ALTER TABLE whitelabel_posts ADD CONSTRAINT
        whitelabel_posts_whitelabel_model_id_whitelabel_models_id_fk FOREIGN KEY
        (whitelabel_model_id) REFERENCES whitelabel_models(id) ON DELETE cascade""",
    """ALTER TABLE whitelabel_media ADD CONSTRAINT
        whitelabel_media_whitelabel_post_id_whitelabel_posts_id_fk FOREIGN KEY
        (whitelabel_post_id) REFERENCES whitelabel_posts(id) ON DELETE cascade""",
    """ALTER TABLE impressions ADD CONSTRAINT impressions_ad_id_ads_id_fk
        FOREIGN KEY (ad_id) REFERENCES ads(id) ON DELETE cascade""",
    """ALTER TABLE clicks ADD CONSTRAINT clicks_ad_id_ads_id_fk
        FOREIGN KEY (ad_id) REFERENCES ads(id) ON DELETE cascade""",
    "CREATE SCHEMA drizzle",
    """CREATE TABLE drizzle.__drizzle_migrations (
        id serial PRIMARY KEY, hash text NOT NULL, created_at bigint)""",
    """INSERT INTO drizzle.__drizzle_migrations (hash, created_at) VALUES
        ('0000_nebulous_kat_farrell', 1735689600000),
        ('0001_initial_setup_and_triggers', 1735776000000),
        ('0002_add-isActive-and-cardStyle-to-plans', 1735862400000),
        ('0003_journal_only', 1735948800000)""",
    # The operator's notification hook (plpython3u in production; a stand-in here).
    """CREATE TABLE notify_log (id serial PRIMARY KEY, event text, at timestamp DEFAULT now())""",
    """CREATE FUNCTION notify_python() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN INSERT INTO notify_log (event) VALUES (TG_ARGV[0]); RETURN NEW; END $$""",
    """CREATE TRIGGER sale_completed_trigger AFTER UPDATE ON checkouts
        FOR EACH ROW EXECUTE FUNCTION notify_python('sale_completed')""",
    """CREATE TRIGGER user_registered_trigger AFTER INSERT ON users
        FOR EACH ROW EXECUTE FUNCTION notify_python('user_registered')""",
    """CREATE TRIGGER subscription_active_trigger AFTER INSERT OR UPDATE ON subscriptions
        FOR EACH ROW EXECUTE FUNCTION notify_python('subscription_active')""",
]

# Bun.password.hash's default: argon2id, m=65536 KiB, t=2, p=1.
BUN_ARGON2ID = PasswordHasher(time_cost=2, memory_cost=65536, parallelism=1, type=Type.ID)
ANA_PASSWORD = "senha-da-ana-2024"
BRUNO_PASSWORD = "bruno-segredo-99"
JUNGLEPAY_SECRET = "sk_live_original_junglepay"
PENDING_TX = "jp_tx_pending_001"
PAID_TX = "jp_tx_paid_001"


def rows() -> list[tuple[str, tuple]]:
    """Realistic rows (statement, parameters), as the original's app wrote them."""
    ana, bruno = BUN_ARGON2ID.hash(ANA_PASSWORD), BUN_ARGON2ID.hash(BRUNO_PASSWORD)
    return [
        (
            "INSERT INTO users (name, email, password, role, subscription_status) VALUES "
            "('Ana Souza', 'ana@example.com', %s, NULL, 1), "
            "('Bruno Lima', 'Bruno@Example.com', %s, 'admin', 0)",
            (ana, bruno),
        ),
        (
            "INSERT INTO plans (name, price, duration, benefits_json, accepts_pix, accepts_card, "
            "is_active, card_style) VALUES "
            "('Mensal', 2990, 30, '[\"Acesso total\"]', true, true, true, 'primary'), "
            "('Trimestral antigo', 6990, 90, '[]', true, NULL, false, NULL), "
            "('Anual', 19990, 365, NULL, true, true, NULL, 'outline')",
            (),
        ),
        (
            "INSERT INTO models (name, slug, status, post_count, category, external_url, "
            "thumbnail_url) VALUES "
            "('Luna Reis', 'luna-reis', 'active', 2, 'fitness', 'https://instagram.com/luna', "
            "'https://cdn.example.com/luna.jpg'), "
            "('Mia Costa', 'mia-costa', 'hidden', 0, NULL, NULL, NULL), "
            "('Rascunho', NULL, 'draft', NULL, NULL, NULL, NULL)",
            (),
        ),
        (
            "INSERT INTO posts (model_id, title, content_url, type) VALUES "
            "(1, 'Treino', 'https://cdn.example.com/p1.mp4', 'video'), "
            "(1, 'Praia', 'https://cdn.example.com/p2.jpg', 'image')",
            (),
        ),
        (
            "INSERT INTO order_bumps (name, price, is_active, display_order) VALUES "
            "('Pack extra', 990, true, 1), ('Chamada', 4990, NULL, NULL)",
            (),
        ),
        (
            "INSERT INTO payment_gateways (name, public_key, secret_key, postback_url, is_active) "
            "VALUES ('JunglePay', 'pk_live_original', %s, "
            "'https://old.example.com/api/webhook/junglepay', true), "
            "('Dias Marketplace', NULL, 'dias_secret', NULL, false)",
            (JUNGLEPAY_SECRET,),
        ),
        (
            "INSERT INTO checkouts (plan_id, external_id, status, payment_method, order_bump, "
            "order_bump_ids, total_amount, customer_name, customer_email, customer_document, "
            "customer_phone) VALUES "
            "(1, %s, 'paid', 'pix', true, '[1]', 3980, 'Ana Souza', 'ANA@example.com', "
            "'52998224725', '11987654321'), "
            "(1, %s, 'pending', 'pix', true, '[1]', 3980, 'Bruno Lima', 'bruno@example.com', "
            "'52998224725', '11987654321'), "
            "(3, 'cf_dias_ref_1', 'pending', 'credit_card', false, NULL, 19990, 'Carla', "
            "'carla@example.com', '52998224725', '11987654321')",
            (PAID_TX, PENDING_TX),
        ),
        (
            "INSERT INTO subscriptions (user_id, plan_id, external_id, start_date, end_date, "
            "status) VALUES "
            "(1, 1, %s, now() - interval '5 days', now() + interval '25 days', 'active'), "
            "(2, 1, 'old_tx', now() - interval '90 days', now() - interval '60 days', "
            "'expired')",
            (PAID_TX,),
        ),
        (
            "INSERT INTO ads (name, type, placement, status, title, link, impressions, clicks, "
            "priority) VALUES "
            "('Banner topo', 'banner', 'home_top', 'active', 'Promo', 'https://example.com/a', "
            "2, 1, NULL), "
            "('Spot', 'spot', 'sidebar', 'paused', 'Spot', 'https://example.com/b', NULL, NULL, 1)",
            (),
        ),
        (
            "INSERT INTO impressions (ad_id, placement, user_agent, ip) VALUES "
            "(1, 'home_top', 'Mozilla/5.0', '10.0.0.1'), (1, 'home_top', 'Mozilla/5.0', "
            "'10.0.0.2')",
            (),
        ),
        (
            "INSERT INTO clicks (ad_id, placement, user_agent, ip) VALUES "
            "(1, 'home_top', 'Mozilla/5.0', '10.0.0.1')",
            (),
        ),
        ("INSERT INTO admin_settings (key, value) VALUES ('site.title', 'CreatorFlix')", ()),
        (
            "INSERT INTO support_contacts (platform, url, is_active) VALUES "
            "('whatsapp', 'https://wa.me/5511987654321', NULL)",
            (),
        ),
    ]


def build(url: str) -> None:
    """Create the original's schema and rows in the (empty) database at `url`."""
    import psycopg2

    conn = psycopg2.connect(url)
    try:
        with conn.cursor() as cur:
            for statement in SCHEMA:
                cur.execute(statement)
            for statement, params in rows():
                cur.execute(statement, params)
        conn.commit()
    finally:
        conn.close()


def snapshot(url: str) -> dict[str, list[tuple]]:
    """Every original table's rows (original columns only), ordered by key."""
    import psycopg2

    from tests.support.original_db import ORIGINAL_COLUMNS

    conn = psycopg2.connect(url)
    try:
        out = {}
        with conn.cursor() as cur:
            for table, columns in ORIGINAL_COLUMNS.items():
                cur.execute(f"SELECT {', '.join(columns)} FROM {table} ORDER BY 1")
                out[table] = cur.fetchall()
        return out
    finally:
        conn.close()


ORIGINAL_COLUMNS: dict[str, tuple[str, ...]] = {}


def _record_original_columns() -> None:
    import re

    for statement in SCHEMA:
        match = re.match(r"CREATE TABLE (\w+) \((.*)\)$", " ".join(statement.split()))
        if not match:
            continue
        table, body = match.groups()
        cols = []
        for part in re.split(r",\s*(?![^()]*\))", body):
            word = part.strip().split(" ")[0]
            if word and word.upper() not in ("CONSTRAINT", "PRIMARY", "UNIQUE"):
                cols.append(word)
        ORIGINAL_COLUMNS[table] = tuple(cols)


_record_original_columns()


# The secret key of the adopting deployment in the adoption tests.
ADOPTION_SECRET = "adoption-test-secret-" + "k" * 32


@pytest.fixture
def original_url(postgres_url, monkeypatch):
    """A fresh database holding the original's schema and rows (not migrated by us)."""
    name = f"creatorflix_original_{os.getpid()}_{uuid.uuid4().hex[:6]}"
    url = postgres.create_database(name)
    build(url)
    monkeypatch.setenv("CREATORFLIX_DATABASE_URL", url)
    monkeypatch.setenv("CREATORFLIX_SECRET_KEY", ADOPTION_SECRET)
    yield url
    postgres.drop_database(name)

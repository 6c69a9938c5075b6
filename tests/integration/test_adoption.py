"""Taking over a running original CreatorFlix: `creatorflix migrate` adopts its
PostgreSQL database in place (tests/support/original_db.py builds one as Drizzle leaves
it), then the original's users, plans, creators, gateways and payments in flight work
through our API."""

from __future__ import annotations

import psycopg2
import pytest
from falcon.testing import TestClient

from adapters import migrator
from adapters.adoption import REFERENCE_SCHEMA, AdoptionBlocked
from adapters.secret_box import FernetSecretBox
from entrypoints import cli
from tests.support import original_db
from tests.support.junglepay_server import JunglePayServer
from tests.support.original_db import original_url  # noqa: F401  (fixture)
from tests.support.payments import settle_postbacks

pytestmark = pytest.mark.postgres
SECRET = original_db.ADOPTION_SECRET


def query(url: str, sql: str, params: tuple = ()) -> list[tuple]:
    conn = psycopg2.connect(url)
    try:
        with conn.cursor() as cur:
            cur.execute(sql, params)
            return cur.fetchall()
    finally:
        conn.close()


def tables(url: str, schema: str = "public") -> set[str]:
    return {
        r[0] for r in query(url, "SELECT tablename FROM pg_tables WHERE schemaname = %s", (schema,))
    }


# Columns our adoption may fill when the original left them NULL (with our default).
NORMALISED = {
    ("users", "role"): "user",
    ("ads", "impressions"): 0,
    ("ads", "clicks"): 0,
    ("ads", "priority"): 0,
    ("models", "post_count"): 0,
    ("order_bumps", "is_active"): True,
    ("order_bumps", "display_order"): 0,
    ("plans", "accepts_card"): True,
    ("plans", "is_active"): True,
    ("plans", "card_style"): "secondary",
    ("support_contacts", "is_active"): True,
}


def assert_every_original_value_kept(before: dict, after: dict) -> None:
    for table, rows in before.items():
        columns = original_db.ORIGINAL_COLUMNS[table]
        assert len(after[table]) == len(rows), table
        for old, new in zip(rows, after[table]):
            for column, was, now in zip(columns, old, new):
                if was is None and (table, column) in NORMALISED:
                    assert now == NORMALISED[(table, column)], (table, column)
                elif (table, column) == ("checkouts", "user_id") and was is None:
                    continue  # linked by customer_email (checked below)
                elif (table, column) == ("users", "email"):
                    assert now == was.lower(), (table, column)
                elif (table, column) == ("payment_gateways", "secret_key") and was:
                    # Kept, encrypted at rest (migration 0008): the same key once opened.
                    assert now != was and FernetSecretBox(SECRET).open(now) == was
                else:
                    assert now == was, (table, column, was, now)


def test_dry_run_prints_the_plan_and_changes_nothing(original_url, capsys):
    before = original_db.snapshot(original_url)
    assert cli.main(["migrate", "--dry-run"]) == 0
    out = capsys.readouterr().out
    assert "adopting a database created by the original CreatorFlix" in out
    assert "users: role: 1 NULL(s) -> 'user'" in out
    assert "checkouts: order_bump_ids: json -> jsonb" in out
    assert "trigger sale_completed_trigger on checkouts" in out
    assert "checkout 3 (carla@example.com, 19990 cents)" in out
    assert original_db.snapshot(original_url) == before
    assert "_yoyo_migration" not in tables(original_url)
    assert tables(original_url, REFERENCE_SCHEMA) == set()


def test_migrate_adopts_the_original_in_place(original_url, capsys):
    before = original_db.snapshot(original_url)
    notified = query(original_url, "SELECT count(*) FROM notify_log")[0][0]

    assert cli.main(["migrate"]) == 0
    out = capsys.readouterr().out
    assert "left in place (the operator's)" in out and "function notify_python()" in out

    after = original_db.snapshot(original_url)
    assert_every_original_value_kept(before, after)
    # Checkouts the original left without user_id belong to the user of their email.
    assert query(original_url, "SELECT id, user_id FROM checkouts ORDER BY id") == [
        (1, 1),
        (2, 2),
        (3, None),
    ]
    # Our columns and tables exist; the operator's triggers, function and journal stay,
    # and did not fire for the adoption's own updates.
    assert {"payment_notifications", "whitelabel_sync_runs"} <= tables(original_url)
    assert query(
        original_url,
        "SELECT data_type FROM information_schema.columns WHERE "
        "table_name = 'checkouts' AND column_name = 'order_bump_ids'",
    ) == [("jsonb",)]
    assert {
        r[0]
        for r in query(
            original_url, "SELECT tgname FROM pg_trigger WHERE NOT tgisinternal AND tgenabled = 'O'"
        )
    } == {"sale_completed_trigger", "user_registered_trigger", "subscription_active_trigger"}
    assert query(original_url, "SELECT count(*) FROM notify_log")[0][0] == notified
    assert query(original_url, "SELECT count(*) FROM drizzle.__drizzle_migrations") == [(4,)]
    assert tables(original_url, REFERENCE_SCHEMA) == set()

    # A second migrate changes nothing.
    assert cli.main(["migrate"]) == 0
    assert "(up to date)" in capsys.readouterr().out
    assert original_db.snapshot(original_url) == after

    # Our later migrations can be rolled back; the baseline (their tables) cannot.
    assert cli.main(["migrate", "--rollback", "100"]) == 1
    assert "adopted from the original" in capsys.readouterr().err
    assert original_db.snapshot(original_url) == after


def test_rows_that_break_a_constraint_stop_the_adoption_before_any_change(original_url, capsys):
    query_commit(original_url, "UPDATE ads SET status = 'archived' WHERE id = 2")
    before = original_db.snapshot(original_url)
    with pytest.raises(AdoptionBlocked) as blocked:
        migrator.migrate(original_url)
    assert "ads: ads_status_check" in str(blocked.value) and "rows 2" in str(blocked.value)
    assert cli.main(["migrate"]) == 1
    assert "BLOCKED" in capsys.readouterr().err
    assert original_db.snapshot(original_url) == before
    assert "_yoyo_migration" not in tables(original_url)
    assert "payment_notifications" not in tables(original_url)


def query_commit(url: str, sql: str) -> None:
    conn = psycopg2.connect(url)
    try:
        with conn.cursor() as cur:
            cur.execute(sql)
        conn.commit()
    finally:
        conn.close()


@pytest.fixture
def junglepay():
    server = JunglePayServer(secret_key=original_db.JUNGLEPAY_SECRET).start()
    yield server
    server.stop()


@pytest.fixture
def adopted_app(original_url, junglepay):
    from adapters.pony.database import PonyDatabase
    from entrypoints.bootstrap import build_deps
    from entrypoints.config import Config
    from entrypoints.http.app import create_app

    migrator.migrate(original_url)
    pdb = PonyDatabase(original_url)
    config = Config(
        database_url=original_url,
        secret_key=SECRET,
        junglepay_url=junglepay.url,
        gateway="junglepay",
    )
    deps = build_deps(config, database=pdb)
    client = TestClient(create_app(deps))
    client.deps = deps  # for the postback worker's round (settle_postbacks)
    yield client, original_url
    pdb.close()


def login(client, email: str, password: str):
    return client.simulate_post("/api/auth/login", json={"email": email, "password": password})


def test_the_originals_users_log_in_with_their_passwords_and_then_hold_our_hash(adopted_app):
    client, url = adopted_app
    for email, password in (
        ("ana@example.com", original_db.ANA_PASSWORD),
        ("bruno@example.com", original_db.BRUNO_PASSWORD),
    ):
        old = query(url, "SELECT password FROM users WHERE email = %s", (email,))[0][0]
        assert login(client, email, password).status_code == 200, email
        new = query(url, "SELECT password FROM users WHERE email = %s", (email,))[0][0]
        assert new != old and new.startswith("$argon2id$")
        assert login(client, email, password).status_code == 200
    assert login(client, "ana@example.com", "wrong password").status_code == 401


def test_inactive_plans_are_neither_listed_nor_sold_and_slugs_resolve(adopted_app):
    client, _ = adopted_app
    names = [p["name"] for p in client.simulate_get("/api/plans").json["data"]]
    assert "Trimestral antigo" not in names and "Mensal" in names
    refused = client.simulate_post(
        "/api/checkouts",
        json={
            "plan_id": 2,
            "payment_method": "pix",
            "customer": {
                "name": "Ana",
                "email": "ana@example.com",
                "document": "529.982.247-25",
                "phone": "(11) 98765-4321",
            },
        },
    )
    assert refused.status_code == 400 and refused.json["error"]["field"] == "plan_id"
    found = client.simulate_get("/api/models", params={"slug": "luna-reis"}).json["data"]
    assert [m["name"] for m in found] == ["Luna Reis"]
    assert client.simulate_get("/api/models", params={"slug": "mia-costa"}).json["data"] == []
    assert client.simulate_get("/models/luna-reis").status_code in (200, 301)


def test_the_admin_sees_the_originals_junglepay_configured_and_active(adopted_app):
    client, url = adopted_app
    token = login(client, "bruno@example.com", original_db.BRUNO_PASSWORD).json["token"]
    listed = client.simulate_get(
        "/api/admin/payment-gateways", headers={"Authorization": f"Bearer {token}"}
    ).json
    junglepay = next(g for g in listed["data"] if g["name"] == "junglepay")
    assert junglepay["has_secret_key"] and junglepay["is_active"]
    assert listed["charging_gateway"] == "junglepay"
    assert query(url, "SELECT count(*) FROM payment_gateways") == [(2,)]


def test_a_tokenless_junglepay_postback_for_a_charge_in_flight_activates_once(
    adopted_app, junglepay
):
    client, url = adopted_app
    junglepay.transactions[original_db.PENDING_TX] = {
        "id": original_db.PENDING_TX,
        "status": "paid",
        "amount": 3980,
        "paymentMethod": "pix",
        "customer": {"email": "bruno@example.com"},
    }
    body = {"type": "transaction", "data": {"id": original_db.PENDING_TX, "status": "paid"}}
    active = "SELECT count(*) FROM subscriptions WHERE user_id = 2 AND status = 'active'"
    for _ in range(2):
        answer = client.simulate_post("/api/webhook/junglepay", json=body)
        assert answer.status_code == 200, answer.text
    assert sorted(settle_postbacks(client.deps)) == ["duplicate", "processed"]
    assert query(url, active) == [(1,)]
    assert query(url, "SELECT status FROM checkouts WHERE id = 2") == [("paid",)]
    unknown = {"type": "transaction", "data": {"id": "jp_forged", "status": "paid"}}
    ignored = client.simulate_post("/api/webhook/junglepay", json=unknown)  # issue 20, 11
    assert (ignored.status_code, ignored.json) == (200, {"status": "ignored"})

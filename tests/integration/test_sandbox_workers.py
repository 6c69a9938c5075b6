"""Issue 20, finding 13: the sandbox gateway kept its transactions in process memory, so
with `creatorflix serve` (2 gunicorn workers by default) a PIX paid through the admin
route was read back by the other worker about a third of the time, with no amount, and
the checkout went to review. The journey (create PIX -> pay through the admin route ->
paid) must pass 20 of 20 on the real server with its default workers, on SQLite and on
PostgreSQL."""

from __future__ import annotations

import http.client
import json
import uuid

import pytest

from adapters import migrator
from adapters.pony.database import PonyDatabase
from domain.accounts.auth import create_admin
from domain.accounts.commands import CreateAdmin
from entrypoints.bootstrap import build_deps
from entrypoints.config import Config
from tests.support import postgres
from tests.support.deps import FAST_HASHER, IN_CI, TEST_SECRET
from tests.support.gunicorn_server import GunicornServer
from tests.support.payments import add_catalogue, checkout_body, customer

JOURNEYS = 20
DEFAULT_WORKERS, DEFAULT_THREADS = 2, 4  # `creatorflix serve`'s defaults
ADMIN_EMAIL, ADMIN_PASSWORD = "admin@example.com", "admin password 1"


def call(port: int, method: str, path: str, body=None, headers=None) -> tuple[int, dict]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=15)
    try:  # a new connection each time: either worker may take the request
        payload = json.dumps(body).encode() if body is not None else None
        conn.request(
            method,
            path,
            body=payload,
            headers={
                **({"Content-Type": "application/json"} if payload else {}),
                **(headers or {}),
            },
        )
        answer = conn.getresponse()
        raw = answer.read()
        return answer.status, (json.loads(raw) if raw else {})
    finally:
        conn.close()


@pytest.fixture(params=["sqlite", "postgres"])
def served(request, tmp_path):
    """(server, plan) on `creatorflix serve`'s default workers and threads, over a fresh
    SQLite file or PostgreSQL database, with the sandbox gateway, a plan and an admin."""
    env = {
        "CREATORFLIX_RATE_LIMIT_FACTOR": "100",
        "CREATORFLIX_AGE_GATE": "off",
        "CREATORFLIX_GATEWAY": "sandbox",
    }
    pg_name = None
    if request.param == "postgres":
        problem = postgres.ensure_server()
        if problem:
            if IN_CI:
                pytest.fail(f"PostgreSQL is mandatory in CI: {problem}")
            pytest.skip(problem)
        pg_name = f"creatorflix_sandbox_{uuid.uuid4().hex[:8]}"
        env["CREATORFLIX_DATABASE_URL"] = postgres.create_database(pg_name)
        migrator.migrate(env["CREATORFLIX_DATABASE_URL"])
    server = GunicornServer(tmp_path, workers=DEFAULT_WORKERS, threads=DEFAULT_THREADS, env=env)
    pdb = PonyDatabase(server.env["CREATORFLIX_DATABASE_URL"])
    try:
        config = Config(
            secret_key=TEST_SECRET,
            database_url=pdb.url,
            storage_url=server.env["CREATORFLIX_STORAGE_URL"],
            public_url=server.url,
        )
        deps = build_deps(config, hasher=FAST_HASHER, database=pdb)
        plan, _ = add_catalogue(deps)
        create_admin(deps.auth, CreateAdmin(ADMIN_EMAIL, ADMIN_PASSWORD))
        yield server, plan
    finally:
        server.stop()
        pdb.close()
        if pg_name:
            postgres.drop_database(pg_name)


def test_every_sandbox_pix_paid_by_the_admin_is_paid_whichever_worker_answers(served):
    server, plan = served
    status, session = call(
        server.port, "POST", "/api/auth/login", {"email": ADMIN_EMAIL, "password": ADMIN_PASSWORD}
    )
    assert status == 200, session
    admin = {"Authorization": f"Bearer {session['token']}"}
    outcomes = []
    for n in range(JOURNEYS):
        body = checkout_body(plan.id, customer=customer(email=f"buyer{n}@example.com"))
        status, created = call(server.port, "POST", "/api/checkouts", body)
        assert status == 201, created
        checkout_id = created["id"]
        status, paid = call(
            server.port, "POST", f"/api/admin/sandbox/checkouts/{checkout_id}/pay", headers=admin
        )
        assert status == 200, paid
        status, view = call(
            server.port,
            "GET",
            f"/api/checkouts/{checkout_id}",
            headers={"X-Checkout-Token": created["access_token"]},
        )
        assert status == 200, view
        outcomes.append(view["status"])
    assert outcomes == ["paid"] * JOURNEYS, outcomes

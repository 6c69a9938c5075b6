"""Failure drills: what the API does when what it depends on fails.

- database unavailable -> /health and every request 503 (JSON error shape), never 500,
  and service resumes when the database is back (below, on PostgreSQL);
- gateway down or slow during checkout -> 503/504 with the checkout pending and
  retrievable: tests/e2e/test_webhooks_junglepay.py::
  test_a_gateway_down_or_slow_leaves_the_checkout_pending_and_retrievable, and a charge
  whose answer was lost is adopted by its postback: tests/e2e/
  test_webhooks_junglepay_orphans.py::
  test_a_charge_whose_answer_was_lost_is_adopted_by_its_postback;
- storage unavailable during sync -> the sync fails with nothing written or deleted: the
  use case on every backend in tests/integration/test_sync_contract.py::
  test_a_storage_error_aborts_with_nothing_written_or_deleted, and through the HTTP
  route below;
- bodies over the size limit -> 413, with and without Content-Length, through the real
  server (below; TestClient: tests/e2e/test_platform.py::test_oversized_bodies_are_a_413);
- slow clients (partial request heads) do not keep a normal request waiting beyond the
  head timeout, on the real server with one worker (below)."""

from __future__ import annotations

import http.client
import json
import re
import socket
import time
import uuid

import attrs
import pytest
from falcon.testing import TestClient

from adapters import migrator
from adapters.pony.database import PonyDatabase
from entrypoints.bootstrap import build_deps, build_memory_deps
from entrypoints.config import Config
from entrypoints.http.app import create_app
from entrypoints.http.auth import AuthMiddleware
from tests.support import postgres
from tests.support.api import assert_error
from tests.support.deps import FAST_HASHER, TEST_SECRET, Actors
from tests.support.fake_storage import FakeStorage
from tests.support.gunicorn_server import GunicornServer
from tests.support.payments import checkout_body
from tests.support.seeded_app import seed_app
from tests.support.whitelabel import rows

# -- database unavailable -------------------------------------------------------------
VALID_WRITES = [  # admin writes with valid bodies, so they reach the database
    ("POST", "/api/admin/plans", {"name": "Plano", "price": 990, "duration": 7}),
    ("PATCH", "/api/admin/plans/1", {"price": 1990}),
    ("DELETE", "/api/admin/order-bumps/1", None),
    ("PUT", "/api/admin/settings/site.title", {"value": "x"}),
    ("PUT", "/api/admin/payment-gateways/junglepay", {"public_key": "pk"}),
    ("POST", "/api/admin/users/2/subscriptions", {"plan_id": 1}),
    ("POST", "/api/admin/sandbox/checkouts/1/pay", None),
    ("POST", "/api/admin/whitelabel/sync", {}),
    ("POST", "/api/admin/ads/1/toggle", None),
    (
        "POST",
        "/api/admin/ads",
        {
            "name": "Ad",
            "title": "Ad",
            "type": "banner",
            "placement": "home_top",
            "link": "https://example.com",
            "image_url": "https://cdn.example/a.jpg",
        },
    ),
]


def concrete(template: str) -> str:
    return re.sub(r"\{(\w+)[^}]*\}", lambda m: "1" if ":id" in m.group(0) else "x", template)


@pytest.fixture
def outage(postgres_url, tmp_path):
    """A seeded PostgreSQL database of its own, which the drill drops and brings back:
    (seeded app, drop(), restore())."""
    name = f"creatorflix_drill_{uuid.uuid4().hex[:8]}"
    url = postgres.create_database(name)
    migrator.migrate(url)
    pdb = PonyDatabase(url)
    config = Config(
        secret_key=TEST_SECRET, database_url=url, storage_url=f"file://{tmp_path / 'media'}"
    )
    seeded = seed_app(build_deps(config, hasher=FAST_HASHER, database=pdb), tmp_path / "media")

    def restore() -> None:
        postgres.create_database(name)
        migrator.migrate(url)

    yield seeded, lambda: postgres.drop_database(name), restore
    pdb.close()
    postgres.drop_database(name)


def past_authentication(deps) -> tuple[TestClient, dict]:
    """The app on `deps`, whose access control alone looks users up elsewhere (in
    memory): so an administrator's request passes it and reaches the database, as when
    the database fails between the two."""
    elsewhere = build_memory_deps(deps.config, hasher=FAST_HASHER)
    app = create_app(deps)
    [gate] = [m for m in app._unprepared_middleware if isinstance(m, AuthMiddleware)]
    gate.auth = elsewhere.auth
    return TestClient(app), Actors(elsewhere).admin()


def test_with_the_database_down_every_route_is_a_503_or_a_4xx_never_a_500(outage):
    seeded, drop, restore = outage
    client = seeded.client
    bypass, admin = past_authentication(seeded.deps)
    assert client.simulate_get("/health").status_code == 200
    drop()

    assert_error(client.simulate_get("/health"), 503, "unavailable")
    assert_error(client.simulate_get("/api/plans"), 503, "unavailable")  # public list
    assert_error(
        client.simulate_get("/api/me", headers=seeded.user),
        503,  # token lookup
        "unavailable",
    )
    assert_error(
        client.simulate_post("/api/admin/plans", headers=seeded.admin, json=VALID_WRITES[0][2]),
        503,
        "unavailable",
    )
    assert_error(client.simulate_post("/api/checkouts", json=checkout_body(1)), 503, "unavailable")
    for method, path, body in VALID_WRITES:  # admin writes
        result = bypass.simulate_request(method, path, headers=admin, json=body)
        assert_error(result, 503, "unavailable")
        assert result.headers["retry-after"]
    answered = {}
    for route in client.app.routes:
        for op in route.operations:
            for who, caller, headers in (("anonymous", client, None), ("admin", bypass, admin)):
                result = caller.simulate_request(
                    op.method,
                    concrete(route.path),
                    headers=headers,
                    json={} if op.request else None,
                )
                answered[(op.method, route.path, who)] = result.status_code
                if result.status_code >= 500:
                    assert_error(result, 503, "unavailable")
    assert 500 not in answered.values()
    assert list(answered.values()).count(503) > 40

    restore()  # the pooled connections were killed: service resumes without a restart
    assert client.simulate_get("/health").status_code == 200
    assert client.simulate_get("/api/plans").json["data"] == []


# -- storage unavailable during a sync (through the route) ---------------------------
def test_a_storage_failing_mid_listing_fails_the_sync_and_deletes_nothing(backend, deps, actors):
    storage = FakeStorage(
        {
            key: (1, "e1")
            for key in (
                "ana/p1/a.jpg",
                "ana/p1/b.mp4",
                "ana/p2/c.jpg",
                "bia/p1/d.jpg",
                "bia/p2/e.png",
            )
        }
    )
    client = TestClient(create_app(attrs.evolve(deps, storage=storage)))
    admin = actors.admin()
    assert (
        client.simulate_post("/api/admin/whitelabel/sync", headers=admin, json={}).status_code
        == 200
    )
    before = rows(backend)
    for key in ("ana/p1/a.jpg", "bia/p1/d.jpg", "bia/p2/e.png"):
        storage.remove(key)  # a listing that ended early would delete these
    storage.fail_after = 1
    result = client.simulate_post(
        "/api/admin/whitelabel/sync", headers=admin, json={"allow_mass_delete": True}
    )
    assert_error(result, 503, "unavailable")
    assert rows(backend) == before
    last = client.simulate_get("/api/admin/whitelabel/sync", headers=admin).json
    assert last["status"] == "failed" and "connection reset" in last["error"]


# -- the real server: body limit and slow clients --------------------------------------
MAX_BODY = 4096
HEAD_TIMEOUT = 2.0


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """`creatorflix serve` with one worker of four threads, as configured in production
    except for a small body limit and a short head timeout (to keep the drills fast)."""
    live = GunicornServer(
        tmp_path_factory.mktemp("server"),
        workers=1,
        threads=4,
        head_timeout=HEAD_TIMEOUT,
        env={"CREATORFLIX_MAX_BODY_BYTES": str(MAX_BODY)},
    )
    yield live
    live.stop()


def post(server, path: str, body, headers: dict) -> tuple[int, dict]:
    conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=10)
    try:
        conn.request(
            "POST",
            path,
            body=body,
            headers={"Content-Type": "application/json", **headers},
            encode_chunked="Transfer-Encoding" in headers,
        )
        answer = conn.getresponse()
        return answer.status, json.loads(answer.read())
    finally:
        conn.close()


def chunks(payload: bytes, size: int = 1000):
    for start in range(0, len(payload), size):
        yield payload[start : start + size]


def test_bodies_over_the_limit_are_a_413_with_or_without_content_length(server):
    big = json.dumps({"email": "a@example.com", "password": "x" * (MAX_BODY * 3)}).encode()
    status, body = post(server, "/api/auth/login", big, {"Content-Length": str(len(big))})
    assert (status, body["error"]["code"]) == (413, "payload_too_large")
    status, body = post(server, "/api/auth/login", chunks(big), {"Transfer-Encoding": "chunked"})
    assert (status, body["error"]["code"]) == (413, "payload_too_large")
    # A chunked body within the limit is read (Falcon alone would have seen no body).
    small = json.dumps({"email": "a@example.com", "password": "wrong-password"}).encode()
    status, body = post(
        server, "/api/auth/login", chunks(small, 7), {"Transfer-Encoding": "chunked"}
    )
    assert (status, body["error"]["code"]) == (401, "unauthenticated")


def test_slow_clients_do_not_keep_a_normal_request_waiting(server):
    """Twelve connections (three times the worker's threads) send half a request head and
    then one byte a second; a normal request is still answered within the head timeout
    (plus the main loop's one-second tick), and the slow ones are cut off."""
    slow = []
    for _ in range(12):
        sock = socket.create_connection(("127.0.0.1", server.port), timeout=10)
        sock.sendall(b"GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\n")
        slow.append(sock)
    try:
        time.sleep(0.3)
        started = time.monotonic()
        conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=10)
        for _ in range(3):  # trickle, as slowloris does, while we wait
            for sock in slow:
                _send_quietly(sock, b"X")
            time.sleep(0.2)
        conn.request("GET", "/health")
        answer = conn.getresponse()
        waited = time.monotonic() - started
        assert answer.status == 200 and json.loads(answer.read()) == {"status": "ok"}
        assert waited < HEAD_TIMEOUT + 2.5, waited
        conn.close()
        time.sleep(0.5)
        cut = sum(1 for sock in slow if _closed_by_server(sock))
        assert cut == len(slow)
    finally:
        for sock in slow:
            sock.close()
    assert "Traceback" not in server.log()


def _send_quietly(sock, data: bytes) -> None:
    try:
        sock.sendall(data)
    except OSError:
        pass  # already cut off


def _closed_by_server(sock) -> bool:
    """Closed, at most after a 408 answer (issue 13: an overdue request is told why)."""
    sock.settimeout(HEAD_TIMEOUT + 2)
    try:
        first = sock.recv(1024)
        if first == b"":
            return True
        return first.startswith(b"HTTP/1.1 408") and _drained(sock)
    except ConnectionResetError:
        return True
    except OSError:
        return False


def _drained(sock) -> bool:
    while sock.recv(1024):
        pass
    return True

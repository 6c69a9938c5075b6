"""Issue 21.1: a slow gateway never starves the server. The real server (gunicorn, one
worker x 4 threads) charging through a local JunglePay that answers after 20 s: 24
checkouts at once are answered 503 (Retry-After, pt-BR message) by the bulkhead while
only half the threads wait on JunglePay, and a cheap route keeps answering."""

from __future__ import annotations

import http.client
import json
import time
from concurrent.futures import ThreadPoolExecutor

import pytest

from adapters.pony.database import PonyDatabase
from domain.payments import gateway_settings
from domain.payments.commands import ConfigureGateway
from entrypoints.bootstrap import build_deps
from entrypoints.config import Config
from tests.support.deps import FAST_HASHER, TEST_SECRET
from tests.support.gunicorn_server import GunicornServer
from tests.support.junglepay_server import JunglePayServer
from tests.support.payments import JUNGLEPAY_SECRET, add_catalogue, checkout_body

STALL_SECONDS = 20.0
CHECKOUTS = 24


def call(
    port: int, method: str, path: str, body=None, timeout: float = 60
) -> tuple[int, dict, dict]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        payload = json.dumps(body).encode() if body is not None else None
        conn.request(
            method,
            path,
            body=payload,
            headers={"Content-Type": "application/json"} if payload else {},
        )
        answer = conn.getresponse()
        raw = answer.read()
        return answer.status, dict(answer.getheaders()), json.loads(raw) if raw else {}
    finally:
        conn.close()


@pytest.fixture
def stalled(tmp_path):
    junglepay = JunglePayServer(JUNGLEPAY_SECRET, mode="slow", delay=STALL_SECONDS).start()
    server = GunicornServer(
        tmp_path,
        workers=1,
        threads=4,
        env={
            "CREATORFLIX_GATEWAY": "junglepay",
            "CREATORFLIX_JUNGLEPAY_URL": junglepay.url,
            "CREATORFLIX_RATE_LIMIT_FACTOR": "1000",
            "CREATORFLIX_MAIL_WORKER": "off",
            "CREATORFLIX_AGE_GATE": "off",
        },
    )
    pdb = PonyDatabase(server.env["CREATORFLIX_DATABASE_URL"])
    config = Config(
        secret_key=TEST_SECRET,
        database_url=pdb.url,
        gateway="junglepay",
        storage_url=server.env["CREATORFLIX_STORAGE_URL"],
        public_url=server.url,
    )
    deps = build_deps(config, hasher=FAST_HASHER, database=pdb)
    plan, _ = add_catalogue(deps)
    gateway_settings.configure_gateway(
        deps.payments_service,
        ConfigureGateway(
            name="junglepay", changes={"secret_key": JUNGLEPAY_SECRET, "is_active": True}
        ),
    )
    server.postback_token = deps.payments_service.webhooks.token("junglepay")
    yield server, junglepay, plan
    server.stop()
    junglepay.stop()  # releases its stalled handlers
    pdb.close()


def test_a_stalled_gateway_is_refused_fast_and_cheap_routes_keep_answering(stalled):
    server, junglepay, plan = stalled
    port = server.port
    with ThreadPoolExecutor(CHECKOUTS + 1) as pool:
        checkouts = [
            pool.submit(
                call,
                port,
                "POST",
                "/api/checkouts",
                checkout_body(
                    plan.id,
                    customer={
                        "name": "Ana Souza",
                        "email": f"ana{i}@example.com",
                        "document": "529.982.247-25",
                        "phone": "(11) 98765-4321",
                    },
                ),
            )
            for i in range(CHECKOUTS)
        ]
        time.sleep(1.0)  # the checkouts are in (or queued for) the server's threads
        started = time.monotonic()
        # Bounded: before the fix all four threads waited 10 s per checkout (24 of
        # them: a minute) and this read gave up.
        status, _, plans = call(port, "GET", "/api/plans", timeout=15)
        cheap_latency = time.monotonic() - started
        # What a balancer asks meanwhile (issue 21.6): both answer, ready included.
        started = time.monotonic()
        live = call(port, "GET", "/health/live", timeout=15)
        ready = call(port, "GET", "/health/ready", timeout=15)
        health_latency = time.monotonic() - started
        # A postback is recorded and acknowledged without asking JunglePay.
        postback = call(
            port,
            "POST",
            f"/api/webhooks/junglepay?token={server.postback_token}",
            {"type": "transaction", "data": {"id": "1001"}},
            timeout=15,
        )
        answers = [f.result() for f in checkouts]
    print(
        f"\nGET /api/plans during the stall: {cheap_latency:.2f} s; /health/live and "
        f"/health/ready: {health_latency:.2f} s"
    )
    assert (live[0], live[2]) == (200, {"status": "ok"})
    assert ready[0] == 200 and ready[2]["status"] == "ready"
    assert postback[0] == 200 and postback[2] == {"status": "queued"}
    assert status == 200 and plans["data"][0]["id"] == plan.id
    statuses = [a[0] for a in answers]
    busy = [a for a in answers if a[0] == 503 and a[2]["error"]["code"] == "gateway_busy"]
    timed_out = [a for a in answers if a[0] == 504]
    # At most the bulkhead's two slots wait on JunglePay at a time (each gives up at the
    # 8 s read timeout, then the next caller may take the slot); everyone else is
    # refused within a second, told to retry, in Portuguese, with the pending checkout.
    assert len(busy) + len(timed_out) == CHECKOUTS, statuses
    assert len(busy) >= CHECKOUTS - 6, statuses
    assert junglepay.calls == len(timed_out), (junglepay.calls, statuses)
    for _, headers, body in busy:
        retry_after = {k.lower(): v for k, v in headers.items()}["retry-after"]
        assert retry_after.isdigit()
        assert "nada foi cobrado" in body["error"]["message"]
        assert body["checkout"]["status"] == "pending"

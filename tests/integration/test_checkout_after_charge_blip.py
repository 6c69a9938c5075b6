"""Issue 21.5: the database fails after the gateway created the charge. Before: a bare
503, while the charge existed (and a client retry charged again). Now the answer holds
the checkout with its state and how to pay it, and a retry with the Idempotency-Key
returns that checkout without a second charge. A private PostgreSQL the test stops
while JunglePay is answering."""

from __future__ import annotations

import threading
import time
import uuid

import pytest
from falcon.testing import TestClient

from adapters import migrator
from adapters.pony.database import PonyDatabase
from domain.payments import gateway_settings
from domain.payments.commands import ConfigureGateway
from entrypoints.bootstrap import build_deps
from entrypoints.config import Config
from entrypoints.http.app import create_app
from tests.support import private_postgres
from tests.support.deps import FAST_HASHER, TEST_SECRET
from tests.support.junglepay_server import JunglePayServer
from tests.support.payments import JUNGLEPAY_SECRET, add_catalogue, checkout_body

pytestmark = pytest.mark.skipif(
    private_postgres.unavailable() is not None, reason=str(private_postgres.unavailable())
)


def test_a_database_failure_after_the_charge_answers_with_the_checkout(tmp_path):
    junglepay = JunglePayServer(JUNGLEPAY_SECRET).start()
    # In the system temp folder: pytest's own is closed to the `postgres` user.
    with private_postgres.PrivatePostgres() as pg:
        url = pg.create_database("shop")
        migrator.migrate(url)
        pdb = PonyDatabase(url)
        config = Config(
            secret_key=TEST_SECRET,
            database_url=url,
            gateway="junglepay",
            junglepay_url=junglepay.url,
            storage_url=f"file://{tmp_path}",
            age_gate=False,
        )
        deps = build_deps(config, hasher=FAST_HASHER, database=pdb)
        plan, _ = add_catalogue(deps)
        gateway_settings.configure_gateway(
            deps.payments_service,
            ConfigureGateway(
                name="junglepay", changes={"secret_key": JUNGLEPAY_SECRET, "is_active": True}
            ),
        )
        client = TestClient(create_app(deps))
        key = str(uuid.uuid4())

        def buy():
            return client.simulate_post(
                "/api/checkouts", json=checkout_body(plan.id), headers={"Idempotency-Key": key}
            )

        junglepay.mode, junglepay.delay = "slow", 3.0
        answers: list = []
        buying = threading.Thread(target=lambda: answers.append(buy()))
        buying.start()
        deadline = time.monotonic() + 20
        while junglepay.calls == 0 and time.monotonic() < deadline:
            time.sleep(0.01)
        pg.stop()  # the checkout is stored; JunglePay is creating the charge
        buying.join(30)
        [failed] = answers
        junglepay.mode = "ok"
        pg.start()
        assert failed.status_code == 503, failed.json
        [tx] = junglepay.transactions.values()
        held = failed.json["checkout"]
        assert held["status"] == "pending"
        assert held["payment"]["qr_code"] == tx["pix"]["qrcode"]  # the buyer can pay it
        assert held["access_token"]
        for _ in range(20):  # the pool's connections died with the server: a few 503s
            retried = buy()
            if retried.status_code != 503:
                break
            time.sleep(0.2)
        assert retried.status_code == 201, retried.json
        assert retried.json["id"] == held["id"]
        assert len(junglepay.received) == 1  # one charge
        pdb.close()
    junglepay.stop()

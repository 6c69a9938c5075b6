"""No secret ever reaches a client or a log: after a run that configures the JunglePay
keys through the admin API and an S3 storage with a secret in its URL, and that goes
through the API's ordinary paths, its errors and its webhooks, no response (body or
headers) and no log line at DEBUG, from any logger, contains the gateway's secret key,
the storage secret, CREATORFLIX_SECRET_KEY or a password hash."""

from __future__ import annotations

import logging
import uuid

import pytest

from tests.support.deps import TEST_SECRET
from tests.support.payments import (  # noqa: F401
    JUNGLEPAY_SECRET,
    add_catalogue,
    app_server,
    checkout_body,
    junglepay,
    live_client,
    poll,
    settle_postbacks,
    start,
)
from tests.support.s3 import ACCESS, free_port, moto  # noqa: F401 (a fixture)
from tests.support.seeded_app import MEDIA_FILES

STORAGE_SECRET = "storage-secret-9f3Kq7Lw2Xz"  # moto does not check signatures


@pytest.fixture
def bucket(moto) -> str:
    name = moto.new_bucket(f"secrets-{uuid.uuid4().hex[:10]}")
    moto.fill(name, {key: b"media" for key in MEDIA_FILES})
    return name


@pytest.fixture
def backend(pony_backend):
    """Pony on SQLite and PostgreSQL: the set-ups whose drivers could log SQL."""
    return pony_backend


@pytest.fixture
def config(junglepay, app_server, moto, bucket):
    from entrypoints.config import Config

    return Config(
        secret_key=TEST_SECRET,
        gateway="junglepay",
        junglepay_url=junglepay.url,
        public_url=app_server.url,
        storage_url=f"s3://{ACCESS}:{STORAGE_SECRET}@{moto.endpoint}/{bucket}?secure=false",
        age_gate=False,
    )  # the age gate has its own tests (test_age_gate.py)


class Recorder:
    """The test client, keeping every response it got."""

    def __init__(self, client):
        self.client, self.seen = client, []

    def __call__(self, method: str, path: str, **kwargs):
        result = self.client.simulate_request(method, path, **kwargs)
        self.seen.append(
            f"{method} {path} {result.status_code} {dict(result.headers)} {result.text}"
        )
        return result


def test_no_secret_reaches_a_response_or_a_log_line(live_client, deps, actors, junglepay, caplog):
    caplog.set_level(logging.DEBUG)
    call = Recorder(live_client)
    admin, member = actors.admin(), actors.user("member@example.com")
    plan, bumps = add_catalogue(deps)

    # Gateway keys and the postback URLs, read back and changed.
    assert (
        call(
            "PUT",
            "/api/admin/payment-gateways/junglepay",
            headers=admin,
            json={"secret_key": JUNGLEPAY_SECRET, "public_key": "pk_test", "is_active": True},
        ).status_code
        == 200
    )
    call("GET", "/api/admin/payment-gateways", headers=admin)
    call(
        "PUT",
        "/api/admin/payment-gateways/junglepay",
        headers=admin,
        json={"postback_url": "https://elsewhere.example/hook"},
    )  # 400
    call(
        "PUT",
        "/api/admin/payment-gateways/dias",
        headers=admin,
        json={"secret_key": JUNGLEPAY_SECRET + "-dias"},
    )
    # Accounts: the password hashes must stay in the database.
    call("POST", "/api/auth/register", json={"email": "new@example.com", "password": "pw-123456"})
    call("POST", "/api/auth/register", json={"email": "new@example.com", "password": "pw-123456"})
    call("POST", "/api/auth/login", json={"email": "new@example.com", "password": "wrong-pw"})
    call("POST", "/api/auth/login", json={"email": "new@example.com", "password": "pw-123456"})
    for path in ("/api/me", "/api/admin/users", "/api/admin/users/1", "/api/admin/settings"):
        call("GET", path, headers=admin)
    call("GET", "/api/me", headers={"Authorization": "Bearer " + TEST_SECRET})  # 401
    # The S3 storage: a sync, signed media links, and a storage that is down.
    assert call("POST", "/api/admin/whitelabel/sync", headers=admin, json={}).status_code == 200
    call("GET", "/api/admin/whitelabel/sync", headers=admin)
    for model in call("GET", "/api/admin/whitelabel/models", headers=admin).json["data"]:
        call(
            "PATCH",
            f"/api/admin/whitelabel/models/{model['id']}",
            headers=admin,
            json={"status": "active"},
        )
    call(
        "POST",
        f"/api/admin/users/{_id_of(deps, 'member@example.com')}/subscriptions",
        headers=admin,
        json={"plan_id": plan.id},
    )
    call("GET", "/api/whitelabel/models")
    posts = call("GET", "/api/whitelabel/models/1/posts", headers=member).json["data"]
    assert "X-Amz-Signature=" in posts[0]["media_cdns"]["images"][0]  # signed with it
    # Checkouts through JunglePay: paid by its postback, refused, the gateway down.
    created = start(live_client, checkout_body(plan.id, bumps=[bumps[0].id]))
    call("GET", f"/api/checkouts/{created['id']}", params={"access_token": created["access_token"]})
    with deps.uow() as uow:
        tx = uow.checkouts.get(created["id"]).external_id
    junglepay.set_status(tx, "paid")
    assert junglepay.postback(tx) == 200
    assert settle_postbacks(deps) == ["processed"]  # the background worker's round
    call("POST", "/api/webhooks/junglepay", json=junglepay.postback_body(tx))  # 401
    call(
        "POST",
        "/api/webhooks/junglepay",
        params={"token": "forged"},
        json=junglepay.postback_body(tx),
    )  # 403
    call("POST", "/api/webhooks/dias", params={"token": TEST_SECRET}, json={})  # 403
    call(
        "POST",
        "/api/checkouts",
        json=checkout_body(plan.id, "credit_card", card_hash="tok_refused"),
    )  # 402
    call("POST", "/api/checkouts", json=checkout_body(plan.id, customer={}))  # 400
    junglepay.mode = "down"
    call("POST", "/api/checkouts", json=checkout_body(plan.id))  # 503
    call("GET", "/api/admin/checkouts", headers=admin)
    call("GET", "/api/admin/subscriptions", headers=admin)
    call("POST", "/api/auth/login", body=b'{"email": "x", "password": ')  # 400
    call("GET", "/api/admin/plans/999999", headers=admin)  # 404
    _storage_down_sync(deps, call, admin)

    with deps.uow() as uow:
        hashes = [u.password for u in uow.users.find().items]
    # admin, member, the registered buyer and the account the paid checkout created
    assert len(hashes) == 4 and all(len(h) > 20 for h in hashes)
    secrets = [JUNGLEPAY_SECRET, STORAGE_SECRET, TEST_SECRET, *hashes]
    statuses = {line.split()[2] for line in call.seen}
    assert {"200", "201", "400", "401", "402", "403", "404", "409", "503"} <= statuses
    logged = [r.getMessage() + (r.exc_text or "") for r in caplog.records] + [caplog.text]
    assert len(caplog.records) > 0
    for secret in secrets:
        assert not [seen for seen in call.seen if secret in seen], secret[:6]
        assert not [line for line in logged if secret in line], secret[:6]


def _id_of(deps, email: str) -> int:
    with deps.uow() as uow:
        return uow.users.get_by_email(email).id


def _storage_down_sync(deps, call, admin) -> None:
    """The same app with its storage at a closed port: the sync is a 503 (and logged)."""
    import attrs
    from falcon.testing import TestClient

    from adapters.storage import storage_from_url
    from entrypoints.http.app import create_app

    url = f"s3://{ACCESS}:{STORAGE_SECRET}@127.0.0.1:{free_port()}/media?secure=false"
    down = attrs.evolve(deps, config=attrs.evolve(deps.config, storage_url=url))
    down = attrs.evolve(down, storage=storage_from_url(down.config, deps.clock))
    failing = Recorder(TestClient(create_app(down)))
    assert (
        failing(
            "POST", "/api/admin/whitelabel/sync", headers=admin, json={"allow_mass_delete": True}
        ).status_code
        == 503
    )
    call.seen.extend(failing.seen)

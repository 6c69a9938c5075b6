"""Age assurance methods (issue 16): the sandbox (for visitors and accounts), a paid card
checkout (PIX alone does not assure), the reviewed document (no file and no image kept),
revocation, and the effectiveness figures."""

from __future__ import annotations

import base64
from pathlib import Path
from urllib.parse import urlsplit

import attrs
import pytest

from entrypoints.config import ConfigError, load_config
from tests.support.api import assert_error
from tests.support.payments import add_catalogue, checkout_body


@pytest.fixture
def config(config):
    return attrs.evolve(config, age_gate=True, age_methods=("card", "document", "sandbox"))


def status(client, headers=None):
    return client.simulate_get("/api/age-assurance", headers=headers or {}).json


def test_a_visitor_is_assured_by_the_sandbox_token_and_an_account_at_every_login(client, actors):
    assert status(client)["assured"] is False
    assert [m["method"] for m in status(client)["methods"]] == ["card", "document", "sandbox"]
    visitor = client.simulate_post("/api/age-assurance/sandbox")
    assert visitor.status_code == 201 and "cf_age_assurance" in visitor.cookies
    assert status(client, {"X-Age-Assurance": visitor.json["token"]})["assured"] is True

    user = actors.user("member@example.com")
    assert client.simulate_post("/api/age-assurance/sandbox", headers=user).status_code == 201
    login = client.simulate_post(
        "/api/auth/login", json={"email": "member@example.com", "password": "user-password"}
    )
    again = {"Authorization": f"Bearer {login.json['token']}"}
    seen = status(client, again)
    assert seen["assured"] is True and seen["method"] == "sandbox"
    assert seen["until"] is not None


def test_the_sandbox_is_refused_unless_the_gateway_is_the_sandbox(client, deps, caplog):
    env = {"CREATORFLIX_SECRET_KEY": "k" * 40, "CREATORFLIX_GATEWAY": "junglepay"}
    config = load_config(env)
    assert "sandbox" not in config.age_methods and "dropped" in caplog.text
    assert load_config({**env, "CREATORFLIX_GATEWAY": "sandbox"}).age_methods == (
        "card",
        "document",
        "sandbox",
    )
    with pytest.raises(ConfigError):
        load_config({**env, "CREATORFLIX_AGE_GATE": "maybe"})
    from falcon.testing import TestClient

    from entrypoints.bootstrap import build_memory_deps
    from entrypoints.http.app import create_app

    refused = TestClient(
        create_app(build_memory_deps(attrs.evolve(deps.config, gateway="junglepay")))
    )
    assert_error(refused.simulate_post("/api/age-assurance/sandbox"), 409, "method_disabled")


def test_the_sandbox_stops_assuring_once_a_real_gateway_charges(client, actors):
    # CREATORFLIX_GATEWAY left at sandbox, but an admin activates JunglePay in the
    # database (or an adopted original database brings its active row): real money is
    # charged, so the sandbox button must no longer assure anyone.
    admin = actors.admin()
    assert client.simulate_post("/api/age-assurance/sandbox").status_code == 201
    activated = client.simulate_put(
        "/api/admin/payment-gateways/junglepay",
        headers=admin,
        json={"secret_key": "sk_live_x", "is_active": True},
    )
    assert activated.status_code == 200
    assert "sandbox" not in [m["method"] for m in status(client)["methods"]]
    assert_error(client.simulate_post("/api/age-assurance/sandbox"), 409, "method_disabled")


def _buy(client, plan_id, method, headers):
    body = checkout_body(plan_id, method, **({"card_hash": "tok"} if method != "pix" else {}))
    created = client.simulate_post("/api/checkouts", json=body, headers=headers).json
    return created["id"]


@pytest.mark.smoke
def test_a_paid_pix_checkout_does_not_assure_nor_a_sandbox_card(client, deps, actors):
    # PIX never assures (a bank account can be a minor's); a card assures only when our
    # gateway confirms it (JunglePay: tests/e2e/test_age_card_payments.py), never the
    # sandbox's pretend card.
    plan, _ = add_catalogue(deps)
    admin = actors.admin()
    pix_buyer, card_buyer = actors.user("pix@example.com"), actors.user("card@example.com")
    for buyer, method in ((pix_buyer, "pix"), (card_buyer, "credit_card")):
        checkout = _buy(client, plan.id, method, buyer)
        paid = client.simulate_post(f"/api/admin/sandbox/checkouts/{checkout}/pay", headers=admin)
        assert paid.json["status"] == "processed"
    assert status(client, pix_buyer)["assured"] is False
    assert status(client, card_buyer)["assured"] is False


def _stored_files(deps) -> list[str]:
    root = Path(urlsplit(deps.config.storage_url).path)
    return [str(p) for p in root.rglob("*") if p.is_file()] if root.exists() else []


@pytest.mark.smoke
def test_documents_are_reviewed_and_no_file_nor_image_is_kept(client, deps, actors):
    admin = actors.admin()
    alice, bob = actors.user("alice@example.com"), actors.user("bob@example.com")
    photo = b"\xff\xd8\xff an ID photo"
    sent = client.simulate_post(
        "/api/age-assurance/documents",
        headers=alice,
        json={"content_type": "image/jpeg", "data": base64.b64encode(photo).decode()},
    )
    assert sent.status_code == 201 and sent.json["outcome"] == "pending"
    form = client.simulate_post(
        "/api/age-assurance/documents",
        headers={**bob, "Content-Type": "multipart/form-data; boundary=XX"},
        body=(
            b'--XX\r\nContent-Disposition: form-data; name="document"; filename="id.png"'
            b"\r\nContent-Type: image/png\r\n\r\n\x89PNG\r\n\x1a\n photo\r\n--XX--\r\n"
        ),
    )
    assert form.status_code == 201, form.text
    assert len(_stored_files(deps)) == 2
    queue = client.simulate_get("/api/admin/age-assurance/documents", headers=admin).json
    assert [d["id"] for d in queue["data"]] == [sent.json["id"], form.json["id"]]
    shown = client.simulate_get(
        f"/api/admin/age-assurance/documents/{sent.json['id']}/photo", headers=admin
    )
    assert shown.content == photo
    assert_error(
        client.simulate_post(
            "/api/age-assurance/documents",
            headers=alice,
            json={"content_type": "image/jpeg", "data": "not base64!"},
        ),
        400,
        "invalid",
        "data",
    )

    approved = client.simulate_post(
        f"/api/admin/age-assurance/documents/{sent.json['id']}/approve", headers=admin
    )
    rejected = client.simulate_post(
        f"/api/admin/age-assurance/documents/{form.json['id']}/reject", headers=admin
    )
    assert (approved.json["outcome"], rejected.json["outcome"]) == ("assured", "rejected")
    assert _stored_files(deps) == []
    with deps.uow() as uow:  # only who, method, times and outcome: no image, no number
        for record in uow.age_assurances.find().items:
            assert set(attrs.asdict(record)) == {
                "id",
                "method",
                "outcome",
                "user_id",
                "anonymous_id",
                "provider_ref",
                "created_at",
                "decided_at",
                "expires_at",
            }
            assert b"photo" not in repr(record).encode()
    assert status(client, alice)["assured"] is True
    assert status(client, bob)["assured"] is False
    assert_error(
        client.simulate_post(
            f"/api/admin/age-assurance/documents/{form.json['id']}/approve", headers=admin
        ),
        409,
        "conflict",
    )

    # Revoked: unassured from the next request; the figures count every outcome.
    revoked = client.simulate_post(
        f"/api/admin/age-assurance/{sent.json['id']}/revoke", headers=admin
    )
    assert revoked.json["outcome"] == "revoked"
    assert status(client, alice)["assured"] is False
    figures = client.simulate_get("/api/admin/age-assurance/figures", headers=admin).json
    assert figures["methods"]["document"]["revoked"] == 1
    assert figures["methods"]["document"]["rejected"] == 1
    assert figures["sandbox_only"] is False


def test_a_revoked_visitor_token_stops_at_once(client, actors):
    token = client.simulate_post("/api/age-assurance/sandbox").json["token"]
    admin = actors.admin()
    [record] = client.simulate_get("/api/admin/age-assurance", headers=admin).json["data"]
    client.simulate_post(f"/api/admin/age-assurance/{record['id']}/revoke", headers=admin)
    assert status(client, {"X-Age-Assurance": token})["assured"] is False

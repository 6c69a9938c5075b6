"""Issue 20, finding 5: a guest checkout is linked to an account only when the
account's email is verified. Someone registering the buyer's address (unverified) sees
nothing of the checkout, gets no subscription and cannot withdraw it; the mail to the
address carries a single-use link that verifies it, sets the password, ends every other
session of the account and gives it the purchase."""

from __future__ import annotations

import attrs
import pytest

from domain.mail import messages as t
from tests.support.api import assert_error, bearer, register
from tests.support.mailbox import Mailbox
from tests.support.payments import add_catalogue, checkout_body, customer, pay, start

VICTIM = "victim@example.com"
BUYER = customer(
    name="Vera Vitima", email=VICTIM, document="529.982.247-25", phone="(11) 91111-2222"
)


@pytest.fixture
def config(config):
    return attrs.evolve(config, age_methods=("card", "sandbox"))


@pytest.mark.smoke
def test_registering_the_buyers_email_captures_nothing_and_the_link_claims_it(client, deps, actors):
    plan, _ = add_catalogue(deps)
    created = start(client, checkout_body(plan.id, customer=BUYER))
    attacker = bearer(register(client, VICTIM, password="attacker-pass-1", name="X")["token"])
    pay(client, actors, created)

    assert client.simulate_get("/api/me/checkouts", headers=attacker).json["total"] == 0
    assert client.simulate_get("/api/me/subscriptions", headers=attacker).json["total"] == 0
    assert client.simulate_get("/api/me", headers=attacker).json["subscription"] is None
    exported = client.simulate_get("/api/me/export", headers=attacker)
    assert exported.json["checkouts"] == [] and exported.json["subscriptions"] == []
    for secret in ("Vera", "52998224725", "91111"):
        assert secret not in exported.text
    assert_error(
        client.simulate_post(
            f"/api/me/checkouts/{created['id']}/withdrawal", headers=attacker, json={}
        ),
        404,
        "not_found",
    )

    # The mail to the address (its owner's inbox) carries the claim.
    mailbox = Mailbox(deps)
    receipt = mailbox.last(VICTIM, t.RECEIPT)
    token = mailbox.token(VICTIM, t.RECEIPT, "/set-password")
    assert "confirme este e-mail" in receipt.text_body
    claimed = client.simulate_post(
        "/api/auth/set-password", json={"token": token, "password": "victim-pass-1"}
    )
    assert claimed.status_code == 200, claimed.json
    assert claimed.json["user"]["email_verified_at"]
    owner = bearer(claimed.json["token"])
    assert client.simulate_get("/api/me", headers=attacker).status_code == 401
    mine = client.simulate_get("/api/me/checkouts", headers=owner).json
    assert [c["id"] for c in mine["data"]] == [created["id"]]
    assert client.simulate_get("/api/me", headers=owner).json["subscription"]["status"] == "active"
    # Single use.
    assert_error(
        client.simulate_post(
            "/api/auth/set-password", json={"token": token, "password": "attacker-pass-2"}
        ),
        400,
        "invalid",
        "token",
    )
    assert (
        client.simulate_post(
            "/api/auth/login", json={"email": VICTIM, "password": "attacker-pass-1"}
        ).status_code
        == 401
    )


def test_a_card_payment_does_not_assure_an_unverified_account(client, deps, actors):
    plan, _ = add_catalogue(deps)
    # The attacker registers the address first and waits for its owner to buy as a guest.
    attacker = bearer(register(client, VICTIM, password="attacker-pass-1")["token"])
    created = start(client, checkout_body(plan.id, "credit_card", customer=BUYER, card_hash="tok"))
    if created["status"] != "paid":
        pay(client, actors, created)
    with deps.uow() as uow:
        user = uow.users.get_by_email(VICTIM)
        assert list(uow.age_assurances.find({"user_id": user.id}).items) == []
        assert list(uow.subscriptions.find({"user_id": user.id}).items) == []
    assert attacker


def test_a_verified_account_gets_its_guest_checkouts(client, deps, actors):
    plan, _ = add_catalogue(deps)
    member = bearer(register(client, VICTIM, password="victim-pass-1")["token"])
    mailbox = Mailbox(deps)
    assert (
        client.simulate_post(
            "/api/auth/verify-email",
            json={"token": mailbox.token(VICTIM, t.VERIFY_EMAIL, "/verificar-email")},
        ).status_code
        == 200
    )
    created = start(client, checkout_body(plan.id, customer=BUYER))
    pay(client, actors, created)
    assert [
        c["id"] for c in client.simulate_get("/api/me/checkouts", headers=member).json["data"]
    ] == [created["id"]]
    assert client.simulate_get("/api/me", headers=member).json["subscription"]


def test_erasing_the_unverified_account_leaves_the_owners_claim_alive(client, deps, actors):
    plan, _ = add_catalogue(deps)
    attacker = bearer(register(client, VICTIM, password="attacker-pass-1")["token"])
    created = start(client, checkout_body(plan.id, customer=BUYER))
    pay(client, actors, created)
    assert (
        client.simulate_delete(
            "/api/me", headers=attacker, json={"password": "attacker-pass-1"}
        ).status_code
        == 204
    )
    token = Mailbox(deps).token(VICTIM, t.RECEIPT, "/set-password")
    claimed = client.simulate_post(
        "/api/auth/set-password", json={"token": token, "password": "victim-pass-1"}
    )
    assert claimed.status_code == 200, claimed.json
    assert claimed.json["user"]["email"] == VICTIM
    owner = bearer(claimed.json["token"])
    assert client.simulate_get("/api/me", headers=owner).json["subscription"]

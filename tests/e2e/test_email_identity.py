"""Issue 13, finding 6: one address, one account. Emails are NFKC-normalised and
case-folded before they are stored or looked up, and invisible (format, Unicode
category Cf) characters are refused with a 400 naming `email`."""

from __future__ import annotations

import pytest

from domain.accounts.users import normalize_email
from domain.common.errors import ValidationError
from tests.support.api import assert_error

PASSWORD = "correct horse battery"


def register(client, email: str):
    return client.simulate_post("/api/auth/register", json={"email": email, "password": PASSWORD})


@pytest.mark.parametrize(
    "raw, stored",
    [
        ("\uff41lice@x.test", "alice@x.test"),  # full-width a
        ("ALICE@X.TEST", "alice@x.test"),
        ("Stra\u00dfe@x.test", "strasse@x.test"),  # case folding, not just lower()
        ("\u212bngstr\u00f6m@x.test", "\u00e5ngstr\u00f6m@x.test"),  # Angstrom sign -> å
        ("  bob@x.test ", "bob@x.test"),
    ],
)
def test_emails_are_nfkc_normalised_and_case_folded(raw, stored):
    assert normalize_email(raw) == stored


@pytest.mark.parametrize(
    "raw",
    [
        "al\u200bice@x.test",
        "alice\u200d@x.test",
        "\ufeffalice@x.test",
        "alice@x\u2060.test",
        "ali\u00adce@x.test",
    ],
)
def test_invisible_characters_are_refused(raw):
    with pytest.raises(ValidationError) as refused:
        normalize_email(raw)
    assert refused.value.field == "email"


def test_a_full_width_twin_registers_as_the_same_address(client):
    first = register(client, "\uff41lice@x.test")
    assert first.status_code == 201 and first.json["user"]["email"] == "alice@x.test"
    assert_error(register(client, "alice@x.test"), 409, "conflict", "email")
    assert_error(register(client, "ALICE@X.TEST"), 409, "conflict", "email")
    logged = client.simulate_post(
        "/api/auth/login", json={"email": "alice@x.test", "password": PASSWORD}
    )
    assert logged.status_code == 200


def test_a_zero_width_twin_is_a_400_naming_email(client):
    assert register(client, "alice@x.test").status_code == 201
    assert_error(register(client, "al\u200bice@x.test"), 400, "invalid", "email")


def test_a_buyer_email_follows_the_same_rule(client, deps):
    from tests.support.payments import add_catalogue, checkout_body, customer

    plan, _ = add_catalogue(deps)
    body = {**checkout_body(plan.id), "customer": customer(email="an\u200ba@example.com")}
    assert_error(
        client.simulate_post("/api/checkouts", json=body), 400, "invalid", "customer.email"
    )
    body = {**checkout_body(plan.id), "customer": customer(email="\uff41na@EXAMPLE.com")}
    created = client.simulate_post("/api/checkouts", json=body)
    assert created.status_code == 201

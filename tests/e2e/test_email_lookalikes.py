"""Issue 20, finding 10: residual look-alikes. `аlice@` (Cyrillic а), `alıce@` (dotless
ı), `ali̇ce@` (i + combining dot above) and `"alice"@x.test` (the same mailbox as
`alice@x.test`) registered as new accounts. Registration and an email change now refuse
mixed-script local parts, combining marks that draw a letter the address does not have,
quoted local parts, and Unicode confusables (UTS #39 skeletons, by ICU) of an existing
account's address: 400 naming `email`. (`smoke`: memory, SQLite and PostgreSQL.)"""

from __future__ import annotations

import pytest

from adapters.email_lookalikes import IcuEmailLookalikes
from tests.support.api import assert_error

PASSWORD = "correct horse battery"
LOOKALIKES = [
    "\u0430lice@x.test",  # Cyrillic а: mixed scripts
    "al\u0131ce@x.test",  # dotless ı: Latin only, the skeleton of alice
    "ali\u0307ce@x.test",  # i + combining dot above
    '"alice"@x.test',
]  # a quoted local part: alice's mailbox


def register(client, email: str):
    return client.simulate_post("/api/auth/register", json={"email": email, "password": PASSWORD})


@pytest.mark.smoke
@pytest.mark.parametrize("email", LOOKALIKES)
def test_a_lookalike_of_an_account_does_not_register(client, backend, email):
    assert register(client, "alice@x.test").status_code == 201
    assert_error(register(client, email), 400, "invalid", "email")
    with backend.uow() as uow:
        assert uow.users.count() == 1


@pytest.mark.parametrize(
    "email", ["\u0430lice@x.test", "ali\u0307ce@x.test", '"bob"@x.test', "p\u0430ypal@x.test"]
)
def test_mixed_scripts_marks_and_quotes_are_refused_even_without_a_twin(client, email):
    assert_error(register(client, email), 400, "invalid", "email")


@pytest.mark.parametrize(
    "email",
    [
        "jos\u00e9@x.test",
        "jose\u0301@x.test",
        "\u043f\u0451\u0442\u0440@x.test",
        "a1ice@x.test",
        "\u7530\u4e2dtaro@x.test",
        "ana.souza+1@x.test",
    ],
)
def test_real_addresses_of_one_script_still_register(client, email):
    register(client, "alice@x.test")
    result = register(client, email)
    assert result.status_code == 201, result.text


def test_an_ascii_address_is_never_refused_for_an_earlier_lookalike(client):
    # A squatter's `alıce@` must not lock the real alice out of her own address.
    assert register(client, "al\u0131ce@x.test").status_code == 201
    assert register(client, "alice@x.test").status_code == 201


@pytest.mark.smoke
@pytest.mark.parametrize("email", LOOKALIKES)
def test_an_email_change_to_a_lookalike_is_refused(client, email):
    register(client, "alice@x.test")
    session = register(client, "bob@x.test").json
    result = client.simulate_post(
        "/api/me/email",
        json={"email": email, "password": PASSWORD},
        headers={"Authorization": f"Bearer {session['token']}"},
    )
    assert_error(result, 400, "invalid", "email")


def test_the_skeleton_is_uts39s():
    lookalikes = IcuEmailLookalikes()
    assert {
        lookalikes.skeleton(e) for e in ("alice@x.test", "\u0430lice@x.test", "al\u0131ce@x.test")
    } == {"alice@x.test"}
    assert lookalikes.skeleton("rn@x.test") == lookalikes.skeleton("m@x.test")

"""Issue 20, finding 6: after `DELETE /api/me` no table of either database holds the
erased person's email, name, CPF or phone; their pending ID photo is gone from the
storage and the admin queue; their mails keep no address, name or body; their age
checks keep no provider subject. What the law needs stays: the paid checkout (fiscal
record), its amount and status, without the person's data."""

from __future__ import annotations

import base64
import json

import attrs
import pytest

from domain.assurance.documents import document_key
from domain.assurance.entities import ASSURED, OIDC, AgeAssurance
from domain.common.errors import NotFound
from domain.mail import messages as t
from tests.support.api import PASSWORD, bearer, register
from tests.support.mailbox import Mailbox
from tests.support.payments import add_catalogue, checkout_body, customer, pay, start

EMAIL, NAME, CPF, PHONE = (
    "ana.erased@example.com",
    "Ana Apagada",
    "529.982.247-25",
    "(11) 97654-3210",
)
SUBJECT = "oidc-subject-of-ana-77"
NEEDLES = (
    EMAIL,
    NAME,
    CPF,
    CPF.replace(".", "").replace("-", ""),
    PHONE,
    "97654-3210",
    "11976543210",
    "976543210",
    SUBJECT,
)


@pytest.fixture
def config(config):
    return attrs.evolve(config, age_methods=("card", "document", "sandbox"))


def every_text(backend) -> dict[str, list[str]]:
    """Every text and JSON value of every table of the database, by table."""
    from pony.orm import db_session

    pdb = backend.database
    found: dict[str, list[str]] = {}
    with db_session:
        if pdb.dialect == "postgresql":
            tables = [
                r[0]
                for r in pdb.db.execute(
                    "SELECT table_name FROM information_schema.tables "
                    "WHERE table_schema = 'public' AND table_type = 'BASE TABLE'"
                ).fetchall()
            ]
        else:
            tables = [
                r[0]
                for r in pdb.db.execute(
                    "SELECT name FROM sqlite_master WHERE type = 'table'"
                ).fetchall()
            ]
        for table in tables:
            cursor = pdb.db.execute(f'SELECT * FROM "{table}"')
            for row in cursor.fetchall():
                for value in row:
                    if isinstance(value, (dict, list)):
                        value = json.dumps(value, ensure_ascii=False)
                    if isinstance(value, (bytes, memoryview)):
                        value = bytes(value).decode("utf-8", "replace")
                    if isinstance(value, str):
                        found.setdefault(table, []).append(value)
    return found


def leaks(backend) -> list[tuple[str, str]]:
    return [
        (table, needle)
        for table, values in every_text(backend).items()
        for value in values
        for needle in NEEDLES
        if needle.casefold() in value.casefold()
    ]


@pytest.mark.parametrize("backend", ["sqlite", "postgres"], indirect=True)
def test_no_table_holds_the_erased_person(client, deps, actors, backend):
    plan, _ = add_catalogue(deps)
    mailbox = Mailbox(deps)
    session = register(client, EMAIL, name=NAME)
    headers = bearer(session["token"])
    verified = client.simulate_post(
        "/api/auth/verify-email",
        json={"token": mailbox.token(EMAIL, t.VERIFY_EMAIL, "/verificar-email")},
    )
    assert verified.status_code == 200
    buyer = customer(name=NAME, email=EMAIL, document=CPF, phone=PHONE)
    paid = start(client, checkout_body(plan.id, customer=buyer), headers)
    pay(client, actors, paid)
    start(client, checkout_body(plan.id, customer=buyer))  # a guest one, unpaid
    asked = client.simulate_post(
        f"/api/me/checkouts/{paid['id']}/withdrawal",
        headers=headers,
        json={"reason": f"{NAME} desistiu"},
    )
    assert asked.status_code == 201, asked.json
    photo = client.simulate_post(
        "/api/age-assurance/documents",
        headers=headers,
        json={
            "content_type": "image/png",
            "data": base64.b64encode(b"\x89PNG\r\n\x1a\n id").decode(),
        },
    )
    assert photo.status_code == 201, photo.json
    with deps.uow() as uow:
        uow.age_assurances.add(
            AgeAssurance(
                id=None,
                method=OIDC,
                outcome=ASSURED,
                user_id=session["user"]["id"],
                provider_ref=SUBJECT,
            )
        )
        uow.commit()
    mailbox.deliver()  # some mails sent, others (below) still pending
    client.simulate_post("/api/auth/password-reset", json={"email": EMAIL})
    assert {table for table, _ in leaks(backend)} >= {
        "users",
        "checkouts",
        "mail_outbox",
        "withdrawal_requests",
        "age_assurances",
    }

    erased = client.simulate_delete("/api/me", headers=headers, json={"password": PASSWORD})
    assert erased.status_code == 204

    assert leaks(backend) == []
    with pytest.raises(NotFound):
        deps.storage.read_object(document_key(photo.json["id"]))
    queue = client.simulate_get("/api/admin/age-assurance/documents", headers=actors.admin())
    assert queue.status_code == 200 and queue.json["data"] == []
    approve = client.simulate_post(
        f"/api/admin/age-assurance/documents/{photo.json['id']}/approve", headers=actors.admin()
    )
    assert approve.status_code == 404
    with deps.uow() as uow:
        kept = uow.checkouts.get(paid["id"])
        mails = list(uow.outbox.find({}).items)
    assert (kept.status, kept.total_amount) == ("paid", paid["total_amount"])
    assert mails and all(
        (m.recipient, m.subject, m.text_body, m.html_body) == ("", "", "", "")
        for m in mails
        if m.kind != "decoy"
    )

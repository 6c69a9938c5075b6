"""The mail flows through the API: forgotten password, sessions, email verification and
change, the buyer's PIX and receipt mails, renewal reminders, LGPD export and erasure,
withdrawal. Smoke tests also run on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import timedelta

import pytest

from adapters.clock import utcnow
from domain.mail import messages as t
from domain.payments.subscriptions import Subscription
from entrypoints import cli
from entrypoints.jobs import PERIODIC_JOBS
from tests.support.api import assert_error, bearer, register
from tests.support.mailbox import Mailbox, read_eml, token_of
from tests.support.payments import (
    add_catalogue,
    checkout_body,
    customer,
    login,
    pay,
    poll,
    start,
    subscriptions_of,
)

PASSWORD = "user-password"


@pytest.fixture
def mailbox(deps) -> Mailbox:
    return Mailbox(deps)


# -- forgotten password -------------------------------------------------------------
@pytest.mark.smoke
def test_the_forgot_password_round_trip(client, mailbox):
    old = register(client, "ana@example.com")["token"]
    other_session = login(client, "ana@example.com", PASSWORD)

    asked = client.simulate_post("/api/auth/password-reset", json={"email": "ANA@example.com"})
    assert asked.status_code == 202 and asked.json == {"status": "accepted"}
    mail = mailbox.last("ana@example.com", t.PASSWORD_RESET)
    assert mail.subject == "Redefinição de senha" and "1 hora" in mail.text_body
    assert "Redefinição de senha" in mail.html_body
    token = token_of(mail.text_body, "/redefinir-senha")

    done = client.simulate_post(
        "/api/auth/password-reset/confirm", json={"token": token, "password": "brand-new-pass"}
    )
    assert done.status_code == 200
    assert done.json["user"]["email"] == "ana@example.com" and done.json["token"]
    # Every older session ends; the new one works; so does the new password.
    assert client.simulate_get("/api/me", headers=bearer(old)).status_code == 401
    assert client.simulate_get("/api/me", headers=other_session).status_code == 401
    assert client.simulate_get("/api/me", headers=bearer(done.json["token"])).status_code == 200
    assert login(client, "ana@example.com", "brand-new-pass")
    assert (
        client.simulate_post(
            "/api/auth/login", json={"email": "ana@example.com", "password": PASSWORD}
        ).status_code
        == 401
    )
    # The link works once.
    again = client.simulate_post(
        "/api/auth/password-reset/confirm", json={"token": token, "password": "another-pass-3"}
    )
    assert_error(again, 400, "invalid", "token")


@pytest.mark.smoke
def test_an_unknown_email_is_answered_alike_and_mailed_nothing(client, mailbox, deps, clock):
    register(client, "ana@example.com")
    for email in ("nobody@example.com", "ana@example.com"):
        asked = client.simulate_post("/api/auth/password-reset", json={"email": email})
        assert (asked.status_code, asked.json) == (202, {"status": "accepted"})
    mailbox.deliver()
    assert [m.recipient for m in mailbox.mailer.sent if m.kind == t.PASSWORD_RESET] == [
        "ana@example.com"
    ]
    # The unknown email cost the same write: a decoy, which holds no address and is
    # never sent, and which the jobs purge a day later.
    with deps.uow() as uow:
        [decoy] = uow.outbox.find({"kind": "decoy"}).items
    assert (decoy.recipient, decoy.user_id, decoy.status) == ("", None, "sent")
    assert "nobody" not in decoy.text_body + decoy.html_body
    clock.advance(hours=25)
    for _, job, _ in PERIODIC_JOBS:
        job(deps)
    with deps.uow() as uow:
        assert uow.outbox.count({"kind": "decoy"}) == 0
    assert_error(
        client.simulate_post("/api/auth/password-reset", json={"email": "x"}),
        400,
        "invalid",
        "email",
    )


def test_password_reset_requests_are_rate_limited_per_ip(deps, clock):
    import attrs
    from falcon.testing import TestClient

    from entrypoints.http.app import create_app

    strict = TestClient(
        create_app(attrs.evolve(deps, config=attrs.evolve(deps.config, rate_limit_factor=1.0)))
    )
    # Per IP; the mails an address gets are capped apart (tests/e2e/test_mail_caps.py).
    answers = [
        strict.simulate_post(
            "/api/auth/password-reset", json={"email": f"someone{n}@example.com"}
        ).status_code
        for n in range(6)
    ]
    assert answers == [202] * 5 + [429]


def test_a_reset_link_expires_after_an_hour_and_is_for_resets_only(client, mailbox, clock, deps):
    register(client, "ana@example.com")
    client.simulate_post("/api/auth/password-reset", json={"email": "ana@example.com"})
    token = mailbox.token("ana@example.com", t.PASSWORD_RESET)
    verify = mailbox.token("ana@example.com", t.VERIFY_EMAIL)
    # A link of another purpose is no reset link.
    assert_error(
        client.simulate_post(
            "/api/auth/password-reset/confirm", json={"token": verify, "password": "brand-new-pass"}
        ),
        400,
        "invalid",
        "token",
    )
    clock.advance(minutes=61)
    assert_error(
        client.simulate_post(
            "/api/auth/password-reset/confirm", json={"token": token, "password": "brand-new-pass"}
        ),
        400,
        "invalid",
        "token",
    )


def test_a_buyer_whose_account_a_checkout_made_can_recover_it(client, deps, actors, mailbox):
    plan, _ = add_catalogue(deps)
    pay(client, actors, start(client, checkout_body(plan.id)))
    client.simulate_post("/api/auth/password-reset", json={"email": "ana@example.com"})
    token = mailbox.token("ana@example.com", t.PASSWORD_RESET)
    done = client.simulate_post(
        "/api/auth/password-reset/confirm", json={"token": token, "password": "brand-new-pass"}
    )
    assert done.status_code == 200 and login(client, "ana@example.com", "brand-new-pass")


# -- sessions -----------------------------------------------------------------------
def test_logout_ends_this_session_and_logout_all_every_session(client):
    first = bearer(register(client, "ana@example.com")["token"])
    second = login(client, "ana@example.com", PASSWORD)
    third = login(client, "ana@example.com", PASSWORD)
    assert client.simulate_post("/api/auth/logout", headers=first).status_code == 204
    assert client.simulate_get("/api/me", headers=first).status_code == 401
    assert client.simulate_get("/api/me", headers=second).status_code == 200
    assert client.simulate_post("/api/auth/logout").status_code == 401
    assert client.simulate_post("/api/me/logout-all", headers=second).status_code == 204
    for headers in (second, third):
        assert client.simulate_get("/api/me", headers=headers).status_code == 401
    assert (
        client.simulate_get(
            "/api/me", headers=login(client, "ana@example.com", PASSWORD)
        ).status_code
        == 200
    )


def test_revoked_tokens_are_forgotten_once_they_would_have_expired(client, deps, clock):
    first = bearer(register(client, "ana@example.com")["token"])
    assert client.simulate_post("/api/auth/logout", headers=first).status_code == 204
    with deps.uow() as uow:
        assert uow.revoked_tokens.count() == 1
    clock.advance(days=8)
    second = login(client, "ana@example.com", PASSWORD)
    assert client.simulate_post("/api/auth/logout", headers=second).status_code == 204
    with deps.uow() as uow:
        assert uow.revoked_tokens.count() == 1  # the first one's entry is gone
    assert client.simulate_get("/api/me", headers=second).status_code == 401


def test_changing_the_password_needs_the_current_one_and_ends_other_sessions(client):
    first = bearer(register(client, "ana@example.com")["token"])
    other = login(client, "ana@example.com", PASSWORD)
    wrong = client.simulate_post(
        "/api/me/password",
        headers=first,
        json={"current_password": "not-my-password", "password": "brand-new-pass"},
    )
    assert_error(wrong, 400, "invalid", "current_password")
    done = client.simulate_post(
        "/api/me/password",
        headers=first,
        json={"current_password": PASSWORD, "password": "brand-new-pass"},
    )
    assert done.status_code == 200
    assert client.simulate_get("/api/me", headers=other).status_code == 401
    assert client.simulate_get("/api/me", headers=bearer(done.json["token"])).status_code == 200
    assert login(client, "ana@example.com", "brand-new-pass")


# -- email verification and change ----------------------------------------------------
def test_registration_mails_a_verification_link_the_admin_sees_the_result(client, actors, mailbox):
    session = register(client, "ana@example.com")
    assert session["user"]["email_verified_at"] is None
    assert "token_version" not in session["user"]
    me = client.simulate_get("/api/me", headers=bearer(session["token"]))
    assert me.status_code == 200  # the account works at once
    token = mailbox.token("ana@example.com", t.VERIFY_EMAIL, "/verificar-email")
    verified = client.simulate_post("/api/auth/verify-email", json={"token": token})
    assert verified.status_code == 200 and verified.json["user"]["email_verified_at"]
    users = client.simulate_get(
        "/api/admin/users", params={"email": "ana@example.com"}, headers=actors.admin()
    ).json["data"]
    assert users[0]["email_verified_at"] == verified.json["user"]["email_verified_at"]
    again = client.simulate_post("/api/me/verify-email", headers=bearer(session["token"]))
    assert_error(again, 409, "conflict", "email")


def test_changing_the_email_is_confirmed_from_the_new_address(client, mailbox):
    headers = bearer(register(client, "ana@example.com")["token"])
    register(client, "taken@example.com")
    assert_error(
        client.simulate_post(
            "/api/me/email",
            headers=headers,
            json={"email": "new@example.com", "password": "wrong-password"},
        ),
        400,
        "invalid",
        "password",
    )
    assert_error(
        client.simulate_post(
            "/api/me/email",
            headers=headers,
            json={"email": "taken@example.com", "password": PASSWORD},
        ),
        409,
        "conflict",
        "email",
    )
    asked = client.simulate_post(
        "/api/me/email", headers=headers, json={"email": "new@example.com", "password": PASSWORD}
    )
    assert asked.status_code == 202
    # Nothing changes until the link mailed to the new address is followed.
    assert login(client, "ana@example.com", PASSWORD)
    token = mailbox.token("new@example.com", t.CHANGE_EMAIL, "/confirmar-email")
    done = client.simulate_post("/api/auth/email-change/confirm", json={"token": token})
    assert done.status_code == 200 and done.json["user"]["email"] == "new@example.com"
    assert done.json["user"]["email_verified_at"]
    assert login(client, "new@example.com", PASSWORD)
    assert (
        client.simulate_post(
            "/api/auth/login", json={"email": "ana@example.com", "password": PASSWORD}
        ).status_code
        == 401
    )


# -- buyer mails ---------------------------------------------------------------------
@pytest.mark.smoke
def test_a_pix_checkout_mails_its_code_qr_expiry_and_a_link_back(client, deps, mailbox):
    plan, bumps = add_catalogue(deps)
    created = start(client, checkout_body(plan.id, bumps=[bumps[0].id]))
    mail = mailbox.last("ana@example.com", t.PIX_CREATED)
    code = created["payment"]["copy_paste"]
    assert code and code in mail.text_body and "R$\xa039,80" in mail.text_body
    # The expiry as a buyer in Brazil reads it (CREATORFLIX_TIMEZONE), not in UTC.
    assert "(Horário de Brasília)" in mail.text_body and "(UTC)" not in mail.text_body
    assert mail.inline_images == [{"cid": "pix-qr@creatorflix", "kind": "qr", "data": code}]
    assert 'src="cid:pix-qr@creatorflix"' in mail.html_body
    access = token_of(mail.text_body, "/checkout", "acesso")
    followed = client.simulate_get(
        f"/api/checkouts/{created['id']}", params={"access_token": access}
    )
    assert followed.status_code == 200 and followed.json["status"] == "pending"


@pytest.mark.smoke
def test_payment_mails_the_receipt_and_the_set_password_link(client, deps, actors, clock, mailbox):
    plan, bumps = add_catalogue(deps)
    created = start(client, checkout_body(plan.id, bumps=[bumps[0].id]))
    pay(client, actors, created)
    receipt = mailbox.last("ana@example.com", t.RECEIPT)
    assert receipt.subject == "Pagamento confirmado: plano Mensal"
    for text in (
        "Mensal (R$\xa029,90)",
        "Adicional: Pack (R$\xa09,90)",
        "Total: R$\xa039,80",
        f"de {clock.now():%d/%m/%Y} até {clock.now() + timedelta(days=30):%d/%m/%Y}",
    ):
        assert text in receipt.text_body, text
    token = token_of(receipt.text_body, "/set-password")
    session = client.simulate_post(
        "/api/auth/set-password", json={"token": token, "password": "my-password-1"}
    )
    assert session.status_code == 200
    # Paying again sends nothing more.
    client.simulate_post(
        f"/api/admin/sandbox/checkouts/{created['id']}/pay", headers=actors.admin()
    )
    assert len(mailbox.messages("ana@example.com", t.RECEIPT)) == 1


def test_a_member_paying_gets_a_receipt_without_a_password_link(client, deps, actors, mailbox):
    plan, _ = add_catalogue(deps)
    headers = bearer(register(client, "ana@example.com")["token"])
    pay(client, actors, start(client, checkout_body(plan.id), headers))
    receipt = mailbox.last("ana@example.com", t.RECEIPT)
    assert "/set-password" not in receipt.text_body


# -- renewal reminders ----------------------------------------------------------------
def _ending_subscription(deps, email: str, ends_at) -> int:
    plan, _ = add_catalogue(deps)
    with deps.uow() as uow:
        user = uow.users.get_by_email(email)
        uow.checkouts.add(
            __import__("domain.payments.checkout", fromlist=["Checkout"]).Checkout(
                id=None,
                plan_id=plan.id,
                total_amount=plan.price,
                user_id=user.id,
                status="paid",
                customer_name="Ana Souza",
                customer_email=email,
                customer_document="52998224725",
                customer_phone="11987654321",
                created_at=ends_at - timedelta(days=30),
                updated_at=ends_at - timedelta(days=30),
            )
        )
        uow.subscriptions.add(
            Subscription(
                id=None,
                user_id=user.id,
                plan_id=plan.id,
                external_id="tx-1",
                start_date=ends_at - timedelta(days=30),
                end_date=ends_at,
                status="active",
                created_at=ends_at - timedelta(days=30),
            )
        )
        uow.commit()
    return plan.id


@pytest.mark.smoke
def test_creatorflix_jobs_twice_sends_the_renewal_reminder_once(
    client, deps, backend, clock, tmp_path, monkeypatch
):
    register(client, "ana@example.com")
    outbox = tmp_path / "outbox"
    if backend.is_pony:
        # The real command, as cron runs it: its own process state, the system clock.
        plan_id = _ending_subscription(deps, "ana@example.com", utcnow() + timedelta(days=2))
        for name, value in (
            ("CREATORFLIX_DATABASE_URL", backend.url),
            ("CREATORFLIX_SECRET_KEY", deps.config.secret_key),
            ("CREATORFLIX_MAIL_URL", f"file://{outbox}"),
            ("CREATORFLIX_PUBLIC_URL", deps.config.public_url),
        ):
            monkeypatch.setenv(name, value)
        assert cli.main(["jobs"]) == 0
        assert cli.main(["jobs"]) == 0
        files = sorted(outbox.glob(f"*-{t.RENEWAL_REMINDER}.eml"))
        assert len(files) == 1
        text = read_eml(files[0]).get_body(("plain",)).get_content()
    else:
        plan_id = _ending_subscription(deps, "ana@example.com", clock.now() + timedelta(days=2))
        for _ in range(2):
            for _, job, _ in PERIODIC_JOBS:
                job(deps)
        [mail] = deps.mailer.to("ana@example.com", t.RENEWAL_REMINDER)
        text = mail.text_body
    assert "Sua assinatura do plano Mensal termina em" in text
    token = token_of(text, "/checkout", "renovacao")
    assert f"plano={plan_id}" in text
    prefill = client.simulate_post("/api/renewals/prefill", json={"token": token})
    assert prefill.status_code == 200
    assert prefill.json == {
        "plan_id": plan_id,
        "customer": {
            "name": "Ana Souza",
            "email": "ana@example.com",
            "document": "52998224725",
            "phone": "11987654321",
        },
    }


def test_an_expiry_notice_goes_once_and_not_to_a_member_who_renewed(client, deps, clock):
    register(client, "ana@example.com")
    register(client, "bia@example.com")
    _ending_subscription(deps, "ana@example.com", clock.now() + timedelta(days=1))
    _ending_subscription(deps, "bia@example.com", clock.now() + timedelta(days=1))
    with deps.uow() as uow:  # bia already bought the next period
        bia = uow.users.get_by_email("bia@example.com")
        uow.subscriptions.add(
            Subscription(
                id=None,
                user_id=bia.id,
                plan_id=None,
                external_id="tx-2",
                start_date=clock.now() + timedelta(days=1),
                end_date=clock.now() + timedelta(days=31),
                status="active",
            )
        )
        uow.commit()
    clock.advance(days=2)
    for _ in range(2):
        for _, job, _ in PERIODIC_JOBS:
            job(deps)
    # `jobs` delivered them too, through the app's mailer.
    assert len(deps.mailer.to("ana@example.com", t.EXPIRY_NOTICE)) == 1
    assert deps.mailer.to("bia@example.com", t.EXPIRY_NOTICE) == []
    assert deps.mailer.to("bia@example.com", t.RENEWAL_REMINDER) == []


# -- self-service lists, LGPD -----------------------------------------------------------
@pytest.mark.smoke
def test_the_export_holds_the_callers_data_only(client, deps, actors):
    plan, _ = add_catalogue(deps)
    ana = bearer(register(client, "ana@example.com")["token"])
    bia = bearer(register(client, "bia@example.com", name="Bia Lima")["token"])
    mine = start(client, checkout_body(plan.id), ana)
    start(
        client,
        checkout_body(
            plan.id,
            customer=customer(name="Bia Lima", email="bia@example.com", phone="(21) 91234-5678"),
        ),
        bia,
    )
    pay(client, actors, mine)
    exported = client.simulate_get("/api/me/export", headers=ana)
    assert exported.status_code == 200
    data = exported.json
    assert data["account"]["email"] == "ana@example.com" and "password" not in data["account"]
    assert [c["id"] for c in data["checkouts"]] == [mine["id"]]
    assert data["checkouts"][0]["customer_document"] == "52998224725"
    assert len(data["subscriptions"]) == 1
    assert {m["kind"] for m in data["mails"]} >= {t.VERIFY_EMAIL, t.PIX_CREATED, t.RECEIPT}
    text = exported.text
    assert "bia@example.com" not in text and "Bia Lima" not in text and "91234" not in text
    own = client.simulate_get("/api/me/checkouts", headers=ana).json
    assert [c["id"] for c in own["data"]] == [mine["id"]] and own["total"] == 1
    subs = client.simulate_get("/api/me/subscriptions", headers=ana).json
    assert subs["total"] == 1 and subs["data"][0]["status"] == "active"
    assert client.simulate_get("/api/me/subscriptions", headers=bia).json["total"] == 0


@pytest.mark.smoke
def test_after_deleting_the_account_login_fails_and_revenue_is_unchanged(client, deps, actors):
    plan, _ = add_catalogue(deps)
    admin = actors.admin()
    headers = bearer(register(client, "ana@example.com")["token"])
    created = start(client, checkout_body(plan.id), headers)
    pay(client, actors, created)
    before = client.simulate_get("/api/admin/dashboard", headers=admin).json
    assert before["revenue"] == 2990

    assert_error(
        client.simulate_delete("/api/me", headers=headers, json={"password": "wrong-password"}),
        400,
        "invalid",
        "password",
    )
    assert (
        client.simulate_delete("/api/me", headers=headers, json={"password": PASSWORD}).status_code
        == 204
    )
    assert (
        client.simulate_post(
            "/api/auth/login", json={"email": "ana@example.com", "password": PASSWORD}
        ).status_code
        == 401
    )
    assert client.simulate_get("/api/me", headers=headers).status_code == 401
    after = client.simulate_get("/api/admin/dashboard", headers=admin).json
    assert (after["revenue"], after["series"]) == (before["revenue"], before["series"])
    checkout = client.simulate_get(f"/api/admin/checkouts/{created['id']}", headers=admin).json
    assert (checkout["total_amount"], checkout["status"]) == (2990, "paid")
    assert checkout["customer_name"] is None and checkout["customer_document"] is None
    assert checkout["customer_phone"] is None and "ana" not in checkout["customer_email"]
    users = client.simulate_get("/api/admin/users", headers=admin).json["data"]
    assert not any("ana" in u["email"] for u in users)
    assert any(u["anonymised_at"] for u in users)
    # A password reset cannot bring it back.
    client.simulate_post("/api/auth/password-reset", json={"email": "ana@example.com"})
    assert Mailbox(deps).messages("ana@example.com", t.PASSWORD_RESET) == []


def test_an_admin_anonymises_a_user_for_a_request_received_elsewhere(client, actors):
    headers = bearer(register(client, "ana@example.com")["token"])
    user_id = client.simulate_get("/api/me", headers=headers).json["user"]["id"]
    assert (
        client.simulate_post(f"/api/admin/users/{user_id}/anonymise", headers=headers).status_code
        == 403
    )
    done = client.simulate_post(f"/api/admin/users/{user_id}/anonymise", headers=actors.admin())
    assert done.status_code == 200 and done.json["user"]["anonymised_at"]
    assert done.json["user"]["name"] is None
    assert client.simulate_get("/api/me", headers=headers).status_code == 401
    assert (
        client.simulate_post("/api/admin/users/99999/anonymise", headers=actors.admin()).status_code
        == 404
    )
    admin = actors.admin("boss@example.com")
    admin_id = client.simulate_get("/api/me", headers=admin).json["user"]["id"]
    assert_error(
        client.simulate_post(f"/api/admin/users/{admin_id}/anonymise", headers=admin),
        409,
        "conflict",
    )


# -- withdrawal ----------------------------------------------------------------------------
def test_withdrawal_within_7_days_and_the_admin_refund_ends_the_grant(
    client, deps, actors, clock, mailbox
):
    plan, _ = add_catalogue(deps)
    admin = actors.admin()
    headers = bearer(register(client, "ana@example.com")["token"])
    first = start(client, checkout_body(plan.id), headers)
    pay(client, actors, first)
    other = bearer(register(client, "bia@example.com")["token"])
    assert (
        client.simulate_post(
            f"/api/me/checkouts/{first['id']}/withdrawal", headers=other
        ).status_code
        == 404
    )
    asked = client.simulate_post(
        f"/api/me/checkouts/{first['id']}/withdrawal",
        headers=headers,
        json={"reason": "não gostei"},
    )
    assert asked.status_code == 201 and asked.json["status"] == "requested"
    assert (
        client.simulate_post(
            f"/api/me/checkouts/{first['id']}/withdrawal", headers=headers
        ).status_code
        == 409
    )
    assert mailbox.last("ana@example.com", t.WITHDRAWAL_RECEIVED)
    listed = client.simulate_get(
        "/api/admin/withdrawals", headers=admin, params={"status": "requested"}
    ).json
    assert [w["checkout_id"] for w in listed["data"]] == [first["id"]]
    # The panel names who asked and for how much (issue 23: not "user #2").
    assert (
        listed["data"][0]["customer_name"],
        listed["data"][0]["customer_email"],
        listed["data"][0]["amount"],
    ) == ("Ana Souza", "ana@example.com", first["total_amount"])
    refunded = client.simulate_post(
        f"/api/admin/withdrawals/{asked.json['id']}/refund", headers=admin
    )
    assert refunded.status_code == 200 and refunded.json["status"] == "refunded"
    assert [s.status for s in subscriptions_of(deps, "ana@example.com")] == ["canceled"]
    assert poll(client, first).json["status"] == "refunded"
    assert (
        client.simulate_post(
            f"/api/admin/withdrawals/{asked.json['id']}/refund", headers=admin
        ).status_code
        == 409
    )
    # Past 7 days, no more.
    second = start(client, checkout_body(plan.id), headers)
    pay(client, actors, second)
    clock.advance(days=8)
    headers = login(client, "ana@example.com", PASSWORD)  # a week later: a new session
    late = client.simulate_post(f"/api/me/checkouts/{second['id']}/withdrawal", headers=headers)
    assert_error(late, 409, "conflict")

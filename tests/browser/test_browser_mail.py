""" "Esqueci minha senha" end to end in chromium: the login page's link, the request, the
mail read from the outbox folder (the embedded default's .eml files), its link, the new
password, the member area; the old password and the old session stop working."""

from __future__ import annotations

from pathlib import Path
from uuid import uuid4

from playwright.sync_api import expect

from adapters.mail import folder_of_mail_url
from domain.mail.delivery import deliver_all
from tests.support.mailbox import read_eml, token_of


def reset_mail_to(outbox: Path, email: str):
    for path in sorted(outbox.glob("*-password_reset.eml"), reverse=True):
        message = read_eml(path)
        if message["To"] == email:
            return message
    raise AssertionError(f"no password reset mail to {email} in {outbox}")


def test_forgot_my_password_end_to_end_through_the_mail(tab):
    page, live = tab.page, tab.live
    email = f"member-{uuid4().hex[:8]}@example.com"
    old = live.api(
        "POST",
        "/api/auth/register",
        expect=201,
        json={"email": email, "password": "old-password-1", "name": "Carla Membro"},
    )

    tab.goto("/entrar")
    page.get_by_role("link", name="Esqueci minha senha").click()
    page.wait_for_url("**/esqueci-senha")
    tab.settle()
    page.fill('[name="email"]', email)
    page.get_by_role("button", name="Enviar link").click()
    expect(page.get_by_role("heading", name="Verifique seu e-mail")).to_be_visible()
    tab.shot("forgot-password-sent-phone")

    # What `make run`'s delivery thread does every couple of seconds, done here at once.
    deliver_all(live.deps.uow, live.deps.mailer, live.deps.clock)
    mail = reset_mail_to(folder_of_mail_url(live.deps.config.mail_url), email)
    assert mail["Subject"] == "Redefinição de senha"
    text = mail.get_body(("plain",)).get_content()
    assert "1 hora" in text
    link = next(word for word in text.split() if "/redefinir-senha?token=" in word)
    assert link.startswith(live.url) and token_of(link, "/redefinir-senha")

    page.goto(link)
    tab.settle()
    assert "token" not in page.url  # taken out of the address bar at once
    page.fill('[name="password"]', "new-password-2")
    page.get_by_role("button", name="Salvar nova senha").click()
    page.wait_for_url("**/minha-conta")
    expect(page.get_by_role("heading", name="Olá, Carla Membro!")).to_be_visible()
    tab.shot("reset-password-done-phone")

    assert (
        live.api(
            "POST",
            "/api/auth/login",
            expect=401,
            json={"email": email, "password": "old-password-1"},
        )
        is not None
    )
    live.api("POST", "/api/auth/login", json={"email": email, "password": "new-password-2"})
    live.api("GET", "/api/me", token=old["token"], expect=401)
    # The link is single-use.
    tab.console.allow(400)
    page.goto(link)
    tab.settle()
    page.fill('[name="password"]', "third-password-3")
    page.get_by_role("button", name="Salvar nova senha").click()
    expect(page.locator(".form-alert")).to_contain_text("expirou ou já foi usado")


def test_the_member_pages_show_purchases_and_change_the_password(tab):
    page, live = tab.page, tab.live
    email = f"member-{uuid4().hex[:8]}@example.com"
    session = live.api(
        "POST",
        "/api/auth/register",
        expect=201,
        json={"email": email, "password": "old-password-1", "name": "Dora"},
    )
    tab.log_in_as(session["token"], session["user"])
    tab.goto("/minha-conta")
    page.get_by_role("link", name="Minhas compras").click()
    page.wait_for_url("**/minha-conta/compras")
    tab.settle()
    expect(page.get_by_role("heading", name="Minhas compras")).to_be_visible()
    expect(page.get_by_text("Você ainda não fez nenhum pedido.")).to_be_visible()
    tab.shot("member-purchases-phone")

    page.get_by_role("link", name="Meus dados").click()
    page.wait_for_url("**/minha-conta/dados")
    tab.settle()
    expect(page.get_by_text("E-mail não confirmado")).to_be_visible()
    tab.console.allow(400)  # the wrong current password, shown next to its field
    form = page.locator("form", has=page.locator('[name="current_password"]'))
    form.locator('[name="current_password"]').fill("not-my-password")
    form.locator('[name="password"]').fill("new-password-2")
    form.get_by_role("button", name="Trocar senha").click()
    expect(form.locator(".field-error")).to_be_visible()
    form.locator('[name="current_password"]').fill("old-password-1")
    form.locator('[name="password"]').fill("new-password-2")
    form.get_by_role("button", name="Trocar senha").click()
    expect(form.locator(".form-alert")).to_contain_text("Senha alterada")
    tab.shot("member-settings-phone")
    live.api("POST", "/api/auth/login", json={"email": email, "password": "new-password-2"})


def test_the_verification_mail_confirms_the_email_with_a_click(tab):
    page, live = tab.page, tab.live
    email = f"member-{uuid4().hex[:8]}@example.com"
    live.api(
        "POST",
        "/api/auth/register",
        expect=201,
        json={"email": email, "password": "old-password-1"},
    )
    deliver_all(live.deps.uow, live.deps.mailer, live.deps.clock)
    outbox = folder_of_mail_url(live.deps.config.mail_url)
    [mail] = [read_eml(p) for p in outbox.glob("*-verify_email.eml") if read_eml(p)["To"] == email]
    text = mail.get_body(("plain",)).get_content()
    link = next(word for word in text.split() if "/verificar-email?token=" in word)
    page.goto(link)
    tab.settle()
    assert "token" not in page.url
    page.get_by_role("button", name="Confirmar").click()
    expect(page.locator(".alert-success")).to_contain_text(f"O e-mail {email} está confirmado")
    users = live.admin("GET", f"/api/admin/users?email={email}")["data"]
    assert users[0]["email_verified_at"]


def test_an_admin_marks_a_withdrawal_refunded_from_the_panel(open_tab, live):
    from tests.support.payments import VALID_CPF

    email = f"member-{uuid4().hex[:8]}@example.com"
    member = live.api(
        "POST",
        "/api/auth/register",
        expect=201,
        json={"email": email, "password": "old-password-1"},
    )
    created = live.api(
        "POST",
        "/api/checkouts",
        token=member["token"],
        expect=201,
        json={
            "plan_id": 2,
            "payment_method": "pix",
            "customer": {
                "name": "Eva Membro",
                "email": email,
                "document": VALID_CPF,
                "phone": "(11) 98765-4321",
            },
        },
    )
    live.admin("POST", f"/api/admin/sandbox/checkouts/{created['id']}/pay")
    live.api(
        "POST",
        f"/api/me/checkouts/{created['id']}/withdrawal",
        token=member["token"],
        json={"reason": "mudei de ideia"},
        expect=201,
    )

    tab = open_tab("desktop")
    admin = live.api(
        "POST",
        "/api/auth/login",
        json={"email": "admin@creatorflix.test", "password": "admin-password-1"},
    )
    tab.log_in_as(admin["token"], admin["user"])
    tab.goto("/admin/reembolsos")
    row = tab.page.locator("tr", has_text=f"nº {created['id']}")
    expect(row).to_contain_text("mudei de ideia")
    tab.page.once("dialog", lambda dialog: dialog.accept())
    row.get_by_role("button", name="Marcar reembolsado").click()
    expect(tab.page.get_by_text("Nenhum pedido de reembolso.")).to_be_visible()
    tab.shot("admin-withdrawals-desktop")
    assert live.admin("GET", f"/api/admin/checkouts/{created['id']}")["status"] == "refunded"


def test_the_pix_mail_links_back_to_the_checkout_with_its_code(tab):
    from tests.support.payments import VALID_CPF

    page, live = tab.page, tab.live
    email = f"buyer-{uuid4().hex[:8]}@example.com"
    created = live.api(
        "POST",
        "/api/checkouts",
        expect=201,
        json={
            "plan_id": 2,
            "payment_method": "pix",
            "customer": {
                "name": "Fabi Compradora",
                "email": email,
                "document": VALID_CPF,
                "phone": "(11) 98765-4321",
            },
        },
    )
    deliver_all(live.deps.uow, live.deps.mailer, live.deps.clock)
    outbox = folder_of_mail_url(live.deps.config.mail_url)
    [mail] = [read_eml(p) for p in outbox.glob("*-pix_created.eml") if read_eml(p)["To"] == email]
    assert any(part.get_content_type() == "image/png" for part in mail.walk())
    text = mail.get_body(("plain",)).get_content()
    link = next(word for word in text.split() if "/checkout?pedido=" in word)
    page.goto(link)
    tab.settle()
    assert "acesso" not in page.url
    expect(page.locator(".pix-code")).to_have_value(created["payment"]["copy_paste"])
    tab.shot("checkout-from-pix-mail-phone")

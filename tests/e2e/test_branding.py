"""The brand (issue 23): admins set it, every page's shell, social preview tags and the
next mail carry it; bad values are named; nothing is suggested that nothing reads."""

from __future__ import annotations

from email import message_from_bytes
from email.utils import parseaddr

import pytest

from domain.mail import messages as t
from tests.support.api import assert_error
from tests.support.mailbox import Mailbox
from tests.support.media_files import fetch, image_bytes, upload

BRAND = {
    "site_name": "Estrelas & Cia",
    "logo_url": "",
    "primary_color": "#12AB34",
    "support_email": "Ajuda@Example.com",
}


def test_the_default_brand(client):
    found = client.simulate_get("/api/branding")
    assert found.status_code == 200
    assert found.json == {
        "site_name": "CreatorFlix",
        "logo_url": "",
        "primary_color": "#e11d48",
        "support_email": "",
        "logo_src": None,
    }
    page = client.simulate_get("/").text
    assert "<title>CreatorFlix</title>" in page
    assert '<meta property="og:image" content="http://127.0.0.1:8000/static/img/icon.svg">' in page
    assert_error(client.simulate_get("/branding/logo"), 404, "not_found")


@pytest.mark.smoke
def test_an_admin_sets_the_brand_and_every_page_carries_it(client, actors):
    admin = actors.admin()
    logo = upload(client, admin, image_bytes("PNG", (300, 120))).json
    saved = client.simulate_put(
        "/api/admin/branding", headers=admin, json={**BRAND, "logo_url": logo["url"]}
    )
    assert saved.status_code == 200, saved.text
    assert saved.json == {
        **BRAND,
        "primary_color": "#12ab34",
        "support_email": "ajuda@example.com",
        "logo_url": logo["url"],
        "logo_src": "/branding/logo",
    }
    assert client.simulate_get("/api/branding").json == saved.json
    for path in ("/", "/planos", "/admin/marca"):
        page = client.simulate_get(path).text
        assert "<title>Estrelas &amp; Cia</title>" in page
        assert '<meta property="og:title" content="Estrelas &amp; Cia">' in page
        assert '<meta property="og:image" content="http://127.0.0.1:8000/branding/logo">' in page
        assert '<meta name="theme-color" content="#12ab34">' in page
    # The logo is public (crawlers of social networks have no age assurance).
    served = client.simulate_get("/branding/logo")
    assert served.status_code == 200 and served.headers["content-type"] == "image/png"
    assert served.content == fetch(client, logo["signed_url"]).content


@pytest.mark.parametrize(
    "field,value",
    [
        ("primary_color", "red"),
        ("primary_color", "#12345"),
        ("primary_color", "#12345g"),
        ("site_name", ""),
        ("site_name", "x" * 61),
        ("support_email", "not-an-email"),
        ("logo_url", "javascript:alert(1)"),
    ],
)
def test_bad_values_are_named(client, actors, field, value):
    assert_error(
        client.simulate_put(
            "/api/admin/branding", headers=actors.admin(), json={**BRAND, field: value}
        ),
        400,
        "invalid",
        field,
    )


def test_only_admins_change_the_brand(client, actors):
    assert_error(client.simulate_put("/api/admin/branding", json=BRAND), 401, "unauthenticated")
    assert_error(
        client.simulate_put("/api/admin/branding", json=BRAND, headers=actors.user()),
        403,
        "forbidden",
    )


def test_the_next_mail_carries_the_brand(client, actors, deps, tmp_path):
    mailbox = Mailbox(deps)
    client.simulate_post(
        "/api/auth/register", json={"email": "ana@example.com", "password": "user-password"}
    )
    before = mailbox.last("ana@example.com", t.VERIFY_EMAIL)
    assert "CreatorFlix" in before.html_body
    client.simulate_put("/api/admin/branding", headers=actors.admin(), json=BRAND)
    client.simulate_post("/api/auth/password-reset", json={"email": "ana@example.com"})
    mail = mailbox.last("ana@example.com", t.PASSWORD_RESET)
    assert mailbox.mailer.sender_names[-1] == "Estrelas & Cia"
    assert "CreatorFlix" not in mail.html_body + mail.text_body
    assert "Estrelas &amp; Cia" in mail.html_body and "#12ab34" in mail.html_body
    assert "ajuda@example.com" in mail.text_body and "ajuda@example.com" in mail.html_body


def test_the_file_mailer_writes_the_brand_as_the_sender_name(tmp_path):
    from adapters.mail.folder import FolderMailer
    from domain.mail.messages import OutboxMessage

    mailer = FolderMailer(tmp_path, "CreatorFlix <nao-responda@example.com>")
    message = OutboxMessage(
        id=1,
        kind="x",
        recipient="ana@example.com",
        subject="Oi",
        text_body="corpo",
        html_body="<p>corpo</p>",
    )
    mailer.send(message, sender_name="Estrelas & Cia")
    [written] = tmp_path.glob("*.eml")
    assert parseaddr(message_from_bytes(written.read_bytes())["From"]) == (
        "Estrelas & Cia",
        "nao-responda@example.com",
    )

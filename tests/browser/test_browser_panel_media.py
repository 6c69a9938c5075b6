"""The panel runs the catalogue with uploaded media (issue 23): an admin creates a creator
with uploaded images (the card previewed live) and posts an uploaded photo and video
at once; a subscriber then sees them. A brand change reaches the storefront and the
next mail."""

from __future__ import annotations

from email.utils import parseaddr
from uuid import uuid4

from playwright.sync_api import expect

from adapters.mail import folder_of_mail_url
from domain.mail.delivery import deliver_all
from tests.support.mailbox import read_eml
from tests.support.media_files import image_bytes, video_file

DEFAULT_BRAND = {
    "site_name": "CreatorFlix",
    "logo_url": "",
    "primary_color": "#e11d48",
    "support_email": "",
}


def test_a_creator_with_uploaded_images_and_posts_a_subscriber_sees(admin_tab, open_tab, tmp_path):
    page, live = admin_tab.page, admin_tab.live
    icon = tmp_path / "icone.png"
    icon.write_bytes(image_bytes("PNG", (600, 600), (30, 160, 90)))
    banner = tmp_path / "banner.jpg"
    banner.write_bytes(image_bytes("JPEG", (1200, 400), (90, 30, 160)))
    photo = tmp_path / "praia.jpg"
    photo.write_bytes(image_bytes("JPEG", (1024, 768), (200, 120, 40)))
    video = video_file(tmp_path / "bastidores.mp4")
    name = f"Íris {uuid4().hex[:6]}"

    admin_tab.goto("/admin/criadoras")
    page.get_by_role("button", name="Nova criadora").click()
    page.fill('[name="name"]', name)
    page.fill('[name="category"]', "Fitness")
    page.select_option('[name="status"]', "active")
    page.check('[name="is_featured"]')
    page.set_input_files('[data-upload-for="icon_url"]', str(icon))
    expect(page.locator('[name="icon_url"]')).to_have_value(_starts(live.url + "/media/uploads/"))
    page.set_input_files('[data-upload-for="banner_url"]', str(banner))
    expect(page.locator('[name="banner_url"]')).to_have_value(_starts(live.url + "/media/uploads/"))
    preview = page.locator(".card-preview .model-card")
    expect(preview).to_contain_text(name)
    expect(preview.locator("img")).to_have_attribute("src", _starts(live.url + "/media/uploads/"))
    assert page.evaluate(
        "(img) => img.complete && img.naturalWidth > 0", preview.locator("img").element_handle()
    )
    admin_tab.shot("admin-creator-form-desktop")
    page.get_by_role("button", name="Criar").click()
    expect(page.locator(".alert-success")).to_contain_text(name)
    row = page.get_by_role("row", name=name)
    row.get_by_role("link", name="Posts").click()
    page.wait_for_url("**/admin/criadoras/*/posts")
    admin_tab.settle()
    page.set_input_files("#post-files", [str(photo), str(video)])
    expect(page.locator(".upload-done")).to_have_count(2, timeout=30_000)
    expect(page.locator(".alert-success")).to_contain_text("2 de 2")
    expect(page.locator(".upload-item").filter(has_text="praia")).to_contain_text("Foto")
    expect(page.locator(".upload-item").filter(has_text="bastidores")).to_contain_text("Vídeo")
    expect(page.get_by_role("cell", name="Vídeo")).to_be_visible()
    admin_tab.shot("admin-creator-posts-desktop")

    [creator] = [
        c for c in live.admin("GET", "/api/admin/models?limit=100")["data"] if c["name"] == name
    ]
    # A subscriber sees the creator on the storefront and its two posts.
    email = f"assinante-{uuid4().hex[:8]}@example.com"
    member = live.api(
        "POST",
        "/api/auth/register",
        expect=201,
        json={"email": email, "password": "member-password-1"},
    )
    plans = live.api("GET", "/api/plans")["data"]
    live.admin(
        "POST",
        f"/api/admin/users/{member['user']['id']}/subscriptions",
        json={"plan_id": plans[0]["id"]},
        expect=201,
    )
    tab = open_tab("desktop")
    tab.log_in_as(member["token"], member["user"])
    tab.goto(f"/modelos/{creator['id']}")
    opened = tab.page.locator(".post-open")
    expect(opened).to_have_count(2)
    image = opened.locator("img").first
    expect(image).to_be_visible()
    assert tab.page.evaluate(
        "(img) => img.complete && img.naturalWidth > 0", image.element_handle()
    )
    tab.page.get_by_role("button", name="Abrir bastidores").click()
    clip = tab.page.locator("video.post-media").first
    expect(clip).to_have_attribute("src", _starts(live.url + "/media/uploads/"))
    # The signed link plays: the browser reads the video's metadata from it.
    clip.evaluate("(v) => { v.preload = 'metadata'; v.load(); }")
    tab.page.wait_for_function(
        "(v) => v.readyState >= 1 && v.videoWidth === 640", arg=clip.element_handle()
    )
    tab.shot("creator-uploaded-posts-desktop")


def _starts(prefix: str):
    import re

    return re.compile("^" + re.escape(prefix))


def test_a_brand_change_is_seen_on_the_storefront_and_in_the_next_mail(
    admin_tab, open_tab, tmp_path
):
    page, live = admin_tab.page, admin_tab.live
    logo = tmp_path / "logo.png"
    logo.write_bytes(image_bytes("PNG", (240, 80), (250, 200, 0)))
    try:
        admin_tab.goto("/admin/marca")
        page.fill('[name="site_name"]', "Estrelas Premium")
        page.fill('[name="primary_color"]', "blue")
        page.set_input_files('[data-upload-for="logo_url"]', str(logo))
        expect(page.locator('[name="logo_url"]')).to_have_value(_starts(live.url + "/media/"))
        page.fill('[name="support_email"]', "ajuda@estrelas.test")
        page.get_by_role("button", name="Salvar marca").click()
        expect(page.locator('[name="primary_color"] ~ .field-error')).to_have_text(
            "Use o formato #rrggbb."
        )
        page.fill('[name="primary_color"]', "#2255CC")
        page.get_by_role("button", name="Salvar marca").click()
        expect(page.locator(".alert-success")).to_contain_text("Marca salva")

        visitor = open_tab("phone")
        visitor.goto("/planos")
        vpage = visitor.page
        assert vpage.title().endswith("Estrelas Premium")
        expect(vpage.locator("#site-header .brand")).to_contain_text("Estrelas Premium")
        expect(vpage.locator("#site-header img.brand-logo")).to_be_visible()
        expect(vpage.locator("#site-footer")).to_contain_text("ajuda@estrelas.test")
        assert (
            vpage.evaluate(
                "getComputedStyle(document.documentElement).getPropertyValue('--accent').trim()"
            )
            == "#2255cc"
        )
        assert (
            vpage.locator('meta[property="og:title"]').get_attribute("content")
            == "Estrelas Premium"
        )
        assert (
            vpage.locator('meta[property="og:image"]').get_attribute("content")
            == live.url + "/branding/logo"
        )
        visitor.shot("brand-storefront-phone")

        email = f"marca-{uuid4().hex[:8]}@example.com"
        live.api(
            "POST",
            "/api/auth/register",
            expect=201,
            json={"email": email, "password": "member-password-1"},
        )
        deliver_all(live.deps.uow, live.deps.mailer, live.deps.clock)
        outbox = folder_of_mail_url(live.deps.config.mail_url)
        [mail] = [read_eml(p) for p in outbox.glob("*.eml") if read_eml(p)["To"] == email]
        assert parseaddr(mail["From"])[0] == "Estrelas Premium"
        html = mail.get_body(("html",)).get_content()
        assert "Estrelas Premium" in html and "CreatorFlix" not in html
        assert "ajuda@estrelas.test" in mail.get_body(("plain",)).get_content()
    finally:
        live.admin("PUT", "/api/admin/branding", json=DEFAULT_BRAND)


def test_ads_and_order_bumps_take_an_uploaded_image(admin_tab, tmp_path):
    page, live = admin_tab.page, admin_tab.live
    picture = tmp_path / "oferta.webp"
    picture.write_bytes(image_bytes("WEBP", (800, 450), (10, 120, 220)))
    admin_tab.goto("/admin/anuncios/novo")
    page.set_input_files('[data-upload-for="image_url"]', str(picture))
    expect(page.locator('[name="image_url"]')).to_have_value(_starts(live.url + "/media/uploads/"))
    page.fill('[name="title"]', "Oferta")
    shown = page.locator(".preview-slot img.ad-image")
    expect(shown).to_have_attribute("src", _starts(live.url + "/media/uploads/"))
    assert "sig=" in shown.get_attribute("src")
    page.wait_for_function(
        "(img) => img.complete && img.naturalWidth === 800", arg=shown.element_handle()
    )

    name = f"Pacote {uuid4().hex[:6]}"
    admin_tab.goto("/admin/order-bumps")
    page.get_by_role("button", name="Novo order bump").click()
    page.fill('[name="name"]', name)
    page.fill('[name="price"]', "9,90")
    page.set_input_files('[data-upload-for="image_url"]', str(picture))
    expect(page.locator('[name="image_url"]')).to_have_value(_starts(live.url + "/media/uploads/"))
    page.get_by_role("button", name="Criar").click()
    expect(page.get_by_role("cell", name=name)).to_be_visible()
    [bump] = [b for b in live.api("GET", "/api/order-bumps?limit=100")["data"] if b["name"] == name]
    assert "sig=" in bump["image_url"]  # the storefront gets a viewable link
    live.admin("DELETE", f"/api/admin/order-bumps/{bump['id']}", expect=204)

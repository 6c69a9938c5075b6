"""The mail templates (adapters/mail/templates): pt-BR money and dates in the configured
time zone, escaping in the HTML body only, every kind renders with the values its
composer gives, and the outbox renders what the domain composed."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from adapters.mail.rendering import JinjaMailRenderer, money
from adapters.memory.unit_of_work import MemoryStore, MemoryUnitOfWork
from domain.mail import compose
from domain.mail import messages as m
from domain.mail.messages import retry_delay

NOW = datetime(2026, 3, 1, 14, 30)  # naive UTC, as stored
RENDERER = JinjaMailRenderer()


def rendered(mail: m.Mail) -> m.OutboxMessage:
    return compose.outbox_message(mail, RENDERER)


def every_kind() -> list[m.Mail]:
    return [
        compose.password_reset("a@x.com", None, "http://l", NOW, 1),
        compose.verify_email("a@x.com", "Ana", "http://l", NOW, 1),
        compose.change_email("b@x.com", "Ana", "http://l", NOW, 1),
        compose.pix_created(
            "a@x.com", "Ana", "Mensal", 2990, "000201PIX", NOW, "http://l", NOW, 1, 7
        ),
        compose.receipt(
            "a@x.com", "Ana", 7, "Mensal", 2990, [("Pack", 990)], 3980, NOW, NOW, "http://s", NOW, 1
        ),
        compose.renewal_reminder("a@x.com", "Ana", "Mensal", NOW, "http://l", NOW, 1, 3),
        compose.expiry_notice("a@x.com", "Ana", "Mensal", NOW, "http://l", NOW, 1, 3),
        compose.withdrawal_received("a@x.com", "Ana", 7, 2990, NOW, 1),
        compose.age_document_decided("a@x.com", "Ana", True, "http://l", NOW, 1, 9),
        compose.renewal_paid(
            "a@x.com", "Ana", "Mensal", 2990, "no cartão VISA final 1111", NOW, NOW, 1, 4
        ),
        compose.renewal_past_due(
            "a@x.com",
            "Ana",
            "Mensal",
            2990,
            "no cartão VISA final 1111",
            NOW,
            "http://l",
            True,
            NOW,
            1,
            4,
        ),
        compose.renewal_cancelled("a@x.com", "Ana", "Mensal", NOW, NOW, 1, 3),
    ]


def test_money_is_babels_pt_br_real():
    assert money(2990) == "R$\xa029,90" and money(123456789) == "R$\xa01.234.567,89"
    assert money(5) == "R$\xa00,05" and money(-5) == "-R$\xa00,05" and money(0) == "R$\xa00,00"


def test_times_are_shown_in_sao_paulo_time_and_dates_are_local_days():
    assert RENDERER.moment(NOW) == "01/03/2026 11:30 (Horário de Brasília)"
    # 01:00 UTC on the 2nd is still the 1st in São Paulo.
    assert RENDERER.day(datetime(2026, 3, 2, 1, 0)) == "01/03/2026"
    assert RENDERER.moment(None) == "—" and RENDERER.day(None) == "—"
    lisbon = JinjaMailRenderer("Europe/Lisbon")
    assert lisbon.moment(datetime(2026, 7, 1, 14, 30)).startswith("01/07/2026 15:30 (")


def test_a_pix_mail_shows_its_expiry_in_local_time():
    mail = rendered(
        compose.pix_created(
            "a@x.com",
            "Ana",
            "Mensal",
            2990,
            "000201PIX",
            datetime(2026, 3, 2, 2, 15),
            "http://l",
            NOW,
            1,
            7,
        )
    )
    assert "O código vale até 01/03/2026 23:15 (Horário de Brasília)." in mail.text_body
    assert "R$\xa029,90" in mail.text_body and "R$\xa029,90" in mail.html_body
    assert "(UTC)" not in mail.text_body


def test_back_off():
    assert [retry_delay(n).total_seconds() for n in (1, 2, 3)] == [30, 60, 120]
    assert retry_delay(50) == timedelta(hours=2)


def test_values_are_escaped_in_the_html_body_only():
    mail = rendered(
        compose.password_reset("a@example.com", "<b>Ana</b> & Cia", "http://x/?a=1&b=2", NOW, 1)
    )
    assert "Olá, <b>Ana</b>!" in mail.text_body
    assert "&lt;b&gt;Ana&lt;/b&gt;" in mail.html_body and "<b>Ana</b>" not in mail.html_body
    assert 'href="http://x/?a=1&amp;b=2"' in mail.html_body
    assert mail.html_body.startswith("<!doctype html>") and 'lang="pt-BR"' in mail.html_body


def test_a_script_in_a_name_or_plan_is_escaped_in_the_html():
    script = "<script>alert(1)</script>"
    mail = rendered(
        compose.receipt(
            "a@x.com",
            script,
            7,
            script,
            2990,
            [(script, 990)],
            3980,
            NOW,
            NOW,
            'http://s/?a=1&b="2"',
            NOW,
            1,
        )
    )
    assert "<script>" not in mail.html_body
    assert mail.html_body.count("&lt;script&gt;alert(1)&lt;/script&gt;") >= 3
    assert 'href="http://s/?a=1&amp;b=&#34;2&#34;"' in mail.html_body
    assert f"Pagamento confirmado: plano {script}" == mail.subject  # a header, not HTML
    assert "<title>Pagamento confirmado: plano &lt;script&gt;" in mail.html_body


@pytest.mark.parametrize("mail", every_kind(), ids=lambda mail: mail.kind)
def test_every_kind_renders_a_one_line_subject_a_text_and_an_html_body(mail):
    message = rendered(mail)
    assert message.subject and "\n" not in message.subject
    assert message.subject == message.subject.strip()
    assert message.text_body.startswith("Olá, ") and message.text_body.endswith("\n")
    assert message.html_body.startswith("<!doctype html>")
    assert f"<title>{message.subject}</title>" in message.html_body
    for body in (message.text_body, message.html_body):
        assert "{{" not in body and "{%" not in body and "None" not in body


def test_a_subject_stays_on_one_line_whatever_the_plan_name():
    mail = rendered(
        compose.pix_created(
            "a@x.com", "Ana", "Mensal\r\nBcc: x@y.z", 2990, "P", NOW, "http://l", NOW, 1, 7
        )
    )
    assert mail.subject == "Seu PIX para o plano Mensal Bcc: x@y.z"


def test_every_kind_has_its_composer_and_keeps_its_key_and_schedule():
    made = [rendered(mail) for mail in every_kind()]
    assert {message.kind for message in made} == set(m.KINDS)
    for message in made:
        assert message.status == "pending" and message.next_attempt_at == NOW
    assert made[0].text_body.startswith("Olá, assinante!")
    assert [message.dedupe_key for message in made[3:]] == [
        "pix_created:7",
        "receipt:7",
        "renewal_reminder:3",
        "expiry_notice:3",
        "withdrawal:7",
        "age_document:9",
        "renewal_paid:4",
        "renewal_past_due:4",
        f"renewal_cancelled:3:{NOW.isoformat()}",
    ]


def test_a_pix_receipt_leads_to_the_age_check_never_to_paying_again():
    message = rendered(
        compose.receipt(
            "a@x.com",
            "Ana",
            7,
            "Mensal",
            2990,
            [],
            2990,
            NOW,
            NOW,
            None,
            NOW,
            1,
            age_check=("envio de documento", "http://s/verificacao-idade"),
        )
    )
    assert "verificação de idade" in message.text_body
    assert "http://s/verificacao-idade" in message.text_body
    assert 'href="http://s/verificacao-idade"' in message.html_body
    assert "pagar de novo" in message.text_body
    plain = rendered(
        compose.receipt("a@x.com", "Ana", 7, "Mensal", 2990, [], 2990, NOW, NOW, None, NOW, 1)
    )
    assert "verificação de idade" not in plain.text_body


def test_a_document_decision_says_approved_or_not():
    approved = rendered(compose.age_document_decided("a@x.com", "Ana", True, "http://l", NOW, 1, 9))
    assert approved.subject == "Verificação de idade: aprovada"
    assert "conteúdo já está liberado" in approved.text_body
    rejected = rendered(
        compose.age_document_decided("a@x.com", "Ana", False, "http://l", NOW, 1, 9)
    )
    assert rejected.subject == "Verificação de idade: não aprovada"


def test_a_missing_value_or_an_unknown_kind_is_an_error_not_a_blank():
    with pytest.raises(ValueError, match="link"):
        RENDERER.render(m.PASSWORD_RESET, {"name": "Ana"})
    with pytest.raises(KeyError):
        RENDERER.render("no_such_kind", {})
    with pytest.raises(KeyError):
        RENDERER.render("../layout", {})


def test_the_outbox_renders_a_composed_mail_and_a_decoy_alike():
    store = MemoryStore()
    mail = compose.password_reset("a@x.com", "Ana", "http://l", NOW, 1)
    with MemoryUnitOfWork(store, mail_renderer=JinjaMailRenderer("UTC")) as uow:
        assert uow.outbox.enqueue(mail) and uow.outbox.enqueue(compose.decoy(mail, NOW))
        real, decoy = uow.outbox.find(order_by=["id"]).items
    assert real.kind == m.PASSWORD_RESET and real.recipient == "a@x.com"
    assert real.subject == "Redefinição de senha" and "http://l" in real.text_body
    assert decoy.kind == m.DECOY and decoy.recipient == "" and decoy.user_id is None
    assert decoy.status == m.SENT and decoy.text_body == real.text_body


def test_the_wiring_renders_in_the_configured_time_zone():
    from entrypoints.bootstrap import build_memory_deps
    from entrypoints.config import Config

    deps = build_memory_deps(Config(secret_key="k" * 40, timezone="Asia/Tokyo"))
    with deps.uow() as uow:
        uow.outbox.enqueue(
            compose.pix_created("a@x.com", "Ana", "Mensal", 2990, "P", NOW, "http://l", NOW, 1, 7)
        )
        [message] = uow.outbox.find().items
    assert "O código vale até 01/03/2026 23:30 (" in message.text_body


def test_a_receipt_offers_the_set_password_link_or_the_claim_link():
    def receipt(link, claim=False):
        return rendered(
            compose.receipt(
                "a@x.com", "Ana", 7, "Mensal", 2990, [], 2990, NOW, NOW, link, NOW, 1, claim=claim
            )
        )

    made = receipt("http://s/a")
    assert (
        "Sua conta foi criada com este e-mail. Escolha sua senha para entrar:\nhttp://s/a\n"
        in made.text_body
        and 'href="http://s/a"' in made.html_body
    )
    claimed = receipt("http://s/c", claim=True)
    assert "Para receber esta compra, confirme este e-mail" in claimed.text_body
    assert "Para receber esta compra" in claimed.html_body
    assert "Escolha sua senha" not in receipt(None).text_body


def test_every_template_file_ships_as_package_data():
    """A wheel carries only what setup.cfg's [options.package_data] names."""
    import configparser
    from pathlib import Path, PurePosixPath

    from adapters.mail.rendering import TEMPLATES

    setup = configparser.ConfigParser()
    setup.read(Path(__file__).resolve().parents[2] / "setup.cfg")
    globs = [g.strip() for g in setup["options.package_data"]["adapters.mail"].split(",")]
    files = [
        p.relative_to(TEMPLATES.parent).as_posix() for p in TEMPLATES.rglob("*") if p.is_file()
    ]
    assert len(files) >= 3 * len(m.KINDS) + 1

    def shipped(file: str) -> bool:  # setuptools' globs: "*" stays within one folder
        path = PurePosixPath(file)
        return any(path.match(g) and len(path.parts) == len(PurePosixPath(g).parts) for g in globs)

    assert [f for f in files if not shipped(f)] == []
    for kind in m.KINDS:
        for name in ("subject.txt", "body.txt", "body.html"):
            assert (TEMPLATES / kind / name).is_file(), (kind, name)


def test_access_until_names_the_last_day_a_period_includes():
    # A Pix Automático period ends at the local midnight after its due date (03:00 UTC
    # in São Paulo): the member has access through the due date, and reads that day.
    midnight = datetime(2026, 1, 9, 3, 0)
    paid = compose.renewal_paid(
        "a@x.com", "Ana", "Semanal", 990, "pelo PIX Automático", midnight, NOW, 1, 4
    )
    assert "Seu acesso vai até 08/01/2026." in rendered(paid).text_body
    later = compose.renewal_paid(
        "a@x.com",
        "Ana",
        "Semanal",
        990,
        "pelo PIX Automático",
        midnight + timedelta(hours=1),
        NOW,
        1,
        4,
    )
    assert "Seu acesso vai até 09/01/2026." in rendered(later).text_body

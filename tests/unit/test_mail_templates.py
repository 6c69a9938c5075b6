"""The mail templates: pt-BR money and dates, escaping in the HTML body, every kind
renders with the values its composer gives."""
from __future__ import annotations

from datetime import datetime, timedelta

from domain.mail import compose
from domain.mail import templates as t
from domain.mail.messages import retry_delay

NOW = datetime(2026, 3, 1, 14, 30)


def test_money_dates_and_back_off():
    assert t.money(2990) == "R$ 29,90" and t.money(123456789) == "R$ 1.234.567,89"
    assert t.money(5) == "R$ 0,05"
    assert t.when(NOW) == "01/03/2026 14:30 (UTC)" and t.day(None) == "—"
    assert [retry_delay(n).total_seconds() for n in (1, 2, 3)] == [30, 60, 120]
    assert retry_delay(50) == timedelta(hours=2)


def test_values_are_escaped_in_the_html_body_only():
    message = compose.password_reset("a@example.com", "<b>Ana</b> & Cia", "http://x/?a=1&b=2",
                                     NOW, 1)
    assert "Olá, <b>Ana</b>!" in message.text_body
    assert "&lt;b&gt;Ana&lt;/b&gt;" in message.html_body and "<b>Ana</b>" not in message.html_body
    assert 'href="http://x/?a=1&amp;b=2"' in message.html_body
    assert message.html_body.startswith("<!doctype html>") and 'lang="pt-BR"' in message.html_body


def test_every_kind_renders():
    made = [
        compose.password_reset("a@x.com", None, "http://l", NOW, 1),
        compose.verify_email("a@x.com", "Ana", "http://l", NOW, 1),
        compose.change_email("b@x.com", "Ana", "http://l", NOW, 1),
        compose.pix_created("a@x.com", "Ana", "Mensal", 2990, "000201PIX", NOW, "http://l", NOW,
                            1, 7),
        compose.receipt("a@x.com", "Ana", 7, "Mensal", 2990, [("Pack", 990)], 3980, NOW, NOW,
                        "http://s", NOW, 1),
        compose.renewal_reminder("a@x.com", "Ana", "Mensal", NOW, "http://l", NOW, 1, 3),
        compose.expiry_notice("a@x.com", "Ana", "Mensal", NOW, "http://l", NOW, 1, 3),
        compose.withdrawal_received("a@x.com", "Ana", 7, 2990, NOW, 1),
        compose.age_document_decided("a@x.com", "Ana", True, "http://l", NOW, 1, 9),
        compose.renewal_paid("a@x.com", "Ana", "Mensal", 2990, "VISA final 1111", NOW, NOW, 1, 4),
        compose.renewal_past_due("a@x.com", "Ana", "Mensal", 2990, "VISA final 1111", NOW,
                                 "http://l", True, NOW, 1, 4),
        compose.renewal_cancelled("a@x.com", "Ana", "Mensal", NOW, NOW, 1, 3),
    ]
    assert {m.kind for m in made} == set(t.TEMPLATES)
    for message in made:
        assert message.subject and "$" not in message.text_body.replace("R$", "")
        assert "$" not in message.html_body.replace("R$", "")
        assert message.status == "pending" and message.next_attempt_at == NOW
    assert made[0].text_body.startswith("Olá, assinante!")
    assert [m.dedupe_key for m in made[3:]] == ["pix_created:7", "receipt:7",
                                                "renewal_reminder:3", "expiry_notice:3",
                                                "withdrawal:7", "age_document:9",
                                                "renewal_paid:4", "renewal_past_due:4",
                                                f"renewal_cancelled:3:{NOW.isoformat()}"]


def test_a_pix_receipt_leads_to_the_age_check_never_to_paying_again():
    message = compose.receipt("a@x.com", "Ana", 7, "Mensal", 2990, [], 2990, NOW, NOW, None,
                              NOW, 1, age_check=("envio de documento", "http://s/verificacao-idade"))
    assert "verificação de idade" in message.text_body
    assert "http://s/verificacao-idade" in message.text_body
    assert 'href="http://s/verificacao-idade"' in message.html_body
    assert "pagar de novo" in message.text_body and "$" not in message.html_body.replace("R$", "")
    plain = compose.receipt("a@x.com", "Ana", 7, "Mensal", 2990, [], 2990, NOW, NOW, None, NOW, 1)
    assert "verificação de idade" not in plain.text_body

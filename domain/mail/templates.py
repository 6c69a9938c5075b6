"""Every mail we send, in pt-BR, in one place: a subject, a plain-text body and an HTML
body per kind, filled with string.Template. Values are escaped for the HTML body; the
layout wraps every HTML body."""
from __future__ import annotations

import html
from datetime import datetime
from string import Template
from typing import Mapping

from attrs import frozen

PASSWORD_RESET = "password_reset"
VERIFY_EMAIL = "verify_email"
CHANGE_EMAIL = "change_email"
PIX_CREATED = "pix_created"
RECEIPT = "receipt"
RENEWAL_REMINDER = "renewal_reminder"
EXPIRY_NOTICE = "expiry_notice"
WITHDRAWAL_RECEIVED = "withdrawal_received"
AGE_DOCUMENT_DECIDED = "age_document_decided"
RENEWAL_PAID = "renewal_paid"
RENEWAL_PAST_DUE = "renewal_past_due"
RENEWAL_CANCELLED = "renewal_cancelled"


@frozen
class MailTemplate:
    subject: str
    text: str
    html: str


@frozen
class Rendered:
    subject: str
    text: str
    html: str


_LAYOUT = Template("""<!doctype html>
<html lang="pt-BR"><head><meta charset="utf-8"><title>$subject</title></head>
<body style="font-family:Arial,Helvetica,sans-serif;color:#1b1b1f;background:#f4f4f7;margin:0;padding:24px">
<div style="max-width:560px;margin:0 auto;background:#ffffff;border-radius:8px;padding:24px">
<h1 style="font-size:20px;margin:0 0 16px">CreatorFlix</h1>
$body
<p style="color:#6b6b76;font-size:12px;margin-top:24px">Você recebeu este e-mail porque tem uma conta na CreatorFlix. Se não foi você, ignore esta mensagem.</p>
</div></body></html>""")

_BUTTON = ('<p><a href="$link" style="display:inline-block;background:#e50914;color:#ffffff;'
           'padding:12px 20px;border-radius:6px;text-decoration:none">$button</a></p>'
           '<p style="font-size:12px;color:#6b6b76">Ou copie o endereço: $link</p>')

TEMPLATES: dict[str, MailTemplate] = {
    PASSWORD_RESET: MailTemplate(
        subject="Redefinição de senha",
        text="Olá, $name!\n\nRecebemos um pedido para redefinir a senha da sua conta. "
             "Para escolher uma nova senha, abra o link abaixo (válido por 1 hora, "
             "uma única vez):\n\n$link\n\nSe não foi você, ignore este e-mail: sua senha "
             "continua a mesma.\n",
        html="<p>Olá, $name!</p><p>Recebemos um pedido para redefinir a senha da sua "
             "conta. O link vale por <strong>1 hora</strong> e pode ser usado uma única "
             "vez.</p>" + _BUTTON.replace("$button", "Escolher nova senha") +
             "<p>Se não foi você, ignore este e-mail: sua senha continua a mesma.</p>"),
    VERIFY_EMAIL: MailTemplate(
        subject="Confirme seu e-mail",
        text="Olá, $name!\n\nBem-vindo(a) à CreatorFlix. Confirme seu e-mail abrindo o "
             "link abaixo:\n\n$link\n",
        html="<p>Olá, $name!</p><p>Bem-vindo(a) à CreatorFlix. Confirme seu e-mail:</p>"
             + _BUTTON.replace("$button", "Confirmar e-mail")),
    CHANGE_EMAIL: MailTemplate(
        subject="Confirme seu novo e-mail",
        text="Olá, $name!\n\nPara usar este endereço na sua conta CreatorFlix, abra o link "
             "abaixo (válido por 24 horas):\n\n$link\n\nSe não foi você, ignore este "
             "e-mail.\n",
        html="<p>Olá, $name!</p><p>Para usar este endereço na sua conta CreatorFlix, "
             "confirme (link válido por 24 horas):</p>"
             + _BUTTON.replace("$button", "Confirmar novo e-mail")),
    PIX_CREATED: MailTemplate(
        subject="Seu PIX para o plano $plan",
        text="Olá, $name!\n\nSeu pedido do plano $plan ($total) está aguardando o "
             "pagamento.\n\nPIX copia e cola:\n$copy_paste\n\nO código vale até "
             "$expires_at.\n\nAcompanhe seu pedido: $link\n",
        html="<p>Olá, $name!</p><p>Seu pedido do plano <strong>$plan</strong> "
             "(<strong>$total</strong>) está aguardando o pagamento.</p>"
             "<p><img src=\"cid:$qr_cid\" alt=\"QR Code PIX\" width=\"220\" "
             "height=\"220\"></p><p>PIX copia e cola:</p>"
             "<p style=\"word-break:break-all;font-family:monospace;background:#f4f4f7;"
             "padding:8px\">$copy_paste</p><p>O código vale até <strong>$expires_at"
             "</strong>.</p>" + _BUTTON.replace("$button", "Acompanhar pedido")),
    RECEIPT: MailTemplate(
        subject="Pagamento confirmado: plano $plan",
        text="Olá, $name!\n\nRecebemos seu pagamento. Obrigado!\n\nPedido nº $order\n"
             "Plano: $plan ($plan_price)\n${bumps_text}"
             "Total: $total\nAcesso: de $start até $end\n$set_password_text$age_text",
        html="<p>Olá, $name!</p><p>Recebemos seu pagamento. Obrigado!</p>"
             "<table style=\"border-collapse:collapse;width:100%\">"
             "<tr><td>Pedido</td><td>nº $order</td></tr>"
             "<tr><td>Plano</td><td>$plan ($plan_price)</td></tr>$bumps_html"
             "<tr><td><strong>Total</strong></td><td><strong>$total</strong></td></tr>"
             "<tr><td>Acesso</td><td>de $start até $end</td></tr></table>"
             "$set_password_html$age_html"),
    RENEWAL_REMINDER: MailTemplate(
        subject="Sua assinatura termina em $end",
        text="Olá, $name!\n\nSua assinatura do plano $plan termina em $end. Para "
             "continuar com acesso, renove:\n\n$link\n",
        html="<p>Olá, $name!</p><p>Sua assinatura do plano <strong>$plan</strong> "
             "termina em <strong>$end</strong>. Para continuar com acesso, renove:</p>"
             + _BUTTON.replace("$button", "Renovar assinatura")),
    RENEWAL_PAID: MailTemplate(
        subject="Assinatura renovada: plano $plan",
        text="Olá, $name!\n\nSua assinatura do plano $plan foi renovada: cobramos "
             "$total no cartão $card. Seu acesso vai até $end.\n\nA renovação é "
             "automática; você pode cancelar quando quiser em Minha conta.\n",
        html="<p>Olá, $name!</p><p>Sua assinatura do plano <strong>$plan</strong> foi "
             "renovada: cobramos <strong>$total</strong> no cartão $card. Seu acesso vai "
             "até <strong>$end</strong>.</p><p>A renovação é automática; você pode "
             "cancelar quando quiser em Minha conta.</p>"),
    RENEWAL_PAST_DUE: MailTemplate(
        subject="Não conseguimos renovar sua assinatura",
        text="Olá, $name!\n\nNão conseguimos cobrar $total no cartão $card para renovar "
             "o plano $plan. Seu acesso continua até $end. Para não perder o acesso, pague "
             "com PIX ou outro cartão:\n\n$link\n\n$retry_text\n",
        html="<p>Olá, $name!</p><p>Não conseguimos cobrar <strong>$total</strong> no "
             "cartão $card para renovar o plano <strong>$plan</strong>. Seu acesso "
             "continua até <strong>$end</strong>. Para não perder o acesso, pague com PIX "
             "ou outro cartão:</p>" + _BUTTON.replace("$button", "Pagar agora")
             + "<p>$retry_text</p>"),
    RENEWAL_CANCELLED: MailTemplate(
        subject="Renovação automática cancelada",
        text="Olá, $name!\n\nA renovação automática do plano $plan foi cancelada: o "
             "cartão não será mais cobrado. Seu acesso continua até $end.\n\nMudou de "
             "ideia? Reative em Minha conta antes dessa data.\n",
        html="<p>Olá, $name!</p><p>A renovação automática do plano <strong>$plan</strong> "
             "foi cancelada: o cartão não será mais cobrado. Seu acesso continua até "
             "<strong>$end</strong>.</p><p>Mudou de ideia? Reative em Minha conta antes "
             "dessa data.</p>"),
    EXPIRY_NOTICE: MailTemplate(
        subject="Sua assinatura terminou",
        text="Olá, $name!\n\nSua assinatura do plano $plan terminou em $end. Quando "
             "quiser voltar, é só assinar de novo:\n\n$link\n",
        html="<p>Olá, $name!</p><p>Sua assinatura do plano <strong>$plan</strong> "
             "terminou em <strong>$end</strong>. Quando quiser voltar, é só assinar de "
             "novo:</p>" + _BUTTON.replace("$button", "Assinar de novo")),
    WITHDRAWAL_RECEIVED: MailTemplate(
        subject="Recebemos seu pedido de arrependimento",
        text="Olá, $name!\n\nRecebemos seu pedido de arrependimento do pedido nº $order "
             "($total). O reembolso será feito pelo mesmo meio de pagamento e o acesso "
             "termina quando ele for concluído.\n",
        html="<p>Olá, $name!</p><p>Recebemos seu pedido de arrependimento do pedido "
             "nº $order (<strong>$total</strong>). O reembolso será feito pelo mesmo meio "
             "de pagamento e o acesso termina quando ele for concluído.</p>"),
    AGE_DOCUMENT_DECIDED: MailTemplate(
        subject="Verificação de idade: $outcome",
        text="Olá, $name!\n\n$message\n\n$link\n",
        html="<p>Olá, $name!</p><p>$message</p>"
             + _BUTTON.replace("$button", "$button_text")),
}


def render(kind: str, values: Mapping[str, str], raw_html: Mapping[str, str] = {}) -> Rendered:
    """The message of `kind` filled with `values` (escaped in the HTML body) and
    `raw_html` (fragments built here, already escaped: HTML body only)."""
    template = TEMPLATES[kind]
    escaped = {k: html.escape(v) for k, v in values.items()}
    subject = Template(template.subject).substitute(values)
    body = Template(template.html).substitute({**escaped, **raw_html})
    return Rendered(subject=subject,
                    text=Template(template.text).substitute(values),
                    html=_LAYOUT.substitute(subject=html.escape(subject), body=body))


def money(cents: int) -> str:
    """R$ 1.234,56."""
    reais, rest = divmod(abs(cents), 100)
    grouped = f"{reais:,}".replace(",", ".")
    return f"{'-' if cents < 0 else ''}R$ {grouped},{rest:02d}"


def when(moment: datetime | None) -> str:
    """dd/mm/aaaa hh:mm (UTC), as the stored naive-UTC timestamps are."""
    return moment.strftime("%d/%m/%Y %H:%M") + " (UTC)" if moment is not None else "—"


def day(moment: datetime | None) -> str:
    return moment.strftime("%d/%m/%Y") if moment is not None else "—"

"""Building outbox messages from the templates: one function per mail, called by the use
cases inside their unit of work (the message is stored with the change it reports)."""
from __future__ import annotations

from datetime import datetime
from typing import Mapping, Sequence

import attrs

from domain.mail import templates as t
from domain.mail.messages import DECOY, INLINE_QR, SENT, OutboxMessage

QR_CID = "pix-qr@creatorflix"


def message(kind: str, to: str, values: Mapping[str, str], now: datetime, *,
            user_id: int | None = None, dedupe_key: str | None = None,
            raw_html: Mapping[str, str] = {}, inline_images: Sequence[dict] = ()
            ) -> OutboxMessage:
    rendered = t.render(kind, values, raw_html)
    return OutboxMessage(id=None, kind=kind, recipient=to, subject=rendered.subject,
                         text_body=rendered.text, html_body=rendered.html,
                         inline_images=list(inline_images), dedupe_key=dedupe_key,
                         user_id=user_id, next_attempt_at=now, created_at=now)


def decoy(message: OutboxMessage, now: datetime) -> OutboxMessage:
    """A row written where a real message would be, so that the write costs the same
    (a password reset for an unknown email): no recipient, no user, already settled."""
    return attrs.evolve(message, kind=DECOY, recipient="", user_id=None, status=SENT,
                        sent_at=now, dedupe_key=None)


def greeting(name: str | None) -> str:
    first = (name or "").strip().split(" ")[0]
    return first or "assinante"


def password_reset(to: str, name: str | None, link: str, now: datetime,
                   user_id: int | None) -> OutboxMessage:
    return message(t.PASSWORD_RESET, to, {"name": greeting(name), "link": link}, now,
                   user_id=user_id)


def verify_email(to: str, name: str | None, link: str, now: datetime,
                 user_id: int | None) -> OutboxMessage:
    return message(t.VERIFY_EMAIL, to, {"name": greeting(name), "link": link}, now,
                   user_id=user_id)


def change_email(to: str, name: str | None, link: str, now: datetime,
                 user_id: int | None) -> OutboxMessage:
    return message(t.CHANGE_EMAIL, to, {"name": greeting(name), "link": link}, now,
                   user_id=user_id)


def pix_created(to: str, name: str | None, plan: str, total: int, copy_paste: str,
                expires_at: datetime | None, link: str, now: datetime,
                user_id: int | None, checkout_id: int) -> OutboxMessage:
    values = {"name": greeting(name), "plan": plan, "total": t.money(total),
              "copy_paste": copy_paste, "expires_at": t.when(expires_at), "link": link,
              "qr_cid": QR_CID}
    return message(t.PIX_CREATED, to, values, now, user_id=user_id,
                   dedupe_key=f"pix_created:{checkout_id}",
                   inline_images=[{"cid": QR_CID, "kind": INLINE_QR, "data": copy_paste}])


def receipt(to: str, name: str | None, order: int, plan: str, plan_price: int,
            bumps: Sequence[tuple[str, int]], total: int, start: datetime | None,
            end: datetime | None, set_password_link: str | None, now: datetime,
            user_id: int | None, *, claim: bool = False) -> OutboxMessage:
    """`claim`: the link claims the purchase for an account not yet confirmed."""
    import html
    bumps_text = "".join(f"Adicional: {n} ({t.money(p)})\n" for n, p in bumps)
    bumps_html = "".join(f"<tr><td>Adicional</td><td>{html.escape(n)} ({t.money(p)})"
                         "</td></tr>" for n, p in bumps)
    set_text = set_html = ""
    intro = ("Sua conta foi criada com este e-mail. Escolha sua senha para entrar:"
             if not claim else
             "Para receber esta compra, confirme este e-mail e escolha sua senha (isso "
             "encerra qualquer outra sessão aberta com este e-mail):")
    if set_password_link:
        set_text = f"\n{intro}\n{set_password_link}\n"
        link = html.escape(set_password_link)
        set_html = (f"<p>{html.escape(intro)}</p><p><a href=\"{link}\" style=\"display:inline-block;"
                    "background:#e50914;color:#ffffff;padding:12px 20px;border-radius:6px;"
                    f"text-decoration:none\">Escolher minha senha</a></p>"
                    f"<p style=\"font-size:12px;color:#6b6b76\">Ou copie o endereço: "
                    f"{link}</p>")
    values = {"name": greeting(name), "order": str(order), "plan": plan,
              "plan_price": t.money(plan_price), "total": t.money(total),
              "start": t.day(start), "end": t.day(end), "bumps_text": bumps_text,
              "set_password_text": set_text}
    return message(t.RECEIPT, to, values, now, user_id=user_id,
                   dedupe_key=f"receipt:{order}",
                   raw_html={"bumps_html": bumps_html, "set_password_html": set_html})


def renewal_reminder(to: str, name: str | None, plan: str, end: datetime | None,
                     link: str, now: datetime, user_id: int,
                     subscription_id: int) -> OutboxMessage:
    return message(t.RENEWAL_REMINDER, to, {"name": greeting(name), "plan": plan,
                                            "end": t.day(end), "link": link}, now,
                   user_id=user_id, dedupe_key=renewal_key(subscription_id))


def expiry_notice(to: str, name: str | None, plan: str, end: datetime | None, link: str,
                  now: datetime, user_id: int, subscription_id: int) -> OutboxMessage:
    return message(t.EXPIRY_NOTICE, to, {"name": greeting(name), "plan": plan,
                                         "end": t.day(end), "link": link}, now,
                   user_id=user_id, dedupe_key=expiry_key(subscription_id))


def withdrawal_received(to: str, name: str | None, order: int, total: int, now: datetime,
                        user_id: int) -> OutboxMessage:
    return message(t.WITHDRAWAL_RECEIVED, to, {"name": greeting(name), "order": str(order),
                                               "total": t.money(total)}, now,
                   user_id=user_id, dedupe_key=f"withdrawal:{order}")


def renewal_key(subscription_id: int) -> str:
    return f"renewal_reminder:{subscription_id}"


def expiry_key(subscription_id: int) -> str:
    return f"expiry_notice:{subscription_id}"

"""Which mail to send, and with which values: one function per kind, called by the use
cases inside their unit of work (the outbox renders and stores the mail with the change
it reports). Wording, money and dates belong to the templates (ports.mail.MailRenderer)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

import attrs

from domain.mail import messages as m
from domain.mail.messages import DECOY, INLINE_QR, SENT, Mail, OutboxMessage
from ports.mail import MailRenderer

QR_CID = "pix-qr@creatorflix"


def mail(
    kind: str,
    to: str,
    values: Mapping[str, Any],
    now: datetime,
    *,
    user_id: int | None = None,
    dedupe_key: str | None = None,
    inline_images: Sequence[Mapping[str, Any]] = (),
) -> Mail:
    return Mail(
        kind=kind,
        recipient=to,
        values=dict(values),
        created_at=now,
        user_id=user_id,
        dedupe_key=dedupe_key,
        inline_images=tuple(inline_images),
    )


def decoy(mail: Mail, now: datetime) -> Mail:
    """A row written where a real message would be, so that the request costs the same
    (a password reset for an unknown email): rendered as the real one would be, stored
    with no recipient and no user, already settled."""
    return attrs.evolve(mail, decoy=True, created_at=now)


def outbox_message(mail: Mail, renderer: MailRenderer) -> OutboxMessage:
    """The outbox row of `mail`, rendered by `renderer` (the outboxes call this)."""
    rendered = renderer.render(mail.kind, mail.values)
    message = OutboxMessage(
        id=None,
        kind=mail.kind,
        recipient=mail.recipient,
        subject=rendered.subject,
        text_body=rendered.text,
        html_body=rendered.html,
        inline_images=[dict(image) for image in mail.inline_images],
        dedupe_key=mail.dedupe_key,
        user_id=mail.user_id,
        next_attempt_at=mail.created_at,
        created_at=mail.created_at,
    )
    if mail.decoy:
        return attrs.evolve(
            message,
            kind=DECOY,
            recipient="",
            user_id=None,
            status=SENT,
            sent_at=mail.created_at,
            dedupe_key=None,
        )
    return message


def greeting(name: str | None) -> str:
    first = (name or "").strip().split(" ")[0]
    return first or "assinante"


def password_reset(
    to: str, name: str | None, link: str, now: datetime, user_id: int | None
) -> Mail:
    return mail(m.PASSWORD_RESET, to, {"name": greeting(name), "link": link}, now, user_id=user_id)


def verify_email(to: str, name: str | None, link: str, now: datetime, user_id: int | None) -> Mail:
    return mail(m.VERIFY_EMAIL, to, {"name": greeting(name), "link": link}, now, user_id=user_id)


def change_email(to: str, name: str | None, link: str, now: datetime, user_id: int | None) -> Mail:
    return mail(m.CHANGE_EMAIL, to, {"name": greeting(name), "link": link}, now, user_id=user_id)


def pix_created(
    to: str,
    name: str | None,
    plan: str,
    total: int,
    copy_paste: str,
    expires_at: datetime | None,
    link: str,
    now: datetime,
    user_id: int | None,
    checkout_id: int,
) -> Mail:
    """`total` in cents; `expires_at` naive UTC (the templates show local time)."""
    values = {
        "name": greeting(name),
        "plan": plan,
        "total": total,
        "copy_paste": copy_paste,
        "expires_at": expires_at,
        "link": link,
        "qr_cid": QR_CID,
    }
    return mail(
        m.PIX_CREATED,
        to,
        values,
        now,
        user_id=user_id,
        dedupe_key=f"pix_created:{checkout_id}",
        inline_images=[{"cid": QR_CID, "kind": INLINE_QR, "data": copy_paste}],
    )


def receipt(
    to: str,
    name: str | None,
    order: int,
    plan: str,
    plan_price: int,
    bumps: Sequence[tuple[str, int]],
    total: int,
    start: datetime | None,
    end: datetime | None,
    set_password_link: str | None,
    now: datetime,
    user_id: int | None,
    *,
    claim: bool = False,
    age_check: tuple[str, str] | None = None,
) -> Mail:
    """Prices in cents; `bumps` as (name, price); the set-password link when this
    payment created the account (`claim`: the link claims the purchase for an account
    not yet confirmed); `age_check`: (the methods the buyer can still use, the age-check
    page) when this payment did not assure their age (PIX): the way to the content,
    never "pay again"."""
    values = {
        "name": greeting(name),
        "order": order,
        "plan": plan,
        "plan_price": plan_price,
        "total": total,
        "start": start,
        "end": end,
        "bumps": [{"name": n, "price": p} for n, p in bumps],
        "set_password_link": set_password_link,
        "claim": claim,
        "age_methods": age_check[0] if age_check else None,
        "age_check_link": age_check[1] if age_check else None,
    }
    return mail(m.RECEIPT, to, values, now, user_id=user_id, dedupe_key=f"receipt:{order}")


def age_document_decided(
    to: str,
    name: str | None,
    approved: bool,
    link: str,
    now: datetime,
    user_id: int,
    assurance_id: int,
) -> Mail:
    """The outcome of a member's ID document: approved (the content is open) or not
    (send another photo or use another method); the photo is gone either way."""
    return mail(
        m.AGE_DOCUMENT_DECIDED,
        to,
        {"name": greeting(name), "approved": approved, "link": link},
        now,
        user_id=user_id,
        dedupe_key=f"age_document:{assurance_id}",
    )


def renewal_reminder(
    to: str,
    name: str | None,
    plan: str,
    end: datetime | None,
    link: str,
    now: datetime,
    user_id: int,
    subscription_id: int,
) -> Mail:
    return mail(
        m.RENEWAL_REMINDER,
        to,
        {"name": greeting(name), "plan": plan, "end": end, "link": link},
        now,
        user_id=user_id,
        dedupe_key=renewal_key(subscription_id),
    )


def expiry_notice(
    to: str,
    name: str | None,
    plan: str,
    end: datetime | None,
    link: str,
    now: datetime,
    user_id: int,
    subscription_id: int,
) -> Mail:
    return mail(
        m.EXPIRY_NOTICE,
        to,
        {"name": greeting(name), "plan": plan, "end": end, "link": link},
        now,
        user_id=user_id,
        dedupe_key=expiry_key(subscription_id),
    )


def renewal_paid(
    to: str,
    name: str | None,
    plan: str,
    total: int,
    means: str,
    end: datetime | None,
    now: datetime,
    user_id: int,
    renewal_id: int,
) -> Mail:
    """The receipt of an automatic renewal (once per renewal); `means` says how it was
    charged, as the end of a sentence ("no cartão VISA final 4242", "pelo PIX
    Automático")."""
    return mail(
        m.RENEWAL_PAID,
        to,
        {"name": greeting(name), "plan": plan, "total": total, "means": means, "end": end},
        now,
        user_id=user_id,
        dedupe_key=f"renewal_paid:{renewal_id}",
    )


def renewal_past_due(
    to: str,
    name: str | None,
    plan: str,
    total: int,
    means: str,
    end: datetime | None,
    link: str,
    retries: bool,
    now: datetime,
    user_id: int,
    renewal_id: int,
) -> Mail:
    """A renewal charge was refused: access until `end`, and a one-click way to pay
    by PIX or another card (once per renewal); `means` as in renewal_paid; `retries`:
    the charge is tried again."""
    return mail(
        m.RENEWAL_PAST_DUE,
        to,
        {
            "name": greeting(name),
            "plan": plan,
            "total": total,
            "means": means,
            "end": end,
            "link": link,
            "retries": retries,
        },
        now,
        user_id=user_id,
        dedupe_key=f"renewal_past_due:{renewal_id}",
    )


def renewal_cancelled(
    to: str,
    name: str | None,
    plan: str,
    end: datetime | None,
    now: datetime,
    user_id: int,
    subscription_id: int,
    *,
    means: str = "no cartão",
    by_bank: bool = False,
    resumable: bool = True,
) -> Mail:
    """The automatic renewal was turned off (once per change): by the member, or by the
    payer in their bank (Pix Automático cancelled there: `by_bank`); `means` as in
    renewal_paid, `resumable` whether Minha conta can turn it on again."""
    return mail(
        m.RENEWAL_CANCELLED,
        to,
        {
            "name": greeting(name),
            "plan": plan,
            "end": end,
            "means": means,
            "by_bank": by_bank,
            "resumable": resumable,
        },
        now,
        user_id=user_id,
        dedupe_key=f"renewal_cancelled:{subscription_id}:{now.isoformat()}",
    )


def withdrawal_received(
    to: str, name: str | None, order: int, total: int, now: datetime, user_id: int
) -> Mail:
    return mail(
        m.WITHDRAWAL_RECEIVED,
        to,
        {"name": greeting(name), "order": order, "total": total},
        now,
        user_id=user_id,
        dedupe_key=f"withdrawal:{order}",
    )


def renewal_key(subscription_id: int) -> str:
    return f"renewal_reminder:{subscription_id}"


def expiry_key(subscription_id: int) -> str:
    return f"expiry_notice:{subscription_id}"

"""The buyer's mails, stored in the unit of work of the change they report: the PIX
code when the charge is created, the receipt (and, for an account this payment
created, the set-password link; for an address an unverified account has, the link
that claims the purchase) when it is paid."""
from __future__ import annotations

from datetime import datetime
from urllib.parse import quote

from domain.accounts.auth import issue_set_password_token
from domain.accounts.mails import SET_PASSWORD_PAGE, page_link
from domain.mail import compose
from domain.payments import checkout as co
from domain.payments import withdrawal as wd
from domain.payments.service import PaymentService
from ports.security import CLAIM_CHECKOUT
from ports.unit_of_work import UnitOfWork

CHECKOUT_PAGE = "/checkout"
CLAIM_TTL_SECONDS = 7 * 24 * 3600
UNCLAIMED = "unclaimed"   # payment_data flag (settlement.UNCLAIMED)


def checkout_link(public_url: str, checkout_id: int, access_token: str) -> str:
    """The checkout page following this checkout (the page takes the access token out
    of the address bar at once)."""
    return (f"{public_url.rstrip('/')}{CHECKOUT_PAGE}?pedido={checkout_id}"
            f"&acesso={quote(access_token, safe='')}")


def queue_pix_created(uow: UnitOfWork, svc: PaymentService, checkout: co.Checkout,
                      now: datetime) -> None:
    """The PIX code (copy-paste and QR), its expiry and a link back to the checkout."""
    payment = checkout.payment_data or {}
    code = payment.get("qr_code")
    if checkout.payment_method != co.PIX or not code or not checkout.customer_email \
            or checkout.id is None:
        return
    if svc.throttle is not None and not svc.throttle.mail_allowed("pix",
                                                                  checkout.customer_email):
        return  # the address had its share this hour; the code is on the checkout page
    plan = uow.plans.get(checkout.plan_id)
    link = checkout_link(svc.public_url, checkout.id, svc.checkout_token(checkout.id))
    uow.outbox.enqueue(compose.pix_created(
        checkout.customer_email, checkout.customer_name, plan.name if plan else "",
        checkout.total_amount, code, co.waits_until(checkout), link, now,
        checkout.user_id, checkout.id))


def queue_receipt(uow: UnitOfWork, svc: PaymentService, checkout: co.Checkout,
                  now: datetime) -> None:
    """The receipt of a paid checkout: plan, bumps, total, the period it granted, and
    the set-password link when this payment created the account."""
    if checkout.id is not None and checkout.user_id is None and \
            (checkout.payment_data or {}).get(UNCLAIMED):
        queue_claim(uow, svc, checkout, now)
        return
    if checkout.id is None or checkout.user_id is None:
        return
    user = uow.users.get(checkout.user_id)
    plan = uow.plans.get(checkout.plan_id)
    if user is None or plan is None or user.anonymised_at is not None:
        return
    bumps = uow.order_bumps.get_many(checkout.order_bump_ids or [])
    granted = uow.subscriptions.first({"user_id": user.id,
                                       "external_id": checkout.external_id},
                                      order_by=["-id"]) if checkout.external_id else None
    set_password = None
    if (checkout.payment_data or {}).get("account_created") and not user.has_usable_password:
        set_password = page_link(svc.public_url, SET_PASSWORD_PAGE,
                                 issue_set_password_token(svc.tokens, user))
    uow.outbox.enqueue(compose.receipt(
        user.email, user.name or checkout.customer_name, checkout.id, plan.name, plan.price,
        [(b.name, b.price) for b in bumps], checkout.total_amount,
        granted.start_date if granted else None, granted.end_date if granted else None,
        set_password, now, user.id))


def claim_token(svc: PaymentService, checkout_id: int, email: str) -> str:
    """The link that gives a paid, unclaimed checkout to whoever reads mail at `email`
    (domain.payments.claims): signed, expiring; the claim links the checkout, so a
    second use finds it claimed."""
    return svc.tokens.sign(CLAIM_CHECKOUT, {"cid": checkout_id, "email": email},
                           CLAIM_TTL_SECONDS)


def queue_claim(uow: UnitOfWork, svc: PaymentService, checkout: co.Checkout,
                now: datetime) -> None:
    """The receipt of a paid checkout no account has yet (its email's account is not
    verified), to the address, with the link that claims it. Tied to no account: the
    one with this email may be a stranger's."""
    assert checkout.id is not None and checkout.customer_email, "a paid guest checkout"
    plan = uow.plans.get(checkout.plan_id)
    if plan is None:
        return
    bumps = uow.order_bumps.get_many(checkout.order_bump_ids or [])
    link = page_link(svc.public_url, SET_PASSWORD_PAGE,
                     claim_token(svc, checkout.id, checkout.customer_email))
    uow.outbox.enqueue(compose.receipt(
        checkout.customer_email, checkout.customer_name, checkout.id, plan.name, plan.price,
        [(b.name, b.price) for b in bumps], checkout.total_amount, None, None, link, now,
        None, claim=True))


def after_settlement(uow: UnitOfWork, svc: PaymentService, before: str,
                     checkout: co.Checkout, now: datetime) -> None:
    """What follows a checkout's move, in the same unit of work: the receipt when it
    was paid; a withdrawal request closed when it was refunded."""
    if checkout.status == before:
        return
    if checkout.status == co.PAID:
        queue_receipt(uow, svc, checkout, now)
    elif checkout.status == co.REFUNDED and checkout.id is not None:
        wd.close_refunded(uow, checkout.id, now)

"""The buyer's mails, stored in the unit of work of the change they report: the PIX
code when the charge is created, the receipt (and, for an account this payment
created, the set-password link; for an address an unverified account has, the link
that claims the purchase) when it is paid (domain.payments.handlers)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from urllib.parse import quote

from domain.accounts.auth import issue_set_password_token
from domain.accounts.mails import SET_PASSWORD_PAGE, page_link
from domain.common.throttle import Throttle
from domain.mail import compose
from domain.payments import checkout as co
from domain.payments.service import checkout_token
from ports.security import CLAIM_CHECKOUT, Signer
from ports.unit_of_work import UnitOfWork

CHECKOUT_PAGE = "/checkout"
# Whether an account is age-assured now (domain.assurance's rule, injected).
AgeAssured = Callable[[UnitOfWork, int, datetime], bool]
CLAIM_TTL_SECONDS = 7 * 24 * 3600
UNCLAIMED = "unclaimed"  # the JSON key of PaymentData.unclaimed


def checkout_link(public_url: str, checkout_id: int, access_token: str) -> str:
    """The checkout page following this checkout (the page takes the access token out
    of the address bar at once)."""
    return (
        f"{public_url.rstrip('/')}{CHECKOUT_PAGE}?pedido={checkout_id}"
        f"&acesso={quote(access_token, safe='')}"
    )


def queue_pix_created(
    uow: UnitOfWork,
    public_url: str,
    tokens: Signer,
    checkout: co.Checkout,
    now: datetime,
    throttle: Throttle | None = None,
) -> None:
    """The PIX code (copy-paste and QR), its expiry and a link back to the checkout."""
    code = checkout.payment.qr_code
    if (
        checkout.payment_method != co.PIX
        or not code
        or not checkout.customer_email
        or checkout.id is None
    ):
        return
    if throttle is not None and not throttle.mail_allowed("pix", checkout.customer_email):
        return  # the address had its share this hour; the code is on the checkout page
    plan = uow.plans.get(checkout.plan_id)
    link = checkout_link(public_url, checkout.id, checkout_token(tokens, checkout.id))
    uow.outbox.enqueue(
        compose.pix_created(
            checkout.customer_email,
            checkout.customer_name,
            plan.name if plan else "",
            checkout.total_amount,
            code,
            co.waits_until(checkout),
            link,
            now,
            checkout.user_id,
            checkout.id,
        )
    )


def queue_receipt(
    uow: UnitOfWork,
    public_url: str,
    tokens: Signer,
    checkout: co.Checkout,
    now: datetime,
    *,
    age_check: tuple[str, str] | None = None,
    age_assured: AgeAssured | None = None,
) -> None:
    """The receipt of a paid checkout: plan, bumps, total, the period it granted, and
    the set-password link when this payment created the account; `age_check` (methods,
    page): the way to the age check, named unless the buyer is assured now
    (`age_assured`: age assurance's rule, bound by the wiring)."""
    if checkout.id is not None and checkout.user_id is None and checkout.payment.unclaimed:
        queue_claim(uow, public_url, tokens, checkout, now)
        return
    if checkout.id is None or checkout.user_id is None:
        return
    user = uow.users.get(checkout.user_id)
    plan = uow.plans.get(checkout.plan_id)
    if user is None or plan is None or user.anonymised_at is not None:
        return
    bumps = uow.order_bumps.get_many(checkout.order_bump_ids or [])
    granted = (
        uow.subscriptions.first(
            {"user_id": user.id, "external_id": checkout.external_id}, order_by=["-id"]
        )
        if checkout.external_id
        else None
    )
    set_password = None
    if checkout.payment.account_created and not user.has_usable_password:
        set_password = page_link(
            public_url, SET_PASSWORD_PAGE, issue_set_password_token(tokens, user)
        )
    uow.outbox.enqueue(
        compose.receipt(
            user.email,
            user.name or checkout.customer_name,
            checkout.id,
            plan.name,
            plan.price,
            [(b.name, b.price) for b in bumps],
            checkout.total_amount,
            granted.start_date if granted else None,
            granted.end_date if granted else None,
            set_password,
            now,
            user.id,
            age_check=_age_check(uow, age_check, user.id, now, age_assured),
        )
    )


def _age_check(
    uow: UnitOfWork,
    hint: tuple[str, str] | None,
    user_id: int | None,
    now: datetime,
    assured: AgeAssured | None,
) -> tuple[str, str] | None:
    """The age-check hint of a receipt: only for a buyer not age-assured now (a card
    payment our gateway confirmed assured them in this same transaction)."""
    if hint is None or user_id is None:
        return None
    return None if assured is not None and assured(uow, user_id, now) else hint


def claim_token(tokens: Signer, checkout_id: int, email: str) -> str:
    """The link that gives a paid, unclaimed checkout to whoever reads mail at `email`
    (domain.payments.claims): signed, expiring; the claim links the checkout, so a
    second use finds it claimed."""
    return tokens.sign(CLAIM_CHECKOUT, {"cid": checkout_id, "email": email}, CLAIM_TTL_SECONDS)


def queue_claim(
    uow: UnitOfWork, public_url: str, tokens: Signer, checkout: co.Checkout, now: datetime
) -> None:
    """The receipt of a paid checkout no account has yet (its email's account is not
    verified), to the address, with the link that claims it. Tied to no account: the
    one with this email may be a stranger's."""
    assert checkout.id is not None and checkout.customer_email, "a paid guest checkout"
    plan = uow.plans.get(checkout.plan_id)
    if plan is None:
        return
    bumps = uow.order_bumps.get_many(checkout.order_bump_ids or [])
    link = page_link(
        public_url, SET_PASSWORD_PAGE, claim_token(tokens, checkout.id, checkout.customer_email)
    )
    uow.outbox.enqueue(
        compose.receipt(
            checkout.customer_email,
            checkout.customer_name,
            checkout.id,
            plan.name,
            plan.price,
            [(b.name, b.price) for b in bumps],
            checkout.total_amount,
            None,
            None,
            link,
            now,
            None,
            claim=True,
        )
    )

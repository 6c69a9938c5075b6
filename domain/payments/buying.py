"""Buying a plan: start a checkout (price it, charge it through the gateway) and let the
buyer follow it. The gateway is never called inside a database transaction: the
pending checkout is committed first, the charge's answer stored in a second one."""

from __future__ import annotations

import logging
import secrets
from datetime import datetime
from typing import Any
from urllib.parse import urlencode

import attrs
from attrs import frozen

from domain.accounts.auth import issue_set_password_token
from domain.catalog.entities import Plan
from domain.common.errors import (
    GatewayBusy,
    GatewayRejected,
    NotFound,
    PaymentRefused,
    ServiceUnavailable,
    ValidationError,
)
from domain.payments import checkout as co
from domain.payments import coupons, idempotency, pix_recurrences, settlement
from domain.payments.commands import StartCheckout
from domain.payments.events import charge_event, checkout_event
from domain.payments.gateways import (
    CHECKOUT_STATUS_OF,
    DIAS,
    WEBHOOK_PATHS,
    Charge,
    ChargeItem,
    ChargeRequest,
    GatewayChoice,
    Transaction,
    charge_reference,
    with_query,
)
from domain.payments.payment_data import PaymentData
from domain.payments.pricing import Quote
from domain.payments.pricing import quote as price
from domain.payments.service import PaymentService
from domain.payments.webhooks import CHECKOUT_PARAM
from ports.repositories import DuplicateError
from ports.unit_of_work import UnitOfWork

log = logging.getLogger("creatorflix.payments")

PIX_EXPIRES_IN_DAYS = 1


@frozen
class CheckoutView:
    """A checkout as its buyer sees it; `set_password_token` once it is paid, for an
    account created for the buyer that has no password yet."""

    checkout: co.Checkout
    access_token: str | None = None
    set_password_token: str | None = None
    problem: ServiceUnavailable | None = None  # the gateway failed; checkout kept pending
    replayed: bool = False  # a repeat of an earlier request (its Idempotency-Key)


def _charge_request(
    quote: Quote,
    command: StartCheckout,
    postback_url: str,
    reference: str,
    first_due: str | None = None,
) -> ChargeRequest:
    # A free bump stays in the order but is no line of the charge: JunglePay refuses a
    # unitPrice of 0 (and the quote refuses a total of 0).
    lines = [(quote.plan.name, quote.plan_price)] + [(b.name, b.price) for b in quote.bumps]
    items = tuple(ChargeItem(title, price) for title, price in lines if price > 0)
    return ChargeRequest(
        amount=quote.total,
        payment_method=quote.payment_method,
        customer=command.customer,
        items=items,
        postback_url=postback_url,
        pix_expires_in_days=PIX_EXPIRES_IN_DAYS,
        installments=command.installments or 1,
        card_hash=command.card_hash,
        reference=reference,
        recurrence=pix_recurrences.terms(quote.plan, first_due),
    )


def _redirect_url(checkout_url: str, ref: str, email: str) -> str:
    joiner = "&" if "?" in checkout_url else "?"
    return f"{checkout_url}{joiner}{urlencode({'externalRef': ref, 'email': email})}"


def _postback_url(svc: PaymentService, choice: GatewayChoice, checkout_id: int) -> str:
    """Where the gateway posts back about this charge. It names our checkout, so a
    transaction whose creation answer we lost (timeout) can still be matched to it."""
    if choice.config is not None and choice.config.postback_url:
        url = choice.config.postback_url  # the administrator's override (keeps the token)
    elif choice.name in WEBHOOK_PATHS:
        url = svc.webhooks.url(choice.name)
    else:
        return svc.public_url  # the sandbox posts nothing back
    return with_query(url, **{CHECKOUT_PARAM: str(checkout_id)})


def _choose(
    svc: PaymentService, uow: UnitOfWork, plan: Plan, command: StartCheckout
) -> GatewayChoice:
    external = command.payment_method == co.CREDIT_CARD and not command.card_hash
    if external:
        if not plan.checkout_url:
            raise ValidationError(
                "card_hash is required to pay this plan by card", field="card_hash"
            )
        return GatewayChoice(DIAS)  # the plan's external card checkout
    if command.payment_method != co.CREDIT_CARD and command.card_hash:
        raise ValidationError("card_hash is only for credit_card payments", field="card_hash")
    choice = svc.choose(uow)
    if command.payment_method == co.PIX_AUTOMATICO:
        pix_recurrences.check_offered(plan, choice)
    if choice.name == DIAS:
        raise ValidationError(
            "this payment method is not available: pay by card through the plan's checkout",
            field="payment_method",
        )
    return choice


def start_checkout(svc: PaymentService, command: StartCheckout) -> CheckoutView:
    """Price the checkout, record it pending, then ask the gateway for the charge. A
    refused card -> PaymentRefused, a request the gateway rejects -> GatewayRejected
    (checkout failed either way); an unreachable or slow gateway -> the view carries the
    problem and the checkout stays pending, retrievable. With an Idempotency-Key, a
    repeat (concurrent ones too) gets the same checkout and never a second charge."""
    key = idempotency.digest(command)
    if key is not None:
        replay = _replay(svc, command, key)
        if replay is not None:
            return replay
    customer = command.customer
    buyer = command.buyer
    now = svc.clock.now()
    try:
        with svc.uow() as uow:
            plan, quote, choice = _priced(svc, uow, command)
            payment = PaymentData(
                provider=choice.name,
                method=quote.payment_method,
                recurrence_first_due=pix_recurrences.first_due(plan, quote, now, svc.zone),
                # the saved card renews it (domain.payments.renewing)
                renewal_consent=plan.renews_automatically and command.renewal_consent,
                coupon=_redeem(uow, command, quote),
            )
            external_id = None
            if choice.name == DIAS:
                # _choose picks DIAS only for a plan with a checkout_url.
                assert plan.checkout_url, plan.id
                external_id = "cf_" + secrets.token_hex(12)
                payment = payment.but(
                    redirect_url=_redirect_url(plan.checkout_url, external_id, customer.email)
                )
            assert plan.id is not None, "read from the repository"
            checkout = uow.checkouts.add(
                co.Checkout(
                    id=None,
                    plan_id=plan.id,
                    total_amount=quote.total,
                    user_id=buyer.id if buyer is not None else None,
                    external_id=external_id,
                    payment_method=co.stored_method(quote.payment_method),
                    order_bump=bool(quote.bumps),
                    order_bump_ids=quote.order_bump_ids,
                    customer_name=customer.name,
                    customer_email=customer.email,
                    customer_document=customer.document,
                    customer_phone=customer.phone,
                    created_at=now,
                    updated_at=now,
                    payment_data=payment,
                    idempotency_key=key,
                )
            )
            uow.record(checkout_event(checkout, now))
            uow.commit()
    except DuplicateError:
        if key is None:
            raise
        # A concurrent request with the same key stored its checkout first: that one
        # charges; this one answers with it.
        replay = _replay(svc, command, key)
        assert replay is not None, "the unique key was taken by a stored checkout"
        return replay
    checkout_id = checkout.id
    assert checkout_id is not None, "add() returns the checkout with its generated id"
    token = svc.checkout_token(checkout_id)
    if choice.name == DIAS:
        return CheckoutView(checkout, access_token=token)
    return _charge(svc, checkout, choice, quote, command, token)


def _priced(
    svc: PaymentService, uow: UnitOfWork, command: StartCheckout
) -> tuple[Plan, Quote, GatewayChoice]:
    plan = uow.plans.get(command.plan_id)
    if plan is None:
        raise ValidationError(f"plan {command.plan_id} does not exist", field="plan_id")
    if not plan.is_active:
        raise ValidationError(f"plan {command.plan_id} is not for sale", field="plan_id")
    if command.installments and command.installments > plan.max_installments:
        raise ValidationError(
            f"this plan is paid in at most {plan.max_installments} installments",
            field="installments",
        )
    if (
        plan.renews_automatically
        and command.payment_method == co.CREDIT_CARD
        and command.card_hash
        and not command.renewal_consent
    ):
        raise ValidationError(
            "agree that this plan renews automatically on your card", field="renewal_consent"
        )
    ids = command.order_bump_ids
    coupon = _coupon(svc, uow, plan, command)
    quote = price(
        plan,
        command.payment_method,
        ids,
        uow.order_bumps.get_many(ids),
        coupons.discount(coupon, plan.price) if coupon else 0,
    )
    return plan, quote, _choose(svc, uow, plan, command)


def _coupon(
    svc: PaymentService, uow: UnitOfWork, plan: Plan, command: StartCheckout
) -> coupons.Coupon | None:
    if not command.coupon:
        return None
    assert plan.id is not None, "read from the repository"
    found = uow.coupons.first({"code": coupons.normalize_code(command.coupon)})
    return coupons.check_usable(found, plan.id, svc.clock.now())


def _redeem(uow: UnitOfWork, command: StartCheckout, quote: Quote) -> dict[str, Any] | None:
    """Count the coupon's redemption in the checkout's transaction (exact under
    concurrency: one conditional UPDATE); what payment_data records of it."""
    if not command.coupon:
        return None
    coupon = uow.coupons.first({"code": coupons.normalize_code(command.coupon)})
    assert coupon is not None and coupon.id is not None, "_priced found it"
    if not uow.coupons.redeem(coupon.id):
        raise ValidationError("this coupon has been used up", field="coupon")
    return {"id": coupon.id, "code": coupon.code, "discount": quote.discount}


def _charge(
    svc: PaymentService,
    checkout: co.Checkout,
    choice: GatewayChoice,
    quote: Quote,
    command: StartCheckout,
    token: str,
) -> CheckoutView:
    """Ask the gateway for the charge of a stored pending checkout, then store its
    answer. Once the gateway charged, a failure to store the answer (the database went
    away) still answers with the checkout as charged, its state and how to pay it."""
    checkout_id = checkout.id
    assert checkout_id is not None, "stored"
    assert checkout.created_at is not None, "stored with its creation time"
    request = _charge_request(
        quote,
        command,
        _postback_url(svc, choice, checkout_id),
        charge_reference(checkout_id, checkout.created_at),
        checkout.payment.recurrence_first_due,
    )
    try:
        charge = svc.adapter(choice).create_charge(request)
    except (PaymentRefused, GatewayRejected):
        _store(svc, checkout_id, status=co.FAILED)
        raise
    except GatewayBusy as problem:
        # Never sent: a retry with the same Idempotency-Key may charge it.
        checkout = _mark_not_sent(svc, checkout_id) or checkout
        return CheckoutView(checkout, access_token=token, problem=problem)
    except ServiceUnavailable as problem:
        return CheckoutView(checkout, access_token=token, problem=problem)
    try:
        _store(svc, checkout_id, charge=charge)
        if charge.status in CHECKOUT_STATUS_OF:  # a card answered at once (paid, refused)
            settlement.process(
                svc, choice.name, _answered(svc, choice, charge, checkout.total_amount)
            )
        return attrs.evolve(checkout_status(svc, checkout_id, token), access_token=token)
    except ServiceUnavailable as problem:
        # The charge exists: never answer without it. Its postback (our URL names the
        # checkout) adopts the transaction once the database is back; a retry with the
        # Idempotency-Key finds this checkout and charges nothing.
        log.error(
            "checkout %s: charged as transaction %s, but its answer could not be stored (%s)",
            checkout_id,
            charge.external_id,
            problem.message,
        )
        return CheckoutView(
            _charged(checkout, charge, svc.clock.now()), access_token=token, problem=problem
        )


def _mark_not_sent(svc: PaymentService, checkout_id: int) -> co.Checkout | None:
    try:
        with svc.uow() as uow:
            current = uow.checkouts.get_for_update(checkout_id)
            assert current is not None, f"checkout {checkout_id} was stored"
            current = uow.checkouts.update(current.with_payment(charge=idempotency.NOT_SENT))
            uow.commit()
        return current
    except ServiceUnavailable:
        return None  # unmarked: a retry answers with it and charges nothing


def _replay(svc: PaymentService, command: StartCheckout, key: str) -> CheckoutView | None:
    """The checkout stored under this Idempotency-Key (None when there is none yet), as
    its first answer gave it. One whose gateway was never called (GatewayBusy) is
    charged now, by exactly one of concurrent retries."""
    with svc.uow() as uow:
        stored = uow.checkouts.first({"idempotency_key": key})
        if stored is None:
            return None
        checkout = stored
        idempotency.check_same_request(checkout, command)
        retry = idempotency.never_charged(checkout)
        if retry:
            checkout = uow.checkouts.get_for_update(_stored(checkout)) or checkout
            retry = idempotency.never_charged(checkout)
            if retry:  # claimed for this request: a concurrent retry sees CHARGING
                checkout = uow.checkouts.update(checkout.with_payment(charge=idempotency.CHARGING))
                _, quote, choice = _priced(svc, uow, command)
        uow.commit()
    token = svc.checkout_token(_stored(checkout))
    if retry:
        view = _charge(svc, checkout, choice, quote, command, token)
    else:
        view = attrs.evolve(checkout_status(svc, _stored(checkout), token), access_token=token)
    return attrs.evolve(view, replayed=True)


def _stored(checkout: co.Checkout) -> int:
    assert checkout.id is not None, "read from the repository"
    return checkout.id


def _answered(
    svc: PaymentService, choice: GatewayChoice, charge: Charge, amount: int
) -> Transaction:
    """A charge the gateway settled at once (a card), as the gateway reads it back: how
    the buyer paid comes from the gateway, never from the client (a card it confirms
    assures the buyer's age). If the read-back fails or disagrees, the charge's own
    answer (the amount this very charge asked for), which assures nothing; the postback
    follows."""
    try:
        found = svc.adapter(choice).get_transaction(charge.external_id)
    except ServiceUnavailable:
        found = None
    if found is not None and found.status == charge.status:
        return found
    return Transaction(charge.external_id, charge.status, amount=amount)


def _store(
    svc: PaymentService,
    checkout_id: int,
    *,
    charge: Charge | None = None,
    status: str | None = None,
) -> None:
    """The second transaction: what the gateway answered."""
    now = svc.clock.now()
    with svc.uow() as uow:
        current = uow.checkouts.get_for_update(checkout_id)
        # start_checkout committed this checkout, and checkouts are never deleted.
        assert current is not None, f"checkout {checkout_id} not found"
        if charge is not None:
            current = _charged(current, charge, now)
        if status is not None:
            moved = co.advance(current, status, now)
            if moved is not None:
                current = moved
                uow.record(checkout_event(moved, now))
        uow.checkouts.update(current)
        if charge is not None:  # its handler mails the PIX code it reports
            uow.record(charge_event(current, now, pix_code_issued=bool(charge.pix_code)))
        uow.commit()


def _charged(checkout: co.Checkout, charge: Charge, now: datetime) -> co.Checkout:
    """The checkout with the gateway's answer to its charge. Its postback may have come
    first (and adopted the transaction): a settled checkout keeps the status it shows."""
    if checkout.external_id not in (None, charge.external_id):
        log.error(
            "checkout %s is charged as transaction %s, not %s: keeping the first",
            checkout.id,
            checkout.external_id,
            charge.external_id,
        )
        return checkout
    payment = checkout.payment.but(
        qr_code=charge.pix_code, expires_at=charge.pix_expires_at, secure_url=charge.secure_url
    )
    if charge.recurrence_id is not None:
        payment = payment.but(recurrence_id=charge.recurrence_id)
    if checkout.status == co.PENDING:
        payment = payment.but(status=charge.status)
    return attrs.evolve(
        checkout, external_id=charge.external_id, payment_data=payment, updated_at=now
    )


def checkout_status(
    svc: PaymentService,
    checkout_id: int,
    access_token: str | None,
) -> CheckoutView:
    """The buyer polls their checkout with the access token they were given."""
    svc.check_checkout_token(checkout_id, access_token)
    with svc.uow() as uow:
        checkout = uow.checkouts.get(checkout_id)
        if checkout is None:
            raise NotFound(f"checkout {checkout_id} not found")
        user = uow.users.get(checkout.user_id) if checkout.user_id is not None else None
    set_password = None
    if (
        checkout.status == co.PAID
        and checkout.payment.account_created
        and user is not None
        and not user.has_usable_password
    ):
        # Only for the account THIS checkout's payment created (recorded in the same
        # transaction): a buyer typing someone else's email never gets to set the
        # password of an account another purchase (or a sign-up) created.
        set_password = issue_set_password_token(svc.tokens, user)
    return CheckoutView(checkout, set_password_token=set_password)

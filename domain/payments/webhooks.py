"""Gateway webhooks (JunglePay, Dias Marketplace). They are not signed: the token of
the postback URL we gave the gateway authenticates them, their body is only a hint,
and a JunglePay transaction is read back from JunglePay before anything changes."""

from __future__ import annotations

import logging
import re
from typing import Any

import attrs

from domain.common.errors import Forbidden, GatewayRejected, ServiceUnavailable, Unauthenticated
from domain.payments import checkout as co
from domain.payments import pix_recurrences, pix_renewing, postbacks, settlement
from domain.payments.commands import DiasWebhook, JunglePayWebhook, PixNotice
from domain.payments.gateways import (
    DIAS,
    DIAS_PAID,
    DIAS_PENDING,
    JUNGLEPAY,
    NOT_CONFIGURED,
    PIX_GATEWAY,
    TX_PAID,
    WAITING_PAYMENT,
    PaymentGatewayConfig,
    Postback,
    Transaction,
    WebhookEvent,
    charge_reference,
    checkout_id_of_reference,
    event_key,
    gateway_row,
)
from domain.payments.renewing import RenewalService
from domain.payments.service import PaymentService
from domain.payments.settlement import IGNORED, UNMATCHED, Outcome

log = logging.getLogger("creatorflix.payments")

CHECKOUT_PARAM = "checkout"  # our checkout's id, carried in the postback URL we send
_MAX_REFERENCE = 200


def authenticate(svc: PaymentService, gateway: str, token: str | None) -> None:
    """Unauthenticated without the token of our postback URL, Forbidden with a wrong
    one. The edge calls it before reading the body (nothing a stranger sends is
    parsed); the use cases check again."""
    if not token:
        raise Unauthenticated("the postback token is missing")
    if not svc.webhooks.verify(gateway, token):
        raise Forbidden("wrong postback token")


def reference(value: Any) -> str | None:
    """A transaction reference or status as a gateway sends it (text or number); None
    when it cannot be one of ours: empty, too long, or holding control characters, NUL
    or lone surrogates (no database stores them)."""
    if isinstance(value, bool) or not isinstance(value, (str, int)):
        return None
    if isinstance(value, int) and abs(value) >= 10**_MAX_REFERENCE:
        return None
    text = str(value).strip()
    return text if 0 < len(text) <= _MAX_REFERENCE and text.isprintable() else None


def amount_in_cents(value: Any) -> int | None:
    """An amount as Dias posts it, in cents: an integer is cents (as JunglePay's), a
    number or text with a decimal point or comma is reais ("29.90", "29,90", 29.9 ->
    2990). None when it is none of these (a PAID then goes to review)."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value if 0 <= value < 10**12 else None
    if isinstance(value, float):
        value = repr(value)
    if not isinstance(value, str) or len(value) > 20:
        return None
    text = value.strip().replace(",", ".")
    if re.fullmatch(r"[0-9]{1,12}", text):
        return int(text)
    if re.fullmatch(r"[0-9]{1,10}\.[0-9]{1,2}", text):
        reais, _, cents = text.partition(".")
        return int(reais) * 100 + int(cents.ljust(2, "0"))
    return None


def checkout_id_of(ref: str | None) -> int | None:
    """The checkout id our postback URL carries, when it is one."""
    if ref is None or not re.fullmatch(r"[0-9]{1,10}", ref):
        return None
    value = int(ref)
    return value if 0 < value < 2**31 else None


def handle_junglepay(svc: PaymentService, webhook: JunglePayWebhook) -> Outcome:
    """A JunglePay postback: recorded (outcome `queued`) for the background worker,
    which reads the transaction back and settles it (`settle_junglepay`); JunglePay is
    never called inside the request."""
    authenticate(svc, JUNGLEPAY, webhook.token)
    external_id = webhook.transaction_id
    if external_id is None:
        return Outcome(IGNORED)
    return postbacks.record(svc, JUNGLEPAY, external_id, webhook.checkout_ref)


def settle_postback(
    svc: PaymentService, postback: postbacks.Postback, renewals: RenewalService | None = None
) -> Outcome:
    """The worker's part of a recorded postback (domain.payments.postbacks.settle_due);
    `renewals` settles Pix Automático's cobr notices."""
    if postback.gateway == PIX_GATEWAY:
        return settle_pix(svc, postback.external_id)
    if postback.gateway == pix_recurrences.REC_POSTBACK:
        return pix_recurrences.settle_rec(svc, postback.external_id)
    if postback.gateway == pix_recurrences.COBR_POSTBACK:
        if renewals is None:
            raise ServiceUnavailable("cobr notices are settled by the renewal engine")
        return pix_renewing.settle_cobr(renewals, postback.external_id)
    return settle_junglepay(svc, postback.external_id, postback.checkout_ref)


def handle_pix(svc: PaymentService, notice: PixNotice) -> Outcome:
    """A notice of the API Pix: never trusted. Each txid it names is recorded (outcome
    `queued`, one transaction) for the background worker, which reads the cob back
    (`settle_pix`); the PSP is answered at once and never called inside the request."""
    authenticate(svc, PIX_GATEWAY, notice.token)
    if not notice.txids:
        return Outcome(IGNORED)
    now = svc.clock.now()
    with svc.uow() as uow:
        for txid in notice.txids:
            uow.postbacks.add(
                Postback(
                    id=None,
                    gateway=notice.kind,
                    external_id=txid,
                    next_attempt_at=now,
                    received_at=now,
                )
            )
        uow.commit()
    return Outcome(postbacks.QUEUED)


def settle_pix(svc: PaymentService, txid: str) -> Outcome:
    """The cob as the PSP reports it (GET /cob/{txid}) is what we act on: paid only when
    CONCLUIDA, and then for what its `pix` received (settlement.decide refuses another
    amount). A cob whose charge answer we lost is adopted by the checkout its txid names
    (domain.payments.gateways.charge_reference) when amount and status agree."""
    named = checkout_id_of_reference(txid)
    with svc.uow() as uow:
        known = uow.checkouts.get_by_external_id(txid, PIX_GATEWAY) is not None
        owner = uow.checkouts.get(named) if named and not known else None
        config = gateway_row(svc.gateway_rows(uow), PIX_GATEWAY)
    if (
        owner is None
        or owner.created_at is None
        or charge_reference(named or 0, owner.created_at) != txid
    ):
        named = None  # not the txid we would have given that checkout's charge
    tx = svc.gateways.pix(config).get_transaction(txid)
    if tx is None:
        log.warning("the PSP does not know cob %s (forged notice?)", txid)
        return Outcome(IGNORED)
    if known:
        return settlement.process(svc, PIX_GATEWAY, tx)
    return _adopt_or_record(svc, PIX_GATEWAY, tx, named)


def settle_junglepay(svc: PaymentService, external_id: str, checkout_ref: str | None) -> Outcome:
    """The transaction is read back from JunglePay and its status there is what we act
    on. A transaction no checkout knows (its charge's answer was lost to a timeout) is
    adopted by the checkout our URL names when amount and buyer agree; otherwise it is
    recorded as unmatched for a human to look at. ServiceUnavailable: try again later."""
    with svc.uow() as uow:
        known = uow.checkouts.get_by_external_id(external_id, JUNGLEPAY) is not None
        config = gateway_row(svc.gateway_rows(uow), JUNGLEPAY)
    tx = _read_back(svc, config, external_id)
    if tx is None:
        log.warning("JunglePay does not know transaction %s (forged postback?)", external_id)
        return Outcome(IGNORED)
    if known:
        return settlement.process(svc, JUNGLEPAY, tx)
    return _adopt_or_record(svc, JUNGLEPAY, tx, checkout_id_of(checkout_ref))


def _read_back(
    svc: PaymentService, config: PaymentGatewayConfig | None, external_id: str
) -> Transaction | None:
    """The transaction as JunglePay reports it (None when it does not know it)."""
    if config is None or not config.secret_key:
        raise ServiceUnavailable(NOT_CONFIGURED)  # non-2xx: JunglePay retries later
    return svc.gateways.junglepay(config).get_transaction(external_id)


def handle_original_junglepay(svc: PaymentService, webhook: JunglePayWebhook) -> Outcome:
    """A JunglePay postback at the original platform's path. With a token, as
    `handle_junglepay`. Without one (charges the original made before the take-over
    post back to the URL it gave, which has none) it is believed only about a charge
    we know: its transaction id must be a JunglePay checkout's external_id (then it is
    recorded for the worker, which asks JunglePay: a transaction JunglePay does not
    know changes nothing); what it says is applied as any notification (the body
    stays a hint). About no checkout of ours it is IGNORED (issue 20, finding 11):
    JunglePay itself keeps posting about the original's old charges, which must not
    count as failures against its address; nothing is recorded or adopted for a
    stranger, and JunglePay is never asked about an id no checkout has."""
    if webhook.token:
        return handle_junglepay(svc, webhook)
    external_id = webhook.transaction_id
    if external_id is None:
        return Outcome(IGNORED)
    with svc.uow() as uow:
        checkout = uow.checkouts.get_by_external_id(external_id, JUNGLEPAY)
    if checkout is None or not settlement.charged_through(checkout, JUNGLEPAY):
        return Outcome(IGNORED)
    # The worker reads it back (settle_junglepay): should JunglePay not know it, nothing
    # changes (ignored), as for any postback.
    return postbacks.record(svc, JUNGLEPAY, external_id, None)


def _adoptable(checkout: co.Checkout | None, gateway: str, tx: Transaction) -> bool:
    """The checkout whose charge answer we lost: charged through `gateway`, still
    waiting (or given up on), without a transaction id (or this one already), for
    exactly this amount and, when the gateway says, this buyer."""
    if checkout is None or not settlement.charged_through(checkout, gateway):
        return False
    email = (tx.customer_email or "").strip().lower()
    return (
        checkout.status in (co.PENDING, co.ABANDONED)
        and checkout.external_id in (None, tx.external_id)
        and tx.amount is not None
        and tx.amount == checkout.total_amount
        and (not email or email == (checkout.customer_email or "").lower())
    )


def _adopt_or_record(
    svc: PaymentService, gateway: str, tx: Transaction, checkout_id: int | None
) -> Outcome:
    now = svc.clock.now()
    with svc.uow() as uow:
        if uow.renewals.first({"transaction_id": tx.external_id}) is not None:
            # A renewal's charge of a saved card (domain.payments.renewing): recorded
            # when it answered; its postback has nothing to settle.
            return Outcome(IGNORED)
        candidate = uow.checkouts.get_for_update(checkout_id) if checkout_id else None
        adopted, first_time = _adoptable(candidate, gateway, tx), False
        if adopted:
            assert candidate is not None, "_adoptable refuses None"
            uow.checkouts.update(
                attrs.evolve(candidate, external_id=tx.external_id, updated_at=now)
            )
        else:
            # Its own event key: should the transaction be matched later, its
            # notification is still processed, not taken for this one's duplicate.
            first_time = uow.webhook_events.record(
                WebhookEvent(
                    id=None,
                    gateway=gateway,
                    event_key="unmatched:" + event_key(tx.external_id, tx.status),
                    external_id=tx.external_id,
                    status=tx.status,
                    outcome=UNMATCHED,
                    received_at=now,
                )
            )
        uow.commit()
    if adopted:
        log.warning(
            "%s transaction %s adopted by checkout %s (the answer to its charge was lost)",
            gateway,
            tx.external_id,
            checkout_id,
        )
        return settlement.process(svc, gateway, tx)
    if first_time:
        log.error(
            "%s transaction %s (%s, amount %s) matches no checkout (postback for "
            "checkout %s): money may have moved, check it by hand",
            gateway,
            tx.external_id,
            tx.status,
            tx.amount,
            checkout_id,
        )
    return Outcome(UNMATCHED)


def handle_dias(svc: PaymentService, webhook: DiasWebhook) -> Outcome:
    """A Dias Marketplace postback: its reference names our checkout; PENDING records a
    pending subscription, PAID activates it when its amount is the checkout's total
    (another amount, or none, puts the checkout in review for an administrator)."""
    authenticate(svc, DIAS, webhook.token)
    ref = webhook.reference
    status = (webhook.status or "").upper()
    if ref is None or status not in (DIAS_PENDING, DIAS_PAID):
        return Outcome(IGNORED)
    tx = Transaction(
        external_id=ref,
        status=TX_PAID if status == DIAS_PAID else WAITING_PAYMENT,
        amount=webhook.amount,
    )
    return settlement.process(svc, DIAS, tx, hold_pending=status == DIAS_PENDING)


def register_pix_notices(svc: PaymentService, config: PaymentGatewayConfig | None = None) -> bool:
    """Register our notice URL (with its token) for the operator's key at the PSP (PUT
    /webhook/{chave}), through the pix row's settings (`config`, else the stored row)
    or CREATORFLIX_PIX_*: on activation and at start-up, best effort. False (logged)
    when it failed or nothing is configured."""
    url = svc.webhooks.url(PIX_GATEWAY)
    if config is None:
        with svc.uow() as uow:
            config = gateway_row(svc.gateway_rows(uow), PIX_GATEWAY)
    try:
        svc.gateways.register_pix_webhook(config, url)
    except (ServiceUnavailable, GatewayRejected) as problem:
        log.error(
            "PIX notices: our URL could not be registered at the PSP (%s): no paid "
            "PIX is settled until it is",
            problem.message,
        )
        return False
    log.info("PIX notices: our URL is registered at the PSP for the key")
    try:  # Pix Automático's notices: the PSP appends /rec and /cobr to the same URL
        svc.gateways.pix_recurring(config).register_recurring_webhooks(url)
    except (ServiceUnavailable, GatewayRejected) as problem:
        log.warning(
            "Pix Automático notices: our URL could not be registered at the PSP (%s): "
            "recurrences are read back by `creatorflix jobs` only",
            problem.message,
        )
    return True

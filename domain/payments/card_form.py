"""The in-page card form (issue 22): shown when JunglePay charges and has a public key.
The card is encrypted in the buyer's page by JunglePay's own script (their v1 flow:
`JunglePagamentos.setPublicKey(pk)`, then `encrypt({...})` -> a card hash valid 5
minutes); only the hash and the installments reach us, never the card number."""

from __future__ import annotations

from attrs import frozen

from domain.common.errors import ServiceUnavailable
from domain.payments.gateways import JUNGLEPAY, PIX_GATEWAY, GatewayChoice
from domain.payments.pix_automatico import PERIODICITY
from domain.payments.service import PaymentService


@frozen
class CardForm:
    """What the checkout page needs to encrypt a card: JunglePay's public key and
    script (CREATORFLIX_JUNGLEPAY_JS_URL)."""

    public_key: str
    script_url: str


@frozen
class CheckoutOptions:
    """How the checkout page takes payments: the in-page card form (None: PIX or the
    plan's external page), and the plan durations "PIX Automático" renews here (empty
    unless a PSP's API Pix charges; the plan must also renew automatically)."""

    card: CardForm | None
    pix_automatico: tuple[int, ...]


def checkout_options(svc: PaymentService, script_url: str) -> CheckoutOptions:
    with svc.uow() as uow:
        try:
            choice: GatewayChoice | None = svc.choose(uow)
        except ServiceUnavailable:
            choice = None
    if choice is None:
        return CheckoutOptions(card=None, pix_automatico=())
    recurring = tuple(sorted(PERIODICITY)) if choice.name == PIX_GATEWAY else ()
    return CheckoutOptions(card=_card_form(choice, script_url), pix_automatico=recurring)


def card_form(svc: PaymentService, script_url: str) -> CardForm | None:
    """The card form's settings, or None when cards are not paid in the page here (the
    sandbox, no gateway configured, no public key): PIX or the plan's external page."""
    return checkout_options(svc, script_url).card


def _card_form(choice: GatewayChoice, script_url: str) -> CardForm | None:
    config = choice.config
    if choice.name != JUNGLEPAY or config is None or not config.public_key:
        return None
    return CardForm(public_key=config.public_key, script_url=script_url)

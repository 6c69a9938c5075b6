"""The in-page card form (issue 22): shown when JunglePay charges and has a public key.
The card is encrypted in the buyer's page by JunglePay's own script (their v1 flow:
`JunglePagamentos.setPublicKey(pk)`, then `encrypt({...})` -> a card hash valid 5
minutes); only the hash and the installments reach us, never the card number."""

from __future__ import annotations

from attrs import frozen

from domain.common.errors import ServiceUnavailable
from domain.payments.gateways import JUNGLEPAY
from domain.payments.service import PaymentService


@frozen
class CardForm:
    """What the checkout page needs to encrypt a card: JunglePay's public key and
    script (CREATORFLIX_JUNGLEPAY_JS_URL)."""

    public_key: str
    script_url: str


def card_form(svc: PaymentService, script_url: str) -> CardForm | None:
    """The card form's settings, or None when cards are not paid in the page here (the
    sandbox, no gateway configured, no public key): PIX or the plan's external page."""
    with svc.uow() as uow:
        try:
            choice = svc.choose(uow)
        except ServiceUnavailable:
            return None
    config = choice.config
    if choice.name != JUNGLEPAY or config is None or not config.public_key:
        return None
    return CardForm(public_key=config.public_key, script_url=script_url)

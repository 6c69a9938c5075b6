"""Age assurance's reactions to events of other capabilities, run before the unit of
work that recorded them commits (the table is in entrypoints/bootstrap.py)."""
from __future__ import annotations

from domain.assurance.service import assure_card_buyer
from domain.payments.checkout import CREDIT_CARD
from domain.payments.events import CheckoutEvent
from ports.unit_of_work import UnitOfWork


def assure_card_buyer_on_paid(event: CheckoutEvent, uow: UnitOfWork) -> None:
    """A paid (or just claimed) credit-card checkout assures its buyer's age (card
    data is on the ANPD's list of age checks; a PIX payment is not: a bank account can
    belong to a minor). None while unclaimed: an unverified account may be a
    stranger's. Registered only while CREATORFLIX_AGE_METHODS has `card`."""
    if event.payment_method == CREDIT_CARD and event.user_id is not None:
        assure_card_buyer(uow, event.user_id, event.checkout_id, event.occurred_at)

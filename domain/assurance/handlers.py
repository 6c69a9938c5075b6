"""Age assurance's reactions to events of other capabilities, run before the unit of
work that recorded them commits (the table is in entrypoints/bootstrap.py)."""

from __future__ import annotations

import attrs

from domain.accounts.events import UserErased
from domain.assurance.documents import document_key
from domain.assurance.entities import DOCUMENT, PENDING
from domain.assurance.service import assure_card_buyer
from domain.payments.events import CheckoutEvent
from ports.storage import ObjectStorage
from ports.unit_of_work import UnitOfWork


def assure_card_buyer_on_paid(event: CheckoutEvent, uow: UnitOfWork) -> None:
    """A paid (or just claimed) checkout paid by a card our gateway confirmed (JunglePay
    read it back as a paid credit-card transaction) assures its buyer's age (card data
    is on the ANPD's list of age checks; a PIX payment is not: a bank account can belong
    to a minor; an external page's word never is). None while unclaimed: an unverified
    account may be a stranger's. Registered only while CREATORFLIX_AGE_METHODS has
    `card`."""
    if event.card_confirmed and event.user_id is not None:
        assure_card_buyer(uow, event.user_id, event.checkout_id, event.occurred_at)


def forget_age_checks(event: UserErased, uow: UnitOfWork, *, storage: ObjectStorage | None) -> None:
    """An erased account's age checks: pending ID photos go (file first: a failure
    rolls the erasure back, to be retried; the row too, out of the admin queue);
    decided checks keep their outcome and dates, not the provider's subject."""
    for record in uow.age_assurances.find({"user_id": event.user_id}).items:
        assert record.id is not None, "read from the repository"
        if record.method == DOCUMENT and record.outcome == PENDING:
            if storage is not None:
                storage.delete_object(document_key(record.id))
            uow.age_assurances.delete(record.id)
        elif record.provider_ref is not None:
            uow.age_assurances.update(attrs.evolve(record, provider_ref=None))

"""The payments capability's reactions to events, run by the unit of work that recorded
them, before it commits (the table is in entrypoints/bootstrap.py). Each is
`(event, uow) -> None`; what else it needs is bound there."""

from __future__ import annotations

from domain.common.throttle import Throttle
from domain.payments import activation, notices
from domain.payments import checkout as co
from domain.payments import withdrawal as wd
from domain.payments.events import (
    CheckoutCharged,
    CheckoutEvent,
    CheckoutPaid,
    CheckoutRefunded,
    WithdrawalRequested,
)
from ports.security import Signer
from ports.unit_of_work import UnitOfWork


def grant_paid_access(event: CheckoutEvent, uow: UnitOfWork) -> None:
    """A paid (or just claimed) checkout gives its buyer (tied to it, locked by the
    settlement) the plan's days of access, chained after what they already have."""
    if event.user_id is None:
        return  # unclaimed (domain.payments.claims): no one's yet, nothing granted
    assert event.external_id is not None, "a checkout is paid through its transaction"
    buyer = uow.users.get_for_update(event.user_id)
    plan = uow.plans.get(event.plan_id)
    # checkouts.plan_id references plans (no cascade): a referenced plan is never deleted.
    assert buyer is not None and plan is not None, f"checkout {event.checkout_id}"
    activation.grant(uow, buyer, plan, event.external_id, event.occurred_at)


def end_paid_access(event: CheckoutEvent, uow: UnitOfWork) -> None:
    """Refunded, charged back, refused, canceled: end what the checkout's payment
    granted or held."""
    if event.external_id is None:
        return  # never charged: nothing was granted or held
    grantee = _grantee_id(uow, event)
    if grantee is not None:
        activation.end_grants(uow, grantee, event.external_id, event.occurred_at)


def _grantee_id(uow: UnitOfWork, event: CheckoutEvent) -> int | None:
    """Whom this checkout's grant went to: its buyer; for rows copied from the original
    (no user_id), the account with its email."""
    if event.user_id is not None:
        return event.user_id
    checkout = uow.checkouts.get(event.checkout_id)
    if checkout is None or not checkout.customer_email:
        return None
    user = uow.users.get_for_update_by_email(checkout.customer_email)
    return user.id if user is not None else None


def mail_receipt(
    event: CheckoutPaid,
    uow: UnitOfWork,
    *,
    public_url: str,
    tokens: Signer,
    age_check: tuple[str, str] | None = None,
    age_assured: notices.AgeAssured | None = None,
) -> None:
    """The receipt (and set-password link) of a paid checkout, after its grant (and the
    way to the age check when the payment did not assure the buyer: `age_check`)."""
    checkout = uow.checkouts.get(event.checkout_id)
    if checkout is not None:
        notices.queue_receipt(
            uow,
            public_url,
            tokens,
            checkout,
            event.occurred_at,
            age_check=age_check,
            age_assured=age_assured,
        )


def mail_pix_code(
    event: CheckoutCharged,
    uow: UnitOfWork,
    *,
    public_url: str,
    tokens: Signer,
    throttle: Throttle | None = None,
) -> None:
    """The PIX code (copy-paste and QR) of a charge still waiting to be paid, within
    the address's cap of such mails (`throttle`: anyone may name any email)."""
    checkout = uow.checkouts.get(event.checkout_id)
    if event.pix_code_issued and checkout is not None and checkout.status == co.PENDING:
        notices.queue_pix_created(uow, public_url, tokens, checkout, event.occurred_at, throttle)


def close_withdrawal(event: CheckoutRefunded, uow: UnitOfWork) -> None:
    """A refunded checkout's open withdrawal request is done."""
    wd.close_refunded(uow, event.checkout_id, event.occurred_at)


def acknowledge_withdrawal(event: WithdrawalRequested, uow: UnitOfWork) -> None:
    wd.acknowledge(uow, event)

"""Two gateways may use the same transaction id: a notification only ever touches the
checkout its own gateway charged, and a refund ends only the grant that checkout gave."""

from __future__ import annotations

from domain.payments import settlement
from domain.payments.checkout import Checkout
from domain.payments.gateways import DIAS, JUNGLEPAY, Transaction
from tests.support.payments import add_catalogue, subscriptions_of


def add_checkout(deps, plan, email: str, payment_data) -> Checkout:
    with deps.uow() as uow:
        checkout = uow.checkouts.add(
            Checkout(
                id=None,
                plan_id=plan.id,
                total_amount=plan.price,
                external_id="tx1",
                customer_email=email,
                customer_name="X",
                payment_data=payment_data,
                created_at=deps.clock.now(),
                updated_at=deps.clock.now(),
            )
        )
        uow.commit()
    return checkout


def statuses(deps, *checkouts) -> list[str]:
    with deps.uow() as uow:
        return [uow.checkouts.get(c.id).status for c in checkouts]


def test_a_shared_transaction_id_settles_each_gateways_own_checkout(deps, clock):
    svc = deps.payments_service
    plan, _ = add_catalogue(deps)
    dias = add_checkout(deps, plan, "a@example.com", {"provider": "dias"})
    legacy = add_checkout(deps, plan, "b@example.com", None)  # the original's: JunglePay

    paid = settlement.process(svc, JUNGLEPAY, Transaction("tx1", "paid", amount=plan.price))
    assert (paid.status, paid.checkout_id) == (settlement.PROCESSED, legacy.id)
    assert statuses(deps, dias, legacy) == ["pending", "paid"]
    assert (
        settlement.process(svc, DIAS, Transaction("tx1", "paid", amount=plan.price)).checkout_id
        == dias.id
    )
    assert statuses(deps, dias, legacy) == ["paid", "paid"]

    clock.advance(days=2)
    refund = settlement.process(svc, JUNGLEPAY, Transaction("tx1", "refunded", amount=plan.price))
    assert (refund.status, refund.checkout_id) == (settlement.PROCESSED, legacy.id)
    assert statuses(deps, dias, legacy) == ["paid", "refunded"]
    [kept] = subscriptions_of(deps, "a@example.com")
    [ended] = subscriptions_of(deps, "b@example.com")
    assert kept.status == "active" and ended.status == "canceled"
    assert ended.end_date == clock.now()

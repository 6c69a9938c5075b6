"""The renewal engine (domain.payments.renewing) on the memory unit of work, with a
fake of the SavedCardGateway port, under hypothesis: however often the job runs and
whatever the card answers, a period is paid at most once, charged at most 1 + retries
times, and the subscription ends exactly its paid periods after its first end."""

from __future__ import annotations

from datetime import datetime, timedelta

import attrs
from hypothesis import given, settings
from hypothesis import strategies as st

from adapters.clock import FakeClock
from adapters.memory.unit_of_work import MemoryStore
from domain.accounts.users import User
from domain.catalog.entities import AUTOMATIC, Plan
from domain.common.errors import FinalRefusal, PaymentRefused
from domain.payments import renewals, renewing
from domain.payments.checkout import CREDIT_CARD, PAID, Checkout
from domain.payments.gateways import Charge, PaymentGatewayConfig
from domain.payments.subscriptions import Subscription
from entrypoints.bootstrap import build_memory_deps
from entrypoints.config import Config

START = datetime(2028, 2, 27, 22, 0)  # over a leap day


class FakeSavedCards:
    """The PaymentGateways port whose JunglePay charges saved cards as told."""

    def __init__(self, answers: list[str]):
        self.answers = list(answers)
        self.calls: list = []

    def junglepay(self, config):
        return self

    def sandbox(self):
        raise AssertionError("not the sandbox")

    def circuits(self):
        return {}

    def create_charge(self, request):
        raise AssertionError("renewals charge saved cards only")

    def get_transaction(self, external_id):
        return None

    def charge_saved_card(self, request) -> Charge:
        self.calls.append(request)
        answer = self.answers.pop(0) if self.answers else "paid"
        if answer == "refused":
            raise PaymentRefused("refused")
        if answer == "final":
            raise FinalRefusal("card cancelled")
        return Charge(external_id=f"tx{len(self.calls)}", status="paid")


def shop(answers: list[str]):
    clock = FakeClock(START)
    deps = build_memory_deps(
        Config(secret_key="k" * 40, gateway="junglepay"), clock=clock, store=MemoryStore()
    )
    cards = FakeSavedCards(answers)
    deps = attrs.evolve(deps, payments=cards)
    with deps.uow() as uow:
        uow.payment_gateways.add(
            PaymentGatewayConfig(id=None, name="junglepay", secret_key="sk", is_active=True)
        )
        plan = uow.plans.add(
            Plan(id=None, name="Mensal", price=2990, duration=30, renewal=AUTOMATIC)
        )
        user = uow.users.add(
            User(id=None, email="ana@example.com", name="Ana", password="x", created_at=START)
        )
        uow.checkouts.add(
            Checkout(
                id=None,
                plan_id=plan.id,
                total_amount=2990,
                user_id=user.id,
                external_id="tx0",
                payment_method=CREDIT_CARD,
                status=PAID,
                customer_name="Ana",
                customer_email="ana@example.com",
                customer_document="52998224725",
                customer_phone="11987654321",
                payment_data={"provider": "junglepay"},
                created_at=START,
                updated_at=START,
            )
        )
        uow.subscriptions.add(
            Subscription(
                id=None,
                user_id=user.id,
                plan_id=plan.id,
                external_id="tx0",
                status="active",
                start_date=START - timedelta(days=30),
                end_date=START + timedelta(hours=5),
                auto_renew=True,
                renewal_state=renewals.RENEWING,
                card_ref="card_1",
            )
        )
        uow.commit()
    return deps, clock, cards


@settings(max_examples=60, deadline=None)
@given(
    answers=st.lists(st.sampled_from(["paid", "refused", "final"]), max_size=8),
    steps=st.lists(st.tuples(st.integers(0, 80), st.integers(1, 3)), min_size=1, max_size=25),
)
def test_retried_jobs_pay_each_period_once(answers, steps):
    deps, clock, cards = shop(answers)
    service = deps.renewals
    for hours, runs in steps:
        clock.advance(hours=hours)
        for _ in range(runs):  # the job retried, or run by several crons
            renewing.run_due(service)
    with deps.uow() as uow:
        rows = list(uow.renewals.find(order_by=["id"]).items)
        [sub] = uow.subscriptions.find().items
    periods = [r.period_start for r in rows]
    assert len(periods) == len(set(periods))  # one row per period
    paid = [r for r in rows if r.status == renewals.PAID]
    assert len(cards.calls) == sum(r.attempts for r in rows)  # every call recorded
    assert all(r.attempts <= 1 + len(service.schedule.retries) for r in rows)
    first_end = START + timedelta(hours=5)
    assert [r.period_start for r in paid] == [
        first_end + timedelta(days=30 * n) for n in range(len(paid))
    ]
    if sub.renewal_state == renewals.RENEWING:
        assert sub.end_date == first_end + timedelta(days=30 * len(paid))
    assert sum(1 for r in rows if r.status in (renewals.CHARGING, renewals.DUE)) == 0

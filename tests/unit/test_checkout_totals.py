"""Checkout totals: the plan's price plus each selected active bump once, from stored
prices only."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from domain.catalog.entities import OrderBump, Plan
from domain.common.errors import ValidationError
from domain.payments.checkout import CREDIT_CARD, PIX
from domain.payments.pricing import quote

prices = st.integers(min_value=0, max_value=1_000_000)


@st.composite
def catalogues(draw):
    plan = Plan(id=1, name="P", price=draw(prices), duration=30)
    bumps = [
        OrderBump(id=i, name=f"B{i}", price=draw(prices), is_active=draw(st.booleans()))
        for i in range(1, draw(st.integers(0, 8)) + 1)
    ]
    return plan, bumps


@given(catalogues(), st.data())
def test_total_is_the_plan_plus_each_selected_active_bump_once(catalogue, data):
    plan, bumps = catalogue
    active = [b.id for b in bumps if b.is_active]
    chosen = data.draw(st.lists(st.sampled_from(active), max_size=20)) if active else []
    distinct = list(dict.fromkeys(chosen))
    total = plan.price + sum(b.price for b in bumps if b.id in distinct)
    if total == 0:  # nothing to charge: no gateway takes a zero amount
        with pytest.raises(ValidationError) as caught:
            quote(plan, PIX, chosen, bumps)
        assert caught.value.field == "plan_id"
        return
    q = quote(plan, PIX, chosen, bumps)
    assert q.total == total
    assert q.order_bump_ids == distinct


@given(catalogues(), st.data())
def test_an_unknown_or_inactive_bump_is_refused(catalogue, data):
    plan, bumps = catalogue
    unavailable = [b.id for b in bumps if not b.is_active] + [99]
    active = [b.id for b in bumps if b.is_active]
    chosen = data.draw(st.lists(st.sampled_from(active), max_size=5)) if active else []
    bad = data.draw(st.sampled_from(unavailable))
    position = data.draw(st.integers(0, len(chosen)))
    with pytest.raises(ValidationError) as caught:
        quote(plan, PIX, chosen[:position] + [bad] + chosen[position:], bumps)
    assert caught.value.field == "order_bump_ids"


@pytest.mark.parametrize(
    "method, plan_fields",
    [(PIX, {"accepts_pix": False}), (CREDIT_CARD, {"accepts_card": False}), ("boleto", {})],
)
def test_a_payment_method_the_plan_does_not_accept_is_refused(method, plan_fields):
    plan = Plan(id=1, name="P", price=100, duration=30, **plan_fields)
    with pytest.raises(ValidationError) as caught:
        quote(plan, method, [], [])
    assert caught.value.field == "payment_method"


def test_the_total_ignores_everything_but_stored_prices():
    plan = Plan(id=1, name="P", price=2990, duration=30)
    bump = OrderBump(id=7, name="B", price=990)
    assert quote(plan, CREDIT_CARD, [7, 7, 7], [bump]).total == 3980

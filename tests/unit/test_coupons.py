"""Coupon arithmetic with hypothesis (domain.payments.coupons): a discount is never
negative nor above the price, a percentage is rounded half up to the cent, and what a
subscription keeps for its renewals follows the coupon's duration."""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from domain.common.errors import ValidationError
from domain.payments import coupons
from domain.payments.coupons import Coupon

PRICES = st.integers(min_value=-5, max_value=10_000_000)
NOW = datetime(2026, 3, 1, 12)


@given(PRICES, st.integers(1, 100))
def test_a_percentage_is_rounded_half_up_to_the_cent_and_never_exceeds_the_price(price, pct):
    off = coupons.discount(Coupon(id=1, code="P", percent_off=pct), price)
    assert 0 <= off <= max(price, 0)
    if price > 0:
        exact = (Decimal(price) * pct / 100).quantize(Decimal(1), rounding=ROUND_HALF_UP)
        assert off == int(exact)
        assert price - off >= 0
    if pct == 100:
        assert off == max(price, 0)


@given(PRICES, st.integers(1, 10_000_000))
def test_an_amount_never_takes_the_price_below_zero(price, amount):
    off = coupons.discount(Coupon(id=1, code="A", amount_off=amount), price)
    assert off == (min(amount, price) if price > 0 else 0)
    assert max(price, 0) - off >= 0


@given(st.sampled_from(coupons.DURATIONS), st.integers(1, 24))
def test_what_renewals_keep_follows_the_duration(duration, cycles):
    coupon = Coupon(
        id=7,
        code="C",
        percent_off=10,
        duration=duration,
        cycles=cycles if duration == coupons.REPEATING else None,
    )
    kept = coupons.renewals_left(coupon)
    if duration == coupons.FOREVER:
        assert kept == (7, None)
    elif duration == coupons.REPEATING and cycles > 1:
        assert kept == (7, cycles - 1)
    else:
        assert kept == (None, None)


def test_unusable_coupons_are_a_400_on_coupon():
    fine = Coupon(
        id=1,
        code="OK",
        amount_off=100,
        plan_ids=[2],
        expires_at=NOW + timedelta(days=1),
        max_redemptions=2,
        times_redeemed=1,
    )
    assert coupons.check_usable(fine, 2, NOW) is fine
    for coupon, plan_id in (
        (None, 2),
        (fine, 3),
        (Coupon(id=1, code="E", amount_off=1, expires_at=NOW), 2),
        (Coupon(id=1, code="U", amount_off=1, max_redemptions=1, times_redeemed=1), 2),
    ):
        with pytest.raises(ValidationError) as caught:
            coupons.check_usable(coupon, plan_id, NOW)
        assert caught.value.field == "coupon"

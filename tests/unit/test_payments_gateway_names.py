"""Which payment_gateways row is which gateway: by its name as people write it, so the
original platform's 'JunglePay' and 'Dias Marketplace' rows are our junglepay and dias."""

from __future__ import annotations

import pytest

from domain.common.errors import ServiceUnavailable
from domain.payments.gateways import (
    DIAS,
    JUNGLEPAY,
    SANDBOX,
    PaymentGatewayConfig,
    choose_gateway,
    gateway_of,
    gateway_row,
    missing_gateways,
    sandbox_enabled,
)


def row(
    name: str, id: int | None = None, active: bool = False, secret: str | None = "sk"
) -> PaymentGatewayConfig:
    return PaymentGatewayConfig(id=id, name=name, secret_key=secret, is_active=active)


@pytest.mark.parametrize(
    "name, gateway",
    [
        ("junglepay", JUNGLEPAY),
        ("JunglePay", JUNGLEPAY),
        ("JUNGLEPAY", JUNGLEPAY),
        ("Jungle Pay", JUNGLEPAY),
        ("jungle-pay", JUNGLEPAY),
        ("jungle_pay", JUNGLEPAY),
        (" JunglePay\t", JUNGLEPAY),
        ("dias", DIAS),
        ("Dias", DIAS),
        ("Dias Marketplace", DIAS),
        ("diasmarketplace", DIAS),
        ("DIAS-MARKETPLACE", DIAS),
        ("dias_marketplace", DIAS),
        ("sandbox", SANDBOX),
        ("Sandbox", SANDBOX),
        ("PayPal", None),
        ("jungle", None),
        ("marketplace", None),
        ("dias pay", None),
        ("", None),
        (None, None),
    ],
)
def test_rows_are_matched_by_name_case_spaces_hyphens_and_underscores_aside(name, gateway):
    assert gateway_of(name) == gateway


def test_the_row_of_a_gateway_is_the_active_one_else_the_oldest():
    rows = [row("Dias Marketplace", 1), row("junglepay", 3), row("JunglePay", 2)]
    assert gateway_row(rows, JUNGLEPAY).id == 2
    assert gateway_row(rows + [row("jungle pay", 4, active=True)], JUNGLEPAY).id == 4
    assert gateway_row(rows, DIAS).id == 1
    assert gateway_row(rows, SANDBOX) is None and gateway_row([], JUNGLEPAY) is None


def test_only_gateways_no_row_stands_for_are_missing():
    assert missing_gateways(["JunglePay", "Dias Marketplace"], [JUNGLEPAY, DIAS]) == []
    assert missing_gateways(["JunglePay", "PayPal"], [JUNGLEPAY, DIAS]) == [DIAS]
    assert missing_gateways([], [JUNGLEPAY, DIAS]) == [JUNGLEPAY, DIAS]


def test_the_originals_active_junglepay_row_charges():
    rows = [row("JunglePay", 1, active=True, secret="sk_live"), row("Dias Marketplace", 2)]
    choice = choose_gateway(rows, SANDBOX)
    assert (choice.name, choice.config) == (JUNGLEPAY, rows[0])
    assert not sandbox_enabled(rows, SANDBOX)
    by_default = choose_gateway([row("JunglePay", 1, secret="sk_live")], JUNGLEPAY)
    assert by_default.name == JUNGLEPAY and by_default.config.secret_key == "sk_live"
    assert (
        choose_gateway([row("Dias Marketplace", 2, active=True, secret=None)], JUNGLEPAY).name
        == DIAS
    )


def test_an_active_row_of_an_unknown_gateway_charges_nothing():
    with pytest.raises(ServiceUnavailable, match="not configured"):
        choose_gateway([row("PayPal", 1, active=True)], SANDBOX)
    assert not sandbox_enabled([row("PayPal", 1, active=True)], SANDBOX)
    assert sandbox_enabled([row("Sandbox", 1, active=True)], SANDBOX)

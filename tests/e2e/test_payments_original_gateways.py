"""The original platform's payment_gateways rows, 'JunglePay' and 'Dias Marketplace',
are our junglepay and dias gateways: shown configured with their keys and active flag,
charging, and configured in place (never renamed, never duplicated)."""

from __future__ import annotations

import pytest

from domain.payments.gateways import PaymentGatewayConfig

GATEWAYS = "/api/admin/payment-gateways"


@pytest.fixture
def admin(actors):
    return actors.admin()


@pytest.fixture
def original_rows(deps) -> list[PaymentGatewayConfig]:
    """The rows as the original left them: its own names, JunglePay active."""
    with deps.uow() as uow:
        rows = [
            uow.payment_gateways.add(
                PaymentGatewayConfig(
                    id=None,
                    name="JunglePay",
                    public_key="pk_orig",
                    secret_key="sk_orig",
                    postback_url=None,
                    is_active=True,
                )
            ),
            uow.payment_gateways.add(
                PaymentGatewayConfig(
                    id=None,
                    name="Dias Marketplace",
                    public_key="dias_pk",
                    secret_key="dias_sk",
                    is_active=False,
                )
            ),
        ]
        uow.commit()
    return rows


def stored(deps) -> list[tuple]:
    with deps.uow() as uow:
        return [
            (r.id, r.name, r.public_key, r.secret_key, r.is_active)
            for r in uow.payment_gateways.find(order_by=["id"]).items
        ]


@pytest.mark.smoke
def test_the_originals_rows_are_shown_configured_and_changed_in_place(
    client, deps, admin, original_rows
):
    jp, dias = original_rows
    body = client.simulate_get(GATEWAYS, headers=admin).json
    assert body["charging_gateway"] == "junglepay"
    shown = {g["name"]: g for g in body["data"]}
    assert (
        shown["junglepay"]["public_key"],
        shown["junglepay"]["has_secret_key"],
        shown["junglepay"]["is_active"],
    ) == ("pk_orig", True, True)
    assert (
        shown["dias"]["public_key"],
        shown["dias"]["has_secret_key"],
        shown["dias"]["is_active"],
    ) == ("dias_pk", True, False)
    assert "sk_orig" not in client.simulate_get(GATEWAYS, headers=admin).text

    result = client.simulate_put(
        f"{GATEWAYS}/junglepay", headers=admin, json={"public_key": "pk_new"}
    )
    assert result.status_code == 200 and result.json["public_key"] == "pk_new"
    assert stored(deps)[:2] == [
        (jp.id, "JunglePay", "pk_new", "sk_orig", True),
        (dias.id, "Dias Marketplace", "dias_pk", "dias_sk", False),
    ]
    # The gateway the original did not have (pix) got its own empty row beside them.
    assert [row[1:] for row in stored(deps)[2:]] == [("pix", None, None, False)]

    result = client.simulate_put(f"{GATEWAYS}/dias", headers=admin, json={"is_active": True})
    assert result.status_code == 200 and result.json["is_active"] is True
    assert stored(deps)[:2] == [
        (jp.id, "JunglePay", "pk_new", "sk_orig", False),
        (dias.id, "Dias Marketplace", "dias_pk", "dias_sk", True),
    ]
    assert client.simulate_get(GATEWAYS, headers=admin).json["charging_gateway"] == "dias"


def test_a_missing_gateway_gets_its_row_beside_the_originals(client, deps, admin):
    with deps.uow() as uow:
        uow.payment_gateways.add(
            PaymentGatewayConfig(id=None, name="JunglePay", secret_key="sk_orig")
        )
        uow.commit()
    assert (
        client.simulate_put(
            f"{GATEWAYS}/dias", headers=admin, json={"public_key": "dias_pk"}
        ).status_code
        == 200
    )
    assert [(name, public) for _, name, public, _, _ in stored(deps)] == [
        ("JunglePay", None),
        ("dias", "dias_pk"),
        ("pix", None),
    ]

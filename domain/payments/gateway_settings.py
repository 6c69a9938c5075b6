"""Admin: configure the payment gateways (keys, postback URL, which one is active).
Secret keys are write-only: the views below only say whether one is set."""

from __future__ import annotations

import attrs
from attrs import frozen

from domain.common.errors import DomainError, NotFound, ValidationError
from domain.payments.commands import PIX_ONLY, ConfigureGateway
from domain.payments.gateways import (
    CONFIGURABLE,
    JUNGLEPAY,
    PIX_GATEWAY,
    CircuitView,
    PaymentGatewayConfig,
    gateway_row,
    pix_missing,
)
from domain.payments.service import PaymentService
from domain.payments.webhooks import register_pix_notices


@frozen
class PixView:
    """The PIX gateway's own settings as administrators see them (never the secret or
    the certificate: only whether they are set)."""

    api_url: str | None
    token_url: str | None
    pix_key: str | None
    # Pix Automático's receiving account and its type (null: CORRENTE); not secrets.
    pix_account: str | None
    pix_account_type: str | None
    has_certificate: bool
    ca_certificate: str | None
    missing: list[str]  # what activating it still needs


@frozen
class GatewayView:
    """A gateway's settings as administrators see them (never the secret key)."""

    name: str
    public_key: str | None
    has_secret_key: bool
    postback_url: str | None
    generated_postback_url: str
    is_active: bool
    # This process's circuit breaker of the gateway's API: {state, consecutive_failures,
    # open_until} (adapters/payments/guard.py).
    circuit: dict = attrs.field(factory=dict)
    pix: dict | None = None  # the pix gateway only: a PixView as a dict


@frozen
class GatewaySettings:
    gateways: list[GatewayView]
    charging_gateway: str | None  # the gateway new checkouts are charged through


def _view(svc: PaymentService, name: str, row: PaymentGatewayConfig | None) -> GatewayView:
    row = row or PaymentGatewayConfig(id=None, name=name)
    circuit = svc.gateways.circuits().get(name) or CircuitView()
    pix = (
        None
        if name != PIX_GATEWAY
        else attrs.asdict(
            PixView(
                api_url=row.api_url,
                token_url=row.token_url,
                pix_key=row.pix_key,
                pix_account=row.pix_account,
                pix_account_type=row.pix_account_type,
                has_certificate=bool(row.certificate),
                ca_certificate=row.ca_certificate,
                missing=pix_missing(row),
            )
        )
    )
    return GatewayView(
        name=name,
        public_key=row.public_key,
        has_secret_key=bool(row.secret_key),
        postback_url=row.postback_url,
        generated_postback_url=svc.webhooks.url(name),
        is_active=row.is_active,
        circuit=attrs.asdict(circuit),
        pix=pix,
    )


def list_gateways(svc: PaymentService) -> GatewaySettings:
    with svc.uow() as uow:
        rows = svc.gateway_rows(uow)
        try:
            charging: str | None = svc.choose(uow).name
        except DomainError:
            charging = None
    return GatewaySettings(
        [_view(svc, name, gateway_row(rows, name)) for name in CONFIGURABLE], charging
    )


def check_gateway_name(name: str) -> str:
    """`name` when it is a gateway administrators configure; NotFound otherwise."""
    if name not in CONFIGURABLE:
        raise NotFound(f"unknown payment gateway {name[:50]!r} (use {' or '.join(CONFIGURABLE)})")
    return name


def configure_gateway(svc: PaymentService, command: ConfigureGateway) -> GatewayView:
    """Update the settings of gateway `name` (its row, found by `gateway_row` and never
    renamed, is created on first use); fields left out are kept. Activating one
    deactivates the others in the same transaction. Concurrent changes, first ones
    included, queue on the locked rows: never two active gateways."""
    name, changes = check_gateway_name(command.name), command.changes
    foreign = next((f for f in PIX_ONLY if f in changes and name != PIX_GATEWAY), None)
    if foreign:
        raise ValidationError(f"{foreign} is a setting of the pix gateway only", field=foreign)
    if name == PIX_GATEWAY and changes.get("postback_url"):
        raise ValidationError(
            "the pix gateway's notice URL is registered at the PSP as generated_postback_url",
            field="postback_url",
        )
    override = changes.get("postback_url")
    if override and not svc.webhooks.carries_token(name, override):
        # Without our token every webhook would be refused.
        raise ValidationError(
            "postback_url must keep the token=… query parameter of generated_postback_url",
            field="postback_url",
        )
    with svc.uow() as uow:
        rows = uow.payment_gateways.lock_settings(CONFIGURABLE)
        row = gateway_row(rows, name)
        assert row is not None, "lock_settings creates the missing rows"
        updated = attrs.evolve(row, **changes)
        if updated.is_active and name == JUNGLEPAY and not updated.secret_key:
            raise ValidationError("set the secret key to activate JunglePay", field="secret_key")
        missing = pix_missing(updated) if name == PIX_GATEWAY and updated.is_active else []
        if missing:
            raise ValidationError(
                f"set {', '.join(missing)} to activate the pix gateway "
                "(public_key: the client id, secret_key: the client "
                "secret)",
                field=missing[0],
            )
        if updated.is_active:
            # First the others, so the one-active-row index never sees two.
            for other in rows:
                if other.id != row.id and other.is_active:
                    uow.payment_gateways.update(attrs.evolve(other, is_active=False))
        saved = uow.payment_gateways.update(updated)
        uow.commit()
    if name == PIX_GATEWAY and saved.is_active:
        # Activated (or changed while active): our notice URL for its key, at once.
        register_pix_notices(svc, saved)
    return _view(svc, name, saved)

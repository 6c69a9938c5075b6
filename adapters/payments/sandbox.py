"""The sandbox gateway (embedded default): fake PIX codes, paid only when an admin
says so. It keeps nothing in process memory (issue 20, finding 13: with 2 gunicorn
workers the other worker read a paid transaction back with no amount, and the checkout
went to review): a transaction waits for payment until the admin pays it, and is then
paid for the amount it was charged, which the checkout row holds; every worker and
every app server answers the same."""

from __future__ import annotations

import secrets
from datetime import timedelta

from domain.common.errors import PaymentRefused
from domain.payments.checkout import PIX
from domain.payments.gateways import TX_PAID, WAITING_PAYMENT, Charge, ChargeRequest, Transaction
from ports.clock import Clock

PREFIX = "sbx_"
REFUSED_CARD = "sandbox-refuse"  # a card hash the sandbox declines, for trying the 402


def _tlv(tag: str, value: str) -> str:
    return f"{tag}{len(value):02d}{value}"


def crc16_ccitt(data: str) -> str:
    """CRC-16/CCITT-FALSE, the checksum closing an EMV (PIX) payload."""
    crc = 0xFFFF
    for byte in data.encode():
        crc ^= byte << 8
        for _ in range(8):
            crc = ((crc << 1) ^ 0x1021) if crc & 0x8000 else crc << 1
            crc &= 0xFFFF
    return f"{crc:04X}"


def pix_copy_paste(amount_cents: int, txid: str) -> str:
    """An EMV-shaped "PIX copia e cola" payload; it pays nothing anywhere."""
    payload = (
        "".join(
            [
                _tlv("00", "01"),
                _tlv(
                    "26", _tlv("00", "br.gov.bcb.pix") + _tlv("01", "sandbox@creatorflix.invalid")
                ),
                _tlv("52", "0000"),
                _tlv("53", "986"),
                _tlv("54", f"{amount_cents // 100}.{amount_cents % 100:02d}"),
                _tlv("58", "BR"),
                _tlv("59", "CREATORFLIX SANDBOX"),
                _tlv("60", "SAO PAULO"),
                _tlv("62", _tlv("05", txid.replace("_", "")[:25])),
            ]
        )
        + "6304"
    )
    return payload + crc16_ccitt(payload)


class SandboxPaymentGateway:
    def __init__(self, clock: Clock):
        self._clock = clock

    def create_charge(self, request: ChargeRequest) -> Charge:
        if request.payment_method != PIX and request.card_hash == REFUSED_CARD:
            raise PaymentRefused("the payment was refused")
        external_id = PREFIX + secrets.token_hex(10)
        if request.payment_method != PIX:
            return Charge(external_id=external_id, status=WAITING_PAYMENT)
        expires = self._clock.now() + timedelta(days=request.pix_expires_in_days)
        return Charge(
            external_id=external_id,
            status=WAITING_PAYMENT,
            pix_code=pix_copy_paste(request.amount, external_id),
            pix_expires_at=expires.isoformat(timespec="seconds") + "Z",
        )

    def get_transaction(self, external_id: str) -> Transaction | None:
        if not external_id.startswith(PREFIX):
            return None
        return Transaction(external_id, WAITING_PAYMENT)

    def paid(self, external_id: str, charged_amount: int) -> Transaction | None:
        if not external_id.startswith(PREFIX):
            return None
        return Transaction(external_id, TX_PAID, charged_amount)

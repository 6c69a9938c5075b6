"""Which gateway charges, when the sandbox may be used, and the postback tokens."""

from __future__ import annotations

import hashlib
import hmac

import pytest

from adapters.clock import FakeClock
from adapters.security import HmacSigner
from domain.common.errors import ServiceUnavailable
from domain.payments.gateways import (
    DIAS,
    JUNGLEPAY,
    SANDBOX,
    PaymentGatewayConfig,
    WebhookUrls,
    choose_gateway,
    sandbox_enabled,
)


def row(name: str, active: bool = False, secret: str | None = "sk") -> PaymentGatewayConfig:
    return PaymentGatewayConfig(id=None, name=name, secret_key=secret, is_active=active)


def test_the_sandbox_charges_by_default():
    assert choose_gateway([], SANDBOX).name == SANDBOX
    assert sandbox_enabled([row(JUNGLEPAY)], SANDBOX)


def test_an_active_row_wins_over_the_default():
    assert choose_gateway([row(JUNGLEPAY, active=True)], SANDBOX).name == JUNGLEPAY
    assert choose_gateway([row(DIAS, active=True, secret=None)], JUNGLEPAY).name == DIAS
    assert not sandbox_enabled([row(JUNGLEPAY, active=True)], SANDBOX)


def test_junglepay_by_default_uses_its_row_when_it_has_a_key():
    choice = choose_gateway([row(JUNGLEPAY, secret="sk_live")], JUNGLEPAY)
    assert choice.name == JUNGLEPAY and choice.config.secret_key == "sk_live"


@pytest.mark.parametrize(
    "rows", [[], [row(JUNGLEPAY, secret=None)], [row(JUNGLEPAY, active=True, secret="")]]
)
def test_junglepay_without_a_secret_key_is_not_configured(rows):
    with pytest.raises(ServiceUnavailable, match="not configured"):
        choose_gateway(rows, JUNGLEPAY)


def test_the_sandbox_never_charges_in_production():
    with pytest.raises(ServiceUnavailable):
        choose_gateway([row(SANDBOX, active=True)], JUNGLEPAY)
    assert not sandbox_enabled([], JUNGLEPAY)


def webhook_urls(public_url: str, secret: str) -> WebhookUrls:
    return WebhookUrls(public_url=public_url, signer=HmacSigner(secret, FakeClock()))


def test_postback_tokens_are_per_gateway_and_secret():
    postbacks = webhook_urls("https://cf.example/", "k" * 40)
    assert (
        postbacks.url(JUNGLEPAY)
        == f"https://cf.example/api/webhooks/junglepay?token={postbacks.token(JUNGLEPAY)}"
    )
    assert postbacks.token(JUNGLEPAY) != postbacks.token(DIAS)
    assert postbacks.token(JUNGLEPAY) != webhook_urls("https://cf.example", "j" * 40).token(
        JUNGLEPAY
    )
    assert postbacks.verify(JUNGLEPAY, postbacks.token(JUNGLEPAY))
    assert not postbacks.verify(DIAS, postbacks.token(JUNGLEPAY))
    assert not postbacks.verify(JUNGLEPAY, None) and not postbacks.verify(JUNGLEPAY, "")
    for junk in ("é" * 64, "\udcff", postbacks.token(JUNGLEPAY) + "é", 64):
        assert postbacks.verify(JUNGLEPAY, junk) is False
    assert "k" * 40 not in repr(postbacks)


@pytest.mark.parametrize("gateway", [JUNGLEPAY, DIAS])
def test_postback_urls_keep_the_tokens_operators_pasted(gateway):
    """The postback URLs given out before the shared signer carry the same token."""
    secret = "k" * 40
    postbacks = webhook_urls("https://cf.example", secret)
    pasted = hmac.new(secret.encode(), f"postback:{gateway}".encode(), hashlib.sha256).hexdigest()
    assert postbacks.token(gateway) == pasted
    assert postbacks.url(gateway).endswith(f"?token={pasted}")
    assert postbacks.verify(gateway, pasted)
    assert postbacks.carries_token(gateway, f"https://proxy.example/hook?token={pasted}")

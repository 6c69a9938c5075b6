"""The domain events every capability publishes: stable dotted names (outsiders will
see them: issue 24's outgoing webhooks), payloads of ids, amounts and statuses that
serialise as JSON and carry no secret; and the one handler table of bootstrap."""

from __future__ import annotations

import importlib
import json
import pkgutil
import re
from datetime import datetime

import attrs

import domain
from adapters.clock import FakeClock
from adapters.security import HmacSigner
from domain.common.events import Event
from domain.payments import handlers as payments_handlers
from domain.payments import pix_recurrences, saved_cards
from domain.payments.events import CheckoutClaimed, CheckoutPaid
from entrypoints.bootstrap import event_handlers
from entrypoints.config import Config
from entrypoints.http.json_io import dumps

NAME = re.compile(r"^[a-z_]+\.[a-z_]+$")
SECRET_WORDS = ("password", "token", "secret", "key", "document_number", "qr_code")


def all_events() -> list[type[Event]]:
    for module in pkgutil.iter_modules(domain.__path__):
        try:
            importlib.import_module(f"domain.{module.name}.events")
        except ModuleNotFoundError:
            pass
    # By qualified name: attrs' slotted classes replace the class they decorate, and the
    # replaced one may linger among __subclasses__().
    found: dict[str, type[Event]] = {}
    todo = [Event]
    while todo:
        for sub in todo.pop().__subclasses__():
            todo.append(sub)
            if sub.__module__.startswith("domain.") and "name" in vars(sub):
                found[f"{sub.__module__}.{sub.__qualname__}"] = sub
    return list(found.values())


def test_every_event_has_its_own_dotted_name():
    names = [cls.name for cls in all_events()]
    assert {
        "user.created",
        "checkout.created",
        "checkout.paid",
        "checkout.review",
        "checkout.refunded",
        "checkout.abandoned",
        "subscription.activated",
        "subscription.expired",
        "withdrawal.requested",
        "subscription.renewed",
        "subscription.past_due",
        "subscription.cancelled",
        "age_assurance.document_submitted",
    } <= set(names)
    assert len(names) == len(set(names))
    assert all(NAME.match(name) for name in names), names


def test_payloads_are_json_and_carry_no_secret():
    for cls in all_events():
        fields = [f.name for f in attrs.fields(cls)]
        assert not [f for f in fields if any(word in f for word in SECRET_WORDS)], cls
        assert "occurred_at" in fields, cls
    paid = CheckoutPaid(
        occurred_at=datetime(2026, 1, 1),
        checkout_id=1,
        plan_id=2,
        user_id=3,
        total_amount=2990,
        status="paid",
        payment_method="pix",
        external_id="tx",
        provider="sandbox",
    )
    assert json.loads(dumps(paid.payload()))["status"] == "paid"


def _table(methods: tuple) -> dict:
    config = Config(secret_key="k" * 40, age_methods=methods)
    return dict(event_handlers(config, HmacSigner("k" * 40, FakeClock())))


def test_a_paid_checkout_grants_then_assures_a_card_buyer_then_mails_the_receipt():
    paid = _table(("card", "sandbox"))[CheckoutPaid]
    assert paid[0] is payments_handlers.grant_paid_access
    assert paid[1].__name__ == "assure_card_buyer_on_paid"
    assert paid[2] is saved_cards.keep_saved_card  # an automatic plan keeps the card
    assert paid[3].func is pix_recurrences.keep_pix_recurrence  # ...or its Pix recurrence
    assert paid[4].func is payments_handlers.mail_receipt  # a partial, after the grant
    # Without the card method, a card payment assures nothing.
    assert [
        h
        for h in _table(("sandbox",))[CheckoutPaid]
        if getattr(h, "__name__", "") == "assure_card_buyer_on_paid"
    ] == []


def test_a_claimed_checkout_gets_what_a_paid_one_gives_but_no_second_receipt():
    table = _table(("card", "sandbox"))
    assert table[CheckoutClaimed] == table[CheckoutPaid][:4]
    assert not any(
        getattr(h, "func", None) is payments_handlers.mail_receipt for h in table[CheckoutClaimed]
    )

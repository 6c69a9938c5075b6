"""A way through the age gate for every paying adult (issue 22): the document method is
on by default; the operator is warned (start-up log, dashboard figures) when PIX buyers
are left with manual review only; a PIX buyer's receipt leads to the age check (never
"pay again"); a document waiting shows "em análise", its decision is mailed, and the
admin queue is oldest first with the count on the dashboard figures."""

from __future__ import annotations

import base64
import logging

import attrs
import pytest

from domain.assurance.admin import method_warnings
from entrypoints.config import load_config
from entrypoints.http.app import warn_about_age_methods
from tests.support.mailbox import Mailbox
from tests.support.payments import add_catalogue, checkout_body, customer, start

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


@pytest.fixture
def config(config):
    return attrs.evolve(config, age_gate=True, age_methods=("card", "document", "sandbox"))


def test_the_document_method_is_on_by_default():
    env = {"CREATORFLIX_SECRET_KEY": "k" * 40}
    assert load_config(env).age_methods == ("card", "document", "sandbox")
    config = load_config({**env, "CREATORFLIX_GATEWAY": "junglepay"})
    assert config.age_methods == ("card", "document")
    assert config.age_visitor_hours == 24 and config.age_document_max_bytes == 5 * 1024 * 1024
    assert config.card_script_url == "https://api.junglepagamentos.com/v1/js"
    assert (
        load_config(
            {**env, "CREATORFLIX_JUNGLEPAY_JS_URL": "https://js.example/v1/js"}
        ).card_script_url
        == "https://js.example/v1/js"
    )


def test_warnings_say_what_pix_buyers_are_left_and_how_to_add_a_provider():
    [manual] = method_warnings({"card", "document", "sandbox"})
    assert "análise manual" in manual and "CREATORFLIX_AGE_OIDC_ISSUER" in manual
    [none] = method_warnings({"card"})
    assert "não tem como passar" in none and "document" in none
    assert method_warnings({"card", "oidc"}) == []


def test_the_start_up_log_and_the_dashboard_figures_warn(client, deps, actors, caplog):
    caplog.set_level(logging.WARNING)
    logged = warn_about_age_methods(deps)
    assert logged and "análise manual" in caplog.text
    figures = client.simulate_get("/api/admin/age-assurance/figures", headers=actors.admin()).json
    assert figures["warnings"] == logged and figures["documents_waiting"] == 0


def test_a_pix_receipt_leads_to_the_age_check(client, deps, actors):
    plan, _ = add_catalogue(deps)
    member = actors.user("pix@example.com")
    created = start(
        client, checkout_body(plan.id, customer=customer(email="pix@example.com")), member
    )
    paid = client.simulate_post(
        f"/api/admin/sandbox/checkouts/{created['id']}/pay", headers=actors.admin()
    )
    assert paid.json["status"] == "processed"
    receipt = Mailbox(deps).last("pix@example.com", "receipt")
    assert "verificação de idade" in receipt.text_body
    assert f"{deps.config.public_url}/verificacao-idade" in receipt.text_body
    assert "Não é preciso pagar de novo" in receipt.text_body


def test_a_waiting_document_shows_in_review_and_its_decision_is_mailed(client, deps, actors, clock):
    admin = actors.admin()
    alice, bob = actors.user("alice@example.com"), actors.user("bob@example.com")

    def send(who):
        sent = client.simulate_post(
            "/api/age-assurance/documents",
            headers=who,
            json={"content_type": "image/png", "data": base64.b64encode(PNG).decode()},
        )
        assert sent.status_code == 201, sent.text
        return sent.json["id"]

    first = send(alice)
    clock.advance(minutes=30)
    second = send(bob)
    seen = client.simulate_get("/api/age-assurance", headers=alice).json
    assert seen["pending_document"] is True and seen["assured"] is False
    queue = client.simulate_get("/api/admin/age-assurance/documents", headers=admin).json
    assert [d["id"] for d in queue["data"]] == [first, second]  # oldest first
    assert queue["data"][0]["created_at"] < queue["data"][1]["created_at"]
    figures = client.simulate_get("/api/admin/age-assurance/figures", headers=admin).json
    assert figures["documents_waiting"] == 2

    client.simulate_post(f"/api/admin/age-assurance/documents/{first}/approve", headers=admin)
    client.simulate_post(f"/api/admin/age-assurance/documents/{second}/reject", headers=admin)
    mail = Mailbox(deps)
    approved = mail.last("alice@example.com", "age_document_decided")
    assert approved.subject == "Verificação de idade: aprovada"
    assert "conteúdo já está liberado" in approved.text_body
    rejected = mail.last("bob@example.com", "age_document_decided")
    assert rejected.subject == "Verificação de idade: não aprovada"
    assert f"{deps.config.public_url}/verificacao-idade" in rejected.text_body
    seen = client.simulate_get("/api/age-assurance", headers=alice).json
    assert seen["pending_document"] is False and seen["assured"] is True

"""One-off PIX through a PSP's API Pix (issue 26), over real loopback both ways: our app
creates the cob at the local PSP (mutual TLS + OAuth2), the PSP posts its notice to the
URL we registered for the key (+ "/pix"), the background worker reads the cob back and
settles the checkout only when CONCLUIDA for its amount. CREATORFLIX_GATEWAY=pix."""

from __future__ import annotations

from datetime import timedelta

import pytest

from domain.payments import webhooks
from domain.payments.gateways import PIX_GATEWAY, charge_reference
from tests.support.payments import (  # noqa: F401
    add_catalogue,
    add_premium_post,
    app_server,
    checkout_body,
    content_urls,
    live_client,
    notifications,
    poll,
    settle_postbacks,
    start,
    subscriptions_of,
)
from tests.support.pix import pix_api, pix_config, pki  # noqa: F401


@pytest.fixture
def config(pix_config):
    return pix_config


@pytest.fixture
def shop(live_client, deps, pix_api):
    """Our notice URL registered at the PSP (as the worker does at start-up) and a
    plan to buy: (client, plan)."""
    assert webhooks.register_pix_notices(deps.payments_service)
    plan, _ = add_catalogue(deps)
    return live_client, plan


def txid_of(deps, created: dict) -> str:
    with deps.uow() as uow:
        return uow.checkouts.get(created["id"]).external_id


def notice_url(deps) -> str:
    return deps.payments_service.webhooks.url(PIX_GATEWAY)


@pytest.mark.smoke
def test_a_one_off_pix_is_paid_through_a_cob(shop, deps, clock, pix_api, app_server):
    client, plan = shop
    creator = add_premium_post(deps)
    created = start(client, checkout_body(plan.id))
    txid = txid_of(deps, created)
    with deps.uow() as uow:
        checkout = uow.checkouts.get(created["id"])
    assert txid == charge_reference(checkout.id, checkout.created_at)
    cob = pix_api.cobs[txid]
    assert (cob["status"], cob["valor"], cob["chave"]) == (
        "ATIVA",
        {"original": "29.90"},
        pix_api.key,
    )
    assert cob["devedor"] == {"cpf": "52998224725", "nome": "Ana Souza"}
    assert cob["calendario"]["expiracao"] == 86400
    assert created["payment"]["provider"] == "pix"
    assert created["payment"]["qr_code"] == cob["pixCopiaECola"]
    registered = pix_api.webhooks[pix_api.key]["webhookUrl"]
    assert registered == notice_url(deps)
    assert registered.startswith(f"{app_server.url}/api/webhook/pix/")

    pix_api.pay(txid)  # the buyer paid at their bank
    assert pix_api.notify(txid) == 200  # posted to registered + "/pix"
    assert subscriptions_of(deps, "ana@example.com") == []  # answered before reading back
    assert settle_postbacks(deps) == ["processed"]  # the worker read the cob back

    view = poll(client, created).json
    assert view["status"] == "paid"
    [sub] = subscriptions_of(deps, "ana@example.com")
    assert (sub.status, sub.end_date) == ("active", clock.now() + timedelta(days=30))
    session = client.simulate_post(
        "/api/auth/set-password",
        json={"token": view["set_password"]["token"], "password": "ana-password-1"},
    ).json
    buyer = {"Authorization": f"Bearer {session['token']}"}
    assert content_urls(client, creator, buyer) == ["https://cdn.example/bia/1.jpg"]

    # The PSP repeats its notice: read back again, nothing more happens.
    assert pix_api.notify(txid) == 200
    assert settle_postbacks(deps) == ["duplicate"]
    assert len(subscriptions_of(deps, "ana@example.com")) == 1
    assert [(n.gateway, n.status, n.outcome) for n in notifications(deps)] == [
        ("pix", "paid", "paid")
    ]
    # One token for the registrations (the key's, Pix Automático's rec and cobr), the
    # cob and both read-backs.
    assert pix_api.token_calls == 1
    assert [(m, p.split("/")[1]) for m, p in pix_api.api_calls] == [
        ("PUT", "webhook"),
        ("PUT", "webhookrec"),
        ("PUT", "webhookcobr"),
        ("PUT", "cob"),
        ("GET", "cob"),
        ("GET", "cob"),
    ]


def test_a_notice_without_our_token_is_refused(shop, deps, pix_api, app_server):
    client, plan = shop
    txid = txid_of(deps, start(client, checkout_body(plan.id)))
    pix_api.pay(txid)
    base = f"{app_server.url}/api/webhook/pix"
    junglepay_token = deps.payments_service.webhooks.token("junglepay")
    assert pix_api.notify(txid, url=f"{base}/wrong-token/pix") == 403
    assert pix_api.notify(txid, url=f"{base}/{junglepay_token}/pix") == 403
    assert pix_api.notify(txid, url=f"{base}/wrong-token") == 403
    assert pix_api.notify(txid, url=f"{base}/") in (404, 405)
    assert settle_postbacks(deps) == []
    assert subscriptions_of(deps, "ana@example.com") == [] and notifications(deps) == []


@pytest.mark.smoke
def test_a_notice_about_a_cob_not_concluded_activates_nothing(shop, deps, pix_api):
    client, plan = shop
    created = start(client, checkout_body(plan.id))
    txid = txid_of(deps, created)
    forged = {
        "pix": [
            {
                "endToEndId": "E" + "1" * 31,
                "txid": txid,
                "valor": "29.90",
                "horario": "2026-12-07T05:00:00.000Z",
            }
        ]
    }
    assert pix_api.notify(txid, body=forged) == 200  # the cob is still ATIVA
    assert settle_postbacks(deps) == ["unchanged"]
    pix_api.remove(txid)  # removed at the PSP: not paid
    assert pix_api.notify(txid, body=forged) == 200
    settle_postbacks(deps)
    assert poll(client, created).json["status"] in ("pending", "failed")
    assert subscriptions_of(deps, "ana@example.com") == []


def test_a_cob_paid_for_another_amount_activates_nothing(shop, deps, pix_api):
    client, plan = shop
    created = start(client, checkout_body(plan.id))
    txid = txid_of(deps, created)
    pix_api.pay(txid, valor="0.01")
    assert pix_api.notify(txid) == 200
    settle_postbacks(deps)
    assert poll(client, created).json["status"] != "paid"
    assert subscriptions_of(deps, "ana@example.com") == []


def test_a_notice_about_a_txid_the_psp_does_not_know_is_ignored(shop, deps, pix_api):
    client, plan = shop
    start(client, checkout_body(plan.id))
    unknown = "cf" + "9" * 30
    body = {
        "pix": [
            {
                "endToEndId": "E" + "2" * 31,
                "txid": unknown,
                "valor": "29.90",
                "horario": "2026-12-07T05:00:00.000Z",
            }
        ]
    }
    assert pix_api.notify("", body=body, url=notice_url(deps) + "/pix") == 200
    assert settle_postbacks(deps) == ["ignored"]
    assert subscriptions_of(deps, "ana@example.com") == []


def test_the_psp_down_keeps_the_notice_for_a_retry(shop, deps, pix_api, clock):
    client, plan = shop
    created = start(client, checkout_body(plan.id))
    txid = txid_of(deps, created)
    pix_api.pay(txid)
    pix_api.down = True
    assert pix_api.notify(txid) == 200
    assert settle_postbacks(deps) == []  # 503 problem: retried later
    pix_api.down = False
    clock.advance(minutes=1)
    assert settle_postbacks(deps) == ["processed"]
    assert poll(client, created).json["status"] == "paid"


def test_the_background_worker_registers_our_notice_url_at_start_up(live_client, deps, pix_api):
    import threading

    from entrypoints.mail_worker import MailWorker

    worker = MailWorker(deps, interval=0.05).start()
    try:
        for _ in range(200):  # bounded wait for the thread's first step
            if pix_api.key in pix_api.webhooks:
                break
            threading.Event().wait(0.05)
    finally:
        worker.stop()
    assert pix_api.webhooks[pix_api.key]["webhookUrl"] == notice_url(deps)


def test_an_unreachable_psp_at_start_up_is_logged_not_fatal(live_client, deps, pix_api, caplog):
    pix_api.down = True
    assert webhooks.register_pix_notices(deps.payments_service) is False
    assert "could not be registered" in caplog.text
    assert pix_api.webhooks == {}

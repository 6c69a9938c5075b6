"""Helpers and fixtures of the payment tests: a catalogue to buy from, valid buyers,
and the local JunglePay plus our app on a real loopback port. Test modules import the
fixtures they need by name."""

from __future__ import annotations

import pytest

from domain.catalog.entities import Creator, OrderBump, Plan, Post
from entrypoints.config import Config
from tests.support.deps import TEST_SECRET
from tests.support.junglepay_server import JunglePayServer
from tests.support.wsgi_server import WsgiServer

VALID_CPF = "529.982.247-25"  # a valid CPF (check digits 2 and 5)
JUNGLEPAY_SECRET = "sk_test_jungle_0123456789"


def customer(**overrides) -> dict:
    return {
        "name": "Ana Souza",
        "email": "ana@example.com",
        "document": VALID_CPF,
        "phone": "(11) 98765-4321",
        **overrides,
    }


def checkout_body(
    plan_id: int, method: str = "pix", bumps: list[int] | None = None, **overrides
) -> dict:
    return {
        "plan_id": plan_id,
        "payment_method": method,
        "order_bump_ids": bumps or [],
        "customer": customer(),
        **overrides,
    }


def add_catalogue(deps, *, price: int = 2990, duration: int = 30, **plan_fields):
    """A plan and two active bumps plus an inactive one: (plan, [bump1, bump2, off])."""
    with deps.uow() as uow:
        plan = uow.plans.add(
            Plan(id=None, name="Mensal", price=price, duration=duration, **plan_fields)
        )
        bumps = [
            uow.order_bumps.add(OrderBump(id=None, name=name, price=p, is_active=active))
            for name, p, active in (("Pack", 990, True), ("Chat", 1490, True), ("Old", 500, False))
        ]
        uow.commit()
    return plan, bumps


def add_premium_post(deps) -> int:
    """A creator with one post; returns the creator's id."""
    with deps.uow() as uow:
        creator = uow.creators.add(Creator(id=None, name="Bia"))
        uow.posts.add(
            Post(
                id=None,
                model_id=creator.id,
                type="image",
                content_url="https://cdn.example/bia/1.jpg",
            )
        )
        uow.commit()
    return creator.id


def content_urls(client, creator_id: int, headers: dict | None = None) -> list:
    """What the paywall lets these credentials see of the creator's posts."""
    result = client.simulate_get(f"/api/models/{creator_id}/posts", headers=headers)
    assert result.status_code == 200, result.json
    return [post["content_url"] for post in result.json["data"]]


def login(client, email: str, password: str) -> dict:
    result = client.simulate_post("/api/auth/login", json={"email": email, "password": password})
    assert result.status_code == 200, result.json
    return {"Authorization": f"Bearer {result.json['token']}"}


def start(client, body: dict, headers: dict | None = None) -> dict:
    result = client.simulate_post("/api/checkouts", json=body, headers=headers)
    assert result.status_code == 201, result.json
    return result.json


def poll(client, created: dict):
    return client.simulate_get(
        f"/api/checkouts/{created['id']}", params={"access_token": created["access_token"]}
    )


def verify_email_of(deps, email: str) -> None:
    """Mark the account's email verified (as its mailed link does): guest checkouts
    with that email then go to it (issue 20)."""
    import attrs

    with deps.uow() as uow:
        user = uow.users.get_by_email(email)
        uow.users.update(attrs.evolve(user, email_verified_at=deps.clock.now()))
        uow.commit()


def subscriptions_of(deps, email: str) -> list:
    with deps.uow() as uow:
        user = uow.users.get_by_email(email)
        return (
            []
            if user is None
            else list(uow.subscriptions.find({"user_id": user.id}, order_by=["id"]).items)
        )


def configure_junglepay(
    client, admin: dict, secret: str = JUNGLEPAY_SECRET, public_key: str = "pk_test"
) -> None:
    result = client.simulate_put(
        "/api/admin/payment-gateways/junglepay",
        headers=admin,
        json={"secret_key": secret, "public_key": public_key, "is_active": True},
    )
    assert result.status_code == 200, result.json


def postback_token(client, admin: dict, gateway: str) -> str:
    """The token of the postback URL we show administrators for `gateway`."""
    gateways = client.simulate_get("/api/admin/payment-gateways", headers=admin).json["data"]
    url = next(g["generated_postback_url"] for g in gateways if g["name"] == gateway)
    return url.split("token=")[1]


# -- fixtures ------------------------------------------------------------------------
@pytest.fixture
def junglepay():
    server = JunglePayServer(JUNGLEPAY_SECRET).start()
    yield server
    server.stop()


@pytest.fixture
def app_server():
    server = WsgiServer()
    yield server
    server.stop()


@pytest.fixture
def junglepay_config(tmp_path, junglepay, app_server) -> Config:
    """Production-like: CREATORFLIX_GATEWAY=junglepay, JunglePay on loopback, and our
    public URL the loopback server the app is served on."""
    return Config(
        secret_key=TEST_SECRET,
        storage_url=f"file://{tmp_path / 'media'}",
        gateway="junglepay",
        junglepay_url=junglepay.url,
        public_url=app_server.url,
        age_gate=False,
    )  # as the shared `config` (tests/conftest.py)


@pytest.fixture
def live_client(client, app_server):
    """The test client, with the same app also reachable over HTTP for postbacks."""
    app_server.app = client.app
    return client


def pay(client, actors, created: dict) -> None:
    paid = client.simulate_post(
        f"/api/admin/sandbox/checkouts/{created['id']}/pay", headers=actors.admin()
    )
    assert paid.status_code == 200 and paid.json["status"] == "processed", paid.json


@pytest.fixture
def shop(live_client, deps, actors, junglepay):
    """JunglePay configured by an admin, and a plan to buy: (client, admin headers, plan).
    Each postback JunglePay sends is followed by our background worker's round."""
    junglepay.after_postback = lambda: settle_postbacks(deps)
    admin = actors.admin()
    configure_junglepay(live_client, admin)
    plan, _ = add_catalogue(deps)
    return live_client, admin, plan


def notifications(deps) -> list:
    with deps.uow() as uow:
        return list(uow.webhook_events.find(order_by=["id"]).items)


def settle_postbacks(deps) -> list[str]:
    """What the background worker does with the postbacks received (read each back
    from its gateway and settle it), run now; the statuses of their outcomes."""
    from domain.payments import postbacks

    return [o.status for o in postbacks.settle_all(deps.payments_service, deps.settle_postback)]

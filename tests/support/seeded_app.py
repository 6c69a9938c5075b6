"""A populated app for whole-API runs (the schemathesis fuzz, the failure drills): the
demo catalogue, an administrator, a subscriber, checkouts, a synced white-label model
and a setting, so that the ids a client guesses first (1, 2...) exist."""

from __future__ import annotations

from pathlib import Path

from attrs import define, field
from falcon.testing import TestClient

from entrypoints.bootstrap import Deps
from entrypoints.http.app import create_app
from entrypoints.seed import seed_demo
from tests.support.deps import Actors
from tests.support.payments import checkout_body, start

ADMIN_EMAIL = "admin@example.com"
USER_EMAIL = "member@example.com"
USER_PASSWORD = "user-password"  # what tests.conftest.Actors registers users with
# The layout of the white-label bucket (see README): a model with a profile, two posts.
MEDIA_FILES = (
    "luna/profile/icon.jpg",
    "luna/profile/banner.png",
    "luna/2024-01 praia/a.jpg",
    "luna/2024-01 praia/b.mp4",
    "luna/2024-02 ensaio/c.webp",
    "mia/cover.jpg",
)


@define
class SeededApp:
    client: TestClient
    deps: Deps
    admin: dict  # Authorization headers
    user: dict
    checkout: dict  # the body of the first (pending) checkout
    postback_tokens: dict = field(factory=dict)  # gateway name -> webhook token


def write_media(folder: Path) -> None:
    for key in MEDIA_FILES:
        path = folder / key
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(b"\xff\xd8 not really an image " + key.encode())


def seed_app(deps: Deps, media_folder: Path) -> SeededApp:
    """Fills `deps`' (empty) database through the use cases and the API; `media_folder`
    is the folder the deps' file:// storage serves."""
    list(seed_demo(deps))
    write_media(media_folder)
    client = TestClient(create_app(deps))
    actors = Actors(deps)
    admin, user = actors.admin(ADMIN_EMAIL), actors.user(USER_EMAIL)

    def ok(result, status: int = 200) -> dict:
        assert result.status_code == status, (result.status_code, result.text)
        return result.json

    ok(client.simulate_post("/api/admin/whitelabel/sync", headers=admin, json={}))
    for model in ok(client.simulate_get("/api/admin/whitelabel/models", headers=admin))["data"]:
        ok(
            client.simulate_patch(
                f"/api/admin/whitelabel/models/{model['id']}",
                headers=admin,
                json={"status": "active"},
            )
        )
    ok(
        client.simulate_put(
            "/api/admin/settings/site.title", headers=admin, json={"value": "CreatorFlix"}
        )
    )
    me = ok(client.simulate_get("/api/me", headers=user))
    ok(
        client.simulate_post(
            f"/api/admin/users/{me['user']['id']}/subscriptions", headers=admin, json={"plan_id": 1}
        ),
        201,
    )
    pending = start(client, checkout_body(1, bumps=[1]))
    paid = start(
        client,
        checkout_body(
            2,
            customer={
                "name": "Bia",
                "email": "bia@example.com",
                "document": "529.982.247-25",
                "phone": "(11) 98765-4321",
            },
        ),
    )
    ok(client.simulate_post(f"/api/admin/sandbox/checkouts/{paid['id']}/pay", headers=admin))
    gateways = ok(client.simulate_get("/api/admin/payment-gateways", headers=admin))["data"]
    # The token of each URL: its query's token=…, or (pix) its last path segment.
    tokens = {
        g["name"]: g["generated_postback_url"].split("token=")[-1].rsplit("/", 1)[-1]
        for g in gateways
    }
    return SeededApp(
        client=client, deps=deps, admin=admin, user=user, checkout=pending, postback_tokens=tokens
    )

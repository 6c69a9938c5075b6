"""A live CreatorFlix on loopback for the browser tests: a real WSGI server in a thread
over a fresh SQLite file, the sandbox gateway, the demo data of `creatorflix seed-demo`,
a synced white-label catalogue (real PNG files in a local-folder storage) and an admin.

Run it by hand to look at the web client: `.venv/bin/python -m tests.support.browser_server`.
"""

from __future__ import annotations

import struct
import tempfile
import zlib
from pathlib import Path

import requests
from attrs import define

from adapters import migrator
from adapters.security import ScryptPasswordHasher
from domain.accounts.auth import create_admin
from domain.accounts.commands import CreateAdmin
from entrypoints.bootstrap import Deps, build_deps
from entrypoints.config import Config
from entrypoints.http.app import create_app
from entrypoints.seed import seed_demo
from tests.support.wsgi_server import WsgiServer

ADMIN_EMAIL = "admin@creatorflix.test"
ADMIN_PASSWORD = "admin-password-1"
SECRET = "browser-tests-secret-" + "k" * 32
# White-label collections as the bucket layout has them (README): icon, banner, posts.
COLLECTIONS = {
    "aurora": ((225, 29, 72), ["2024-05 praia", "2024-06 estudio", "2024-07 noite"]),
    "bruna": ((124, 58, 237), ["2024-04 viagem", "2024-05 cafe"]),
    "carol": ((14, 165, 233), ["2024-03 ensaio"]),
}


def png(width: int, height: int, color: tuple[int, int, int], shade: int = 0) -> bytes:
    """A real PNG: a vertical gradient from `color` to a darker tone."""
    rows = []
    for y in range(height):
        k = 1 - 0.55 * y / max(height - 1, 1) - shade * 0.08
        pixel = bytes(max(0, min(255, int(c * k))) for c in color)
        rows.append(b"\x00" + pixel * width)

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data))
            + kind
            + data
            + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
        )

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"".join(rows)))
        + chunk(b"IEND", b"")
    )


def write_collections(folder: Path) -> None:
    for model, (color, posts) in COLLECTIONS.items():
        (folder / model / "profile").mkdir(parents=True, exist_ok=True)
        (folder / model / "profile" / "icon.png").write_bytes(png(48, 48, color))
        (folder / model / "profile" / "banner.png").write_bytes(png(120, 40, color, 2))
        for i, post in enumerate(posts):
            (folder / model / post).mkdir(parents=True, exist_ok=True)
            for j in range(2):
                (folder / model / post / f"{j + 1:02d}.png").write_bytes(png(40, 50, color, i + j))


@define
class BrowserServer:
    url: str
    deps: Deps
    server: WsgiServer
    admin_token: str = ""

    def api(
        self,
        method: str,
        path: str,
        *,
        token: str | None = None,
        json=None,
        expect: int | None = 200,
    ) -> dict | None:
        """Calls the live API over HTTP (as a browser would), checking the status."""
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        response = requests.request(method, self.url + path, json=json, headers=headers, timeout=10)
        if expect is not None:
            assert response.status_code == expect, (
                method,
                path,
                response.status_code,
                response.text[:500],
            )
        return response.json() if response.content else None

    def admin(self, method: str, path: str, json=None, expect: int | None = 200):
        return self.api(method, path, token=self.admin_token, json=json, expect=expect)

    def stop(self) -> None:
        self.server.stop()
        if self.deps.database is not None:
            self.deps.database.close()


def start_browser_server(folder: Path) -> BrowserServer:
    """Migrates, seeds and serves a new database under `folder`; returns it ready."""
    media = folder / "media"
    write_collections(media)
    url = f"sqlite:///{folder / 'creatorflix.db'}"
    migrator.migrate(url)
    server = WsgiServer()
    config = Config(
        database_url=url,
        storage_url=f"file://{media}",
        secret_key=SECRET,
        gateway="sandbox",
        public_url=server.url,
        mail_url=f"file://{folder / 'outbox'}",  # the mail, as .eml files
        # The journeys buy and browse; the gate has its own test
        # (tests/browser/test_browser_age_gate.py turns it on).
        age_gate=False,
        rate_limit_factor=1000,
    )  # the journeys register and log in often
    # A fast hash: production's scrypt cost is deliberate, not what is under test here.
    deps = build_deps(config, hasher=ScryptPasswordHasher(n=2**8))
    list(seed_demo(deps))
    create_admin(deps.auth, CreateAdmin(ADMIN_EMAIL, ADMIN_PASSWORD))
    server.app = create_app(deps)
    live = BrowserServer(url=server.url, deps=deps, server=server)
    live.admin_token = live.api(
        "POST", "/api/auth/login", json={"email": ADMIN_EMAIL, "password": ADMIN_PASSWORD}
    )["token"]
    live.admin("POST", "/api/admin/whitelabel/sync", json={})
    for model in live.admin("GET", "/api/admin/whitelabel/models")["data"]:
        live.admin(
            "PATCH", f"/api/admin/whitelabel/models/{model['id']}", json={"status": "active"}
        )
    return live


if __name__ == "__main__":  # pragma: no cover - a developer's tool
    import time

    with tempfile.TemporaryDirectory() as tmp:
        running = start_browser_server(Path(tmp))
        print(f"CreatorFlix on {running.url} (admin {ADMIN_EMAIL} / {ADMIN_PASSWORD})", flush=True)
        try:
            while True:
                time.sleep(3600)
        except KeyboardInterrupt:
            running.stop()

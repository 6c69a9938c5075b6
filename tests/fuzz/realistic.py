"""Steering part of the fuzzer's examples past the first gate of a route.

Random data almost never carries a valid webhook token, a checkout's access token, a
valid CPF or a known gateway name, so without help the fuzzer would only ever see the
400/401/404 of those routes. For about half of the generated cases (chosen by a property
of the generated data, so runs stay deterministic) the values a client would really
have are laid over the generated ones; the rest of each request stays as generated."""

from __future__ import annotations

import zlib

from domain.ads.rules import PLACEMENTS
from tests.support.payments import VALID_CPF
from tests.support.seeded_app import USER_EMAIL, USER_PASSWORD, SeededApp

GATEWAY_OF_WEBHOOK = {
    "/api/webhooks/junglepay": "junglepay",
    "/api/webhook/junglepay": "junglepay",
    "/api/webhooks/dias": "dias",
    "/api/webhook/dias/payment-sucess": "dias",
}


def _pick(case) -> int | None:
    """A stable number from the generated case, or None for the cases left alone."""
    digest = zlib.crc32(repr((case.path_parameters, case.query, case.body)).encode())
    return None if digest % 2 else digest // 2


def steer(case, seeded: SeededApp) -> None:
    """Lay realistic values over `case` (in place), for about half of the cases."""
    n = _pick(case)
    if n is None:
        return
    path, method = case.operation.path, case.method.upper()
    body = case.body if isinstance(case.body, dict) else None
    if path in GATEWAY_OF_WEBHOOK:
        token = seeded.postback_tokens[GATEWAY_OF_WEBHOOK[path]]
        case.query = {**(case.query or {}), "token": token}
    elif path.startswith("/api/webhook/pix/{token}"):  # the API Pix: token in the path
        case.path_parameters = {"token": seeded.postback_tokens["pix"]}
    elif path == "/api/checkouts/{id}":
        case.path_parameters = {"id": seeded.checkout["id"]}
        case.query = {**(case.query or {}), "access_token": seeded.checkout["access_token"]}
    elif path == "/api/checkouts" and body is not None:
        body.update(
            plan_id=1 + n % 3,
            order_bump_ids=[1 + n % 2][: n % 3],
            customer={
                "name": "Fuzz Buyer",
                "email": f"buyer{n % 97}@example.com",
                "document": VALID_CPF,
                "phone": "(11) 98765-4321",
            },
        )
    elif path == "/api/auth/register" and body is not None:
        body.update(email=f"fuzz{n % 97}@example.com", password="fuzz-password")
    elif path == "/api/auth/login" and body is not None:
        body.update(email=USER_EMAIL, password=USER_PASSWORD)
    elif path == "/api/admin/payment-gateways/{name}":
        case.path_parameters = {"name": ("junglepay", "dias", "pix")[n % 3]}
    elif path == "/api/ads" and method == "GET":
        case.query = {
            **(case.query or {}),
            "placements": ",".join(PLACEMENTS[n % len(PLACEMENTS) :][: 1 + n % 3]),
        }

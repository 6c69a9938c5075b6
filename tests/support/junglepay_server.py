"""A local JunglePay: the transaction API contract on 127.0.0.1 (port 0), in a thread.

- POST /v1/transactions: HTTP Basic (secret key, "x"), the body of PRODUCT.md checked
  field by field (400 otherwise); card hash REFUSED_CARD -> 402.
- GET /v1/transactions/{id}: reads a transaction back (404 when unknown).
- Knobs: `set_status(id, status)`, `mode` ("ok", "down" -> 500, "slow" -> answers after
  `delay` seconds, "reject" -> 422 to a create, as JunglePay's own validation answers),
  `wait_for_transactions(n)` (a slow create finishes after its caller gave up), and
  `postback(id)` POSTs the postback to the transaction's postbackUrl, as JunglePay does.
"""

from __future__ import annotations

import base64
import json
import re
import threading
import urllib.error
import urllib.request
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

REFUSED_CARD = "tok_refused"
TOP_LEVEL = {
    "amount",
    "paymentMethod",
    "customer",
    "items",
    "postbackUrl",
    "pix",
    "installments",
    "card",
}


def body_problems(body: Any) -> list[str]:
    """Why a create-transaction body breaks the contract (empty when it does not)."""
    if not isinstance(body, dict):
        return ["body must be an object"]
    problems = [f"unknown field {k}" for k in body if k not in TOP_LEVEL]
    method = body.get("paymentMethod")
    if method not in ("pix", "credit_card"):
        problems.append("paymentMethod")
    customer = body.get("customer") or {}
    document = customer.get("document") or {}
    if (
        not isinstance(customer.get("name"), str)
        or not customer.get("name")
        or "@" not in str(customer.get("email"))
        or not re.fullmatch(r"\d{10,11}", str(customer.get("phone")))
        or not re.fullmatch(r"\d{11}", str(document.get("number")))
        or document.get("type") != "cpf"
    ):
        problems.append("customer")
    items = body.get("items")
    if (
        not isinstance(items, list)
        or not items
        or not all(
            isinstance(i, dict)
            and set(i) == {"title", "unitPrice", "quantity", "tangible"}
            and isinstance(i["unitPrice"], int)
            and i["unitPrice"] > 0
            and isinstance(i["quantity"], int)
            and i["quantity"] >= 1
            and i["tangible"] is False
            for i in items
        )
    ):
        problems.append("items")
    elif body.get("amount") != sum(i["unitPrice"] * i["quantity"] for i in items):
        problems.append("amount must equal the sum of the items")
    if not str(body.get("postbackUrl", "")).startswith(("http://", "https://")):
        problems.append("postbackUrl")
    if method == "pix" and (
        not isinstance(body.get("pix"), dict)
        or not isinstance(body["pix"].get("expiresInDays"), int)
    ):
        problems.append("pix.expiresInDays")
    if method == "credit_card" and (
        not isinstance(body.get("card"), dict)
        or not body["card"].get("hash")
        or not isinstance(body.get("installments"), int)
    ):
        problems.append("card")
    return problems


class JunglePayServer:
    def __init__(
        self, secret_key: str = "sk_test_jungle_0123456789", *, mode: str = "ok", delay: float = 2.0
    ):
        """`mode="slow"` with `delay` seconds: every call answers that late (bounded:
        `stop()` releases the waiting handlers)."""
        self.secret_key = secret_key
        self.mode = mode
        self.delay = delay
        self.calls = 0  # API calls received, of any kind
        # Run after each postback() answered: a test gives it our background worker's
        # round (tests.support.payments.settle_postbacks), so it can assert the outcome.
        self.after_postback: Callable[[], object] | None = None
        self.transactions: dict[str, dict] = {}
        self.received: list[dict] = []  # create bodies, in order
        self.lock = threading.Lock()
        self._release = threading.Event()  # wakes "slow" handlers at shutdown
        self._next_id = 1000
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler_class())
        self._server.daemon_threads = True
        self._thread = threading.Thread(
            target=self._server.serve_forever, args=(0.05,), daemon=True
        )

    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    def start(self) -> JunglePayServer:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._release.set()
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)

    # -- knobs ---------------------------------------------------------------------
    def set_status(self, tx_id: str, status: str) -> None:
        with self.lock:
            self.transactions[str(tx_id)]["status"] = status

    def wait_for_transactions(self, count: int, timeout: float = 10.0) -> list[str]:
        """The ids of the transactions, once there are `count` of them (bounded wait)."""
        deadline = threading.Event()
        for _ in range(int(timeout / 0.02)):
            if len(self.transactions) >= count:
                break
            deadline.wait(0.02)
        assert len(self.transactions) >= count, "JunglePay created no transaction"
        return list(self.transactions)

    def postback_body(self, tx_id: str, status: str | None = None) -> dict:
        tx = self.transactions[str(tx_id)]
        return {
            "type": "transaction",
            "data": {
                "id": tx["id"],
                "status": status or tx["status"],
                "amount": tx["amount"],
                "customer": {"email": tx["customer"]["email"]},
            },
        }

    def postback(self, tx_id: str, status: str | None = None, url: str | None = None) -> int:
        """POST the postback to the transaction's postbackUrl; the HTTP status we got.
        `status` overrides the status the body claims (the body is only a hint)."""
        target = url or self.transactions[str(tx_id)]["postbackUrl"]
        data = json.dumps(self.postback_body(tx_id, status)).encode()
        request = urllib.request.Request(
            target, data=data, method="POST", headers={"Content-Type": "application/json"}
        )
        try:
            with urllib.request.urlopen(request, timeout=10) as response:
                status = response.status
        except urllib.error.HTTPError as exc:
            status = exc.code
        if self.after_postback is not None:
            self.after_postback()
        return status

    # -- the API -------------------------------------------------------------------
    def _create(self, body: dict) -> tuple[int, dict]:
        self.received.append(body)
        if self.mode == "reject":
            return 422, {"message": "customer.document is not accepted", "errors": ["customer"]}
        problems = body_problems(body)
        if problems:
            return 400, {"message": "invalid request", "errors": problems}
        if body["paymentMethod"] == "credit_card" and body["card"]["hash"] == REFUSED_CARD:
            return 402, {"status": "refused", "message": "card refused"}
        with self.lock:
            self._next_id += 1
            tx_id = self._next_id
            tx = {
                "id": tx_id,
                "status": "waiting_payment",
                "amount": body["amount"],
                "paymentMethod": body["paymentMethod"],
                "customer": body["customer"],
                "postbackUrl": body["postbackUrl"],
                "secureUrl": f"{self.url}/pay/{tx_id}",
            }
            if body["paymentMethod"] == "pix":
                tx["pix"] = {
                    "qrcode": f"00020126580014br.gov.bcb.pix0136jungle-{tx_id}"
                    "5204000053039865802BR6304ABCD",
                    "expirationDate": "2026-01-02",
                }
            self.transactions[str(tx_id)] = tx
        return 200, tx

    def _handler_class(self):
        server = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args) -> None:  # quiet
                pass

            def _reply(self, status: int, body: dict) -> None:
                data = json.dumps(body).encode()
                try:
                    self.send_response(status)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(data)))
                    self.end_headers()
                    self.wfile.write(data)
                except (BrokenPipeError, ConnectionResetError):
                    pass  # a "slow" answer: the caller stopped waiting, as tested

            def _gate(self) -> bool:
                with server.lock:
                    server.calls += 1
                if server.mode == "slow":
                    server._release.wait(server.delay)
                if server.mode == "down":
                    self._reply(500, {"message": "internal error"})
                    return False
                expected = "Basic " + base64.b64encode(f"{server.secret_key}:x".encode()).decode()
                if self.headers.get("Authorization") != expected:
                    self._reply(401, {"message": "unauthorized"})
                    return False
                return True

            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                raw = self.rfile.read(length)
                if not self._gate():
                    return
                if self.path != "/v1/transactions":
                    return self._reply(404, {"message": "not found"})
                try:
                    body = json.loads(raw)
                except ValueError:
                    return self._reply(400, {"message": "malformed JSON"})
                self._reply(*server._create(body))

            def do_GET(self) -> None:
                if not self._gate():
                    return
                match = re.fullmatch(r"/v1/transactions/([^/]+)", self.path)
                tx = server.transactions.get(match.group(1)) if match else None
                if tx is None:
                    return self._reply(404, {"message": "transaction not found"})
                self._reply(200, tx)

        return Handler

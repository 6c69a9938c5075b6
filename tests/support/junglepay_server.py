"""A local JunglePay: the transaction API contract on 127.0.0.1 (port 0), in a thread.

- POST /v1/transactions: HTTP Basic (secret key, "x"), the body of PRODUCT.md checked
  field by field (400 otherwise); card hash REFUSED_CARD -> 402.
- GET /v1/transactions/{id}: reads a transaction back (404 when unknown), with its
  paymentMethod and, for a card, `card: {id, reusable, brand, lastDigits}`.
- GET /v1/js: a stand-in for JunglePay's card-encryption script (v1 flow):
  `JunglePagamentos.setPublicKey(pk)`, then `await JunglePagamentos.encrypt({number,
  holderName, expMonth, expYear, cvv})` -> a card hash this server accepts for 5
  minutes with `card: {hash}` (the card number never leaves the page but as its last
  digits). Card number REFUSED_NUMBER is refused (402); a card hash is paid at once.
- A card paid by a script hash is kept (`card.id` "card_<tx>", `"reusable": true`):
  `card: {id}` instead of `card: {hash}` charges it again, paid at once (issue 25);
  `refuse_card(card_id)` makes those charges refused (402, `refusedReason`
  "insufficient_funds"), `refuse_card(card_id, final=True)` refused for good
  ("card_canceled"), `accept_card(card_id)` paid again; `saved_card_charges` lists
  the bodies of the charges of saved cards.
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
REFUSED_NUMBER = "4000000000000002"
PUBLIC_KEY = "pk_test_jungle_0123456789"
HASH_PREFIX = "jph_"
HASH_TTL_MS = 5 * 60 * 1000
SCRIPT = """// A stand-in for JunglePay's card-encryption script (tests only).
window.JunglePagamentos = (function () {
  let publicKey = null;
  return {
    setPublicKey(pk) { publicKey = pk; },
    async encrypt(card) {
      if (!publicKey) throw new Error('JunglePagamentos: setPublicKey first');
      const number = String(card.number || '').replace(/\\D/g, '');
      if (number.length < 13 || !card.holderName || !card.expMonth || !card.expYear
          || !/^\\d{3,4}$/.test(String(card.cvv || ''))) {
        throw new Error('JunglePagamentos: invalid card');
      }
      const payload = { pk: publicKey, last4: number.slice(-4), ts: Date.now(),
        refused: number === '%s', brand: number[0] === '5' ? 'mastercard' : 'visa' };
      return '%s' + btoa(JSON.stringify(payload));
    },
  };
})();
""" % (REFUSED_NUMBER, HASH_PREFIX)
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
        or len(body["card"]) != 1
        or not (body["card"].get("hash") or body["card"].get("id"))
        or not isinstance(body.get("installments"), int)
    ):
        problems.append("card")
    return problems


class JunglePayServer:
    def __init__(
        self,
        secret_key: str = "sk_test_jungle_0123456789",
        *,
        mode: str = "ok",
        delay: float = 2.0,
        public_key: str = PUBLIC_KEY,
    ):
        """`mode="slow"` with `delay` seconds: every call answers that late (bounded:
        `stop()` releases the waiting handlers). `public_key`: the key its script's
        hashes must be made with."""
        self.secret_key = secret_key
        self.public_key = public_key
        self.mode = mode
        self.delay = delay
        self.calls = 0  # API calls received, of any kind
        # Run after each postback() answered: a test gives it our background worker's
        # round (tests.support.payments.settle_postbacks), so it can assert the outcome.
        self.after_postback: Callable[[], object] | None = None
        self.transactions: dict[str, dict] = {}
        self.received: list[dict] = []  # create bodies, in order
        self.saved_card_charges: list[dict] = []  # create bodies with card: {id}
        self.cards: dict[str, dict] = {}  # the reusable cards issued, by id
        self.refusals: dict[str, str] = {}  # card id -> refusedReason
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

    @property
    def script_url(self) -> str:
        return self.url + "/v1/js"

    def card_hash(
        self, number: str = "4111111111111111", *, age_ms: int = 0, public_key: str | None = None
    ) -> str:
        """What the script's encrypt() gives for `number` (for API-level tests)."""
        import time

        payload = {
            "pk": public_key or self.public_key,
            "last4": number[-4:],
            "ts": int(time.time() * 1000) - age_ms,
            "refused": number == REFUSED_NUMBER,
            "brand": "visa",
        }
        return HASH_PREFIX + base64.b64encode(json.dumps(payload).encode()).decode()

    def _card(self, card_hash: str) -> tuple[dict | None, str | None]:
        """The card a script hash stands for, or why it is refused."""
        import time

        if not card_hash.startswith(HASH_PREFIX):
            return {"last4": "0000", "brand": "visa", "refused": False}, None  # a test token
        try:
            card = json.loads(base64.b64decode(card_hash[len(HASH_PREFIX) :]))
        except ValueError:
            return None, "card.hash is malformed"
        if card.get("pk") != self.public_key:
            return None, "card.hash was made with another public key"
        if int(time.time() * 1000) - int(card.get("ts", 0)) > HASH_TTL_MS:
            return None, "card.hash expired"
        return card, None

    def start(self) -> JunglePayServer:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._release.set()
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)

    # -- knobs ---------------------------------------------------------------------
    def refuse_card(self, card_id: str, *, final: bool = False) -> None:
        with self.lock:
            self.refusals[card_id] = "card_canceled" if final else "insufficient_funds"

    def accept_card(self, card_id: str) -> None:
        with self.lock:
            self.refusals.pop(card_id, None)

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
        card = None
        if body["paymentMethod"] == "credit_card" and "id" in body["card"]:
            return self._charge_saved(body)
        if body["paymentMethod"] == "credit_card":
            if body["card"]["hash"] == REFUSED_CARD:
                return 402, {"status": "refused", "message": "card refused"}
            card, problem = self._card(body["card"]["hash"])
            if card is None:
                return 400, {"message": "invalid request", "errors": [problem]}
            if card.get("refused"):
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
            if card is not None and body["card"]["hash"].startswith(HASH_PREFIX):
                # a card the script encrypted is paid at once (a test token waits)
                tx["status"] = "paid"
                tx["installments"] = body["installments"]
                tx["card"] = {
                    "id": f"card_{tx_id}",
                    "reusable": True,
                    "brand": card.get("brand", "visa"),
                    "lastDigits": card.get("last4", "0000"),
                }
                self.cards[tx["card"]["id"]] = tx["card"]
            if body["paymentMethod"] == "pix":
                tx["pix"] = {
                    "qrcode": f"00020126580014br.gov.bcb.pix0136jungle-{tx_id}"
                    "5204000053039865802BR6304ABCD",
                    "expirationDate": "2026-01-02",
                }
            self.transactions[str(tx_id)] = tx
        return 200, tx

    def _charge_saved(self, body: dict) -> tuple[int, dict]:
        with self.lock:
            self.saved_card_charges.append(body)
            card = self.cards.get(str(body["card"]["id"]))
            if card is None:
                return 400, {"message": "invalid request", "errors": ["card.id is unknown"]}
            reason = self.refusals.get(card["id"])
            if reason is not None:
                return 402, {
                    "status": "refused",
                    "message": "card refused",
                    "refusedReason": reason,
                }
            self._next_id += 1
            tx_id = self._next_id
            tx = {
                "id": tx_id,
                "status": "paid",
                "amount": body["amount"],
                "paymentMethod": "credit_card",
                "customer": body["customer"],
                "postbackUrl": body["postbackUrl"],
                "installments": 1,
                "secureUrl": f"{self.url}/pay/{tx_id}",
                "card": dict(card),
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
                if self.path == "/v1/js":  # public, like JunglePay's own script
                    data = SCRIPT.encode()
                    self.send_response(200)
                    self.send_header("Content-Type", "text/javascript; charset=utf-8")
                    self.send_header("Content-Length", str(len(data)))
                    self.end_headers()
                    self.wfile.write(data)
                    return
                if not self._gate():
                    return
                match = re.fullmatch(r"/v1/transactions/([^/]+)", self.path)
                tx = server.transactions.get(match.group(1)) if match else None
                if tx is None:
                    return self._reply(404, {"message": "transaction not found"})
                self._reply(200, tx)

        return Handler

"""A local PSP speaking the Banco Central's API Pix (bacen/pix-api 2.9.0, the copy in
/work/shared/ref/bcb-api-pix-2.9.0.yaml), on 127.0.0.1 (port 0), in a thread.

- Mutual TLS: the server presents a certificate of the test CA (tests.support.pix_certs)
  and REQUIRES a client certificate signed by it; a connection without one (or with a
  stranger's) fails its handshake and is counted in `refused_handshakes`.
- POST /oauth/token: OAuth2 client credentials (HTTP Basic client id and secret,
  grant_type=client_credentials, form or JSON) -> {access_token, token_type, expires_in,
  scope}; `token_calls` counts them. Every API call needs `Authorization: Bearer` with
  a live token carrying the operation's scope (spec: security OAuth2 [cob.write]...).
- The API under /v2: PUT and GET /cob/{txid} (CobSolicitada -> CobGerada / CobCompleta),
  PUT and GET /webhook/{chave} (WebhookSolicitado -> WebhookCompleto). Errors are RFC 7807
  `application/problem+json` bodies of the spec's `Problema` (type
  https://pix.bcb.gov.br/api/v2/error/<TipoErro>, title, status, detail, violacoes).
- Pix Automático (tests.support.pix_api_recurring): POST /rec, GET /rec/{idRec}[?txid=]
  (journey 3's dadosQR), PATCH /rec/{idRec}, PUT /cobr/{txid}, POST /cobr, GET
  /cobr/{txid}, POST /cobr/{txid}/retentativa/{data}, PUT and GET /webhookrec and
  /webhookcobr; `today` (a callable, default date.today) is the PSP's calendar day.
- Controls: `pay(txid, valor=None)` (the payer paid: CONCLUIDA plus a `pix` entry with
  endToEndId, txid, valor, horario), `remove(txid)` (REMOVIDA_PELO_PSP), `notify(txid)`
  POSTs the notice `{"pix": [...]}` to the webhook registered for the cob's key plus
  "/pix" (the spec's callback `{$request.body#/webhookUrl}/pix`), `down` (503 problems);
  for Pix Automático approve_rec, reject_rec, cancel_rec_by_payer, scan (approve and pay
  the activation cob), settle_cobr, refuse_cobr, close_cobr, notify_rec, notify_cobr, and
  the lookups recs, cobrs, rec_of_txid.

Operations are rows of `routes()` (method, path pattern with one group per path
parameter, scope, handler called with those and the decoded body).
"""

from __future__ import annotations

import base64
import json
import re
import secrets
import ssl
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler
from typing import Any
from urllib.parse import parse_qs, unquote

from tests.support.pix_api_recurring import RecurringApi
from tests.support.pix_api_rules import (
    TXID,
    Problem,
    cob_problems,
    copia_e_cola,
    invalid_cob,
    not_found,
    now,
    webhook_url,
)
from tests.support.pix_certs import TestPki, TlsServer

API_PREFIX = "/v2"
TOKEN_PATH = "/oauth/token"
SCOPES = (
    "cob.write cob.read webhook.write webhook.read rec.write rec.read cobr.write cobr.read "
    "webhookrec.write webhookrec.read webhookcobr.write webhookcobr.read"
)


class PixApiServer(RecurringApi):
    def __init__(
        self,
        pki: TestPki,
        *,
        client_id: str = "cf-client",
        client_secret: str = "cf-secret-0123456789",
        key: str = "pix@creatorflix.example",
        expires_in: int = 3600,
    ):
        self.pki = pki
        self.client_id, self.client_secret, self.key = client_id, client_secret, key
        self.expires_in = expires_in
        self.down = False  # every API call answers a 503 problem
        self.token_calls = 0
        self.api_calls: list[tuple[str, str]] = []  # (method, path) of the API, in order
        self.refused_handshakes = 0
        self.cobs: dict[str, dict] = {}
        self.webhooks: dict[str, dict] = {}  # by key: WebhookCompleto
        self.tokens: dict[str, tuple[float, set[str]]] = {}  # token -> (expiry, scopes)
        self.lock = threading.Lock()
        self._init_recurring()
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(str(pki.server_cert_file))
        context.load_verify_locations(cafile=str(pki.ca_file))
        context.verify_mode = ssl.CERT_REQUIRED  # mutual TLS: no client certificate, no talk
        self._server = TlsServer(("127.0.0.1", 0), self._handler_class(), context, self)
        self._thread = threading.Thread(
            target=self._server.serve_forever, args=(0.05,), daemon=True
        )

    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"https://{host}:{port}"

    @property
    def api_url(self) -> str:
        return self.url + API_PREFIX

    @property
    def token_url(self) -> str:
        return self.url + TOKEN_PATH

    def start(self) -> PixApiServer:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)

    # -- controls --------------------------------------------------------------------
    def pay(self, txid: str, valor: str | None = None) -> dict:
        """The payer paid the cob (its own amount unless `valor` says otherwise)."""
        with self.lock:
            cob = self.cobs[txid]
            pix = {
                "endToEndId": "E" + secrets.token_hex(16)[:31].upper(),
                "txid": txid,
                "valor": valor or cob["valor"]["original"],
                "horario": now(),
            }
            cob["status"] = "CONCLUIDA"
            cob.setdefault("pix", []).append(pix)
            return pix

    def remove(self, txid: str) -> None:
        with self.lock:
            self.cobs[txid]["status"] = "REMOVIDA_PELO_PSP"

    def notice(self, txid: str) -> dict:
        """The body the PSP posts about the Pix received for `txid` (WebhookPixBody)."""
        with self.lock:
            return {"pix": [dict(p) for p in self.cobs[txid].get("pix", [])]}

    def notify(self, txid: str, *, body: dict | None = None, url: str | None = None) -> int:
        """POST the notice to the webhook registered for the cob's key + "/pix" (or to
        `url`); returns the HTTP status our app answered."""
        if url is None:
            url = self.webhooks[self.cobs[txid]["chave"]]["webhookUrl"].rstrip("/") + "/pix"
        return self.post_notice(url, body if body is not None else self.notice(txid))

    def post_notice(self, url: str, body: dict) -> int:
        """POST `body` to `url` as the PSP does (no client certificate); the status."""
        data = json.dumps(body).encode()
        request = urllib.request.Request(
            url, data=data, method="POST", headers={"Content-Type": "application/json"}
        )
        try:
            with urllib.request.urlopen(request, timeout=10) as answer:
                return answer.status
        except urllib.error.HTTPError as error:
            return error.code

    # -- operations ------------------------------------------------------------------
    def routes(self) -> list[tuple[str, re.Pattern, str, Callable[..., tuple[int, dict]]]]:
        return [
            ("PUT", re.compile(r"/cob/([^/]+)"), "cob.write", self._put_cob),
            ("GET", re.compile(r"/cob/([^/]+)"), "cob.read", self._get_cob),
            ("PUT", re.compile(r"/webhook/([^/]+)"), "webhook.write", self._put_webhook),
            ("GET", re.compile(r"/webhook/([^/]+)"), "webhook.read", self._get_webhook),
            *self.recurring_routes(),
        ]

    def _put_cob(self, txid: str, body: Any) -> tuple[int, dict]:
        if not TXID.fullmatch(txid):
            raise invalid_cob(
                [{"razao": "O txid não respeita o _schema_.", "propriedade": "cob.txid"}]
            )
        problems = cob_problems(body, self.key)
        if problems:
            raise invalid_cob(problems)
        with self.lock:
            if txid in self.cobs:
                raise invalid_cob(
                    [{"razao": "O txid informado já foi utilizado.", "propriedade": "cob.txid"}]
                )
            loc = len(self.cobs) + 1
            cob = {
                "calendario": {"criacao": now(), "expiracao": body["calendario"]["expiracao"]},
                "txid": txid,
                "revisao": 0,
                "loc": {
                    "id": loc,
                    "location": f"pix.example.com/qr/v2/{txid.lower()}",
                    "tipoCob": "cob",
                    "criacao": now(),
                },
                "location": f"pix.example.com/qr/v2/{txid.lower()}",
                "status": "ATIVA",
                "valor": {"original": body["valor"]["original"]},
                "chave": body["chave"],
                "pixCopiaECola": copia_e_cola(txid, body["valor"]["original"]),
            }
            if "devedor" in body:
                cob["devedor"] = dict(body["devedor"])
            self.cobs[txid] = cob
            return 201, {k: v for k, v in cob.items() if k != "pix"}

    def _get_cob(self, txid: str, body: Any) -> tuple[int, dict]:
        with self.lock:
            if txid not in self.cobs:
                raise not_found()
            return 200, json.loads(json.dumps(self.cobs[txid]))

    def _put_webhook(self, key: str, body: Any) -> tuple[int, dict]:
        url = webhook_url(body)
        if key != self.key:
            raise not_found()
        with self.lock:
            self.webhooks[key] = {"webhookUrl": url, "chave": key, "criacao": now()}
        return 200, {}

    def _get_webhook(self, key: str, body: Any) -> tuple[int, dict]:
        with self.lock:
            if key not in self.webhooks:
                raise not_found()
            return 200, dict(self.webhooks[key])

    # -- OAuth2 ----------------------------------------------------------------------
    def _token(self, authorization: str, body: bytes, content_type: str) -> tuple[int, dict]:
        scheme, _, encoded = authorization.partition(" ")
        try:
            user, _, password = base64.b64decode(encoded).decode().partition(":")
        except ValueError:
            user = password = ""
        if scheme.lower() != "basic" or (user, password) != (self.client_id, self.client_secret):
            return 401, {"error": "invalid_client"}
        if "json" in content_type:
            grant = (json.loads(body or b"{}") or {}).get("grant_type")
        else:
            grant = (parse_qs(body.decode()).get("grant_type") or [None])[0]
        if grant != "client_credentials":
            return 400, {"error": "unsupported_grant_type"}
        token = secrets.token_urlsafe(24)
        with self.lock:
            self.token_calls += 1
            self.tokens[token] = (time.monotonic() + self.expires_in, set(SCOPES.split()))
        return 200, {
            "access_token": token,
            "token_type": "Bearer",
            "expires_in": self.expires_in,
            "scope": SCOPES,
        }

    def _authorised(self, authorization: str, scope: str) -> None:
        scheme, _, token = authorization.partition(" ")
        with self.lock:
            expiry, scopes = self.tokens.get(token, (0.0, set()))
        if scheme.lower() != "bearer" or expiry < time.monotonic():
            raise Problem(401, "AcessoNegado", "Acesso Negado", "Token ausente ou expirado.")
        if scope not in scopes:
            raise Problem(
                403,
                "AcessoNegado",
                "Acesso Negado",
                "Requisição de participante autenticado que viola alguma regra de autorização.",
            )

    def handle(self, method: str, path: str, headers: Any, body: bytes) -> tuple[int, dict]:
        authorization = headers.get("Authorization", "")
        if method == "POST" and path == TOKEN_PATH:
            return self._token(authorization, body, headers.get("Content-Type", ""))
        if not path.startswith(API_PREFIX + "/"):
            raise not_found()
        path = path[len(API_PREFIX) :]
        for verb, pattern, scope, operation in self.routes():
            match = pattern.fullmatch(path)
            if verb == method and match:
                self._authorised(authorization, scope)
                with self.lock:
                    self.api_calls.append((method, path))
                if self.down:
                    raise Problem(
                        503,
                        "ServicoIndisponivel",
                        "Serviço Indisponível",
                        "Serviço não está disponível no momento.",
                    )
                try:
                    parsed = json.loads(body) if body else None
                except ValueError:
                    parsed = None
                args = (None if g is None else unquote(g) for g in match.groups())
                return operation(*args, parsed)
        raise not_found()

    def _handler_class(self) -> type[BaseHTTPRequestHandler]:
        server = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args) -> None:
                pass

            def _serve(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else b""
                try:
                    status, answer = server.handle(self.command, self.path, self.headers, body)
                    kind = "application/json"
                except Problem as problem:
                    status, answer, kind = (
                        problem.status,
                        problem.body(),
                        "application/problem+json",
                    )
                data = json.dumps(answer).encode() if answer or status != 200 else b""
                self.send_response(status)
                self.send_header("Content-Type", kind)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            do_GET = do_PUT = do_POST = do_PATCH = do_DELETE = _serve

        return Handler

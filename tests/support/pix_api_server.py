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
- Controls: `pay(txid, valor=None)` (the payer paid: CONCLUIDA plus a `pix` entry with
  endToEndId, txid, valor, horario), `remove(txid)` (REMOVIDA_PELO_PSP), `notify(txid)`
  POSTs the notice `{"pix": [...]}` to the webhook registered for the cob's key plus
  "/pix" (the spec's callback `{$request.body#/webhookUrl}/pix`), `down` (503 problems).

Operations are rows of `routes()` (method, path pattern, scope, handler): the recurring
ones of Pix Automático (rec, solicrec, cobr, webhookrec, webhookcobr) are added there.
"""
from __future__ import annotations

import base64
import json
import re
import secrets
import ssl
import threading
import time
import urllib.request
from collections.abc import Callable
from datetime import UTC, datetime
from decimal import Decimal
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, unquote

from tests.support.pix_certs import TestPki

API_PREFIX = "/v2"
TOKEN_PATH = "/oauth/token"
ERROR_TYPE = "https://pix.bcb.gov.br/api/v2/error/"
TXID = re.compile(r"[a-zA-Z0-9]{26,35}")
VALOR = re.compile(r"\d{1,10}\.\d{2}")
COB_FIELDS = {"calendario", "devedor", "loc", "valor", "chave", "solicitacaoPagador",
              "infoAdicionais"}
SCOPES = "cob.write cob.read webhook.write webhook.read"


class Problem(Exception):
    """An RFC 7807 answer (the spec's `Problema`)."""

    def __init__(self, status: int, kind: str, title: str, detail: str,
                 violacoes: list[dict] | None = None):
        super().__init__(detail)
        self.status, self.kind, self.title, self.detail = status, kind, title, detail
        self.violacoes = violacoes or []

    def body(self) -> dict:
        body = {"type": ERROR_TYPE + self.kind, "title": self.title, "status": self.status,
                "detail": self.detail}
        if self.violacoes:
            body["violacoes"] = self.violacoes
        return body


def _invalid_cob(violacoes: list[dict]) -> Problem:
    return Problem(400, "CobOperacaoInvalida", "Cobrança inválida.",
                   "A requisição que busca alterar ou criar uma cobrança para pagamento "
                   "imediato não respeita o _schema_ ou está semanticamente errada.", violacoes)


def _not_found() -> Problem:
    return Problem(404, "NaoEncontrado", "Não Encontrado", "Entidade não encontrada.")


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def cob_problems(body: Any, key: str) -> list[dict]:
    """Why a CobSolicitada breaks the spec (or names another key than ours)."""
    def v(prop: str, why: str) -> dict:
        return {"razao": why, "propriedade": "cob." + prop}
    if not isinstance(body, dict):
        return [v("", "O corpo não é um objeto.")]
    out = [v(k, f"O campo cob.{k} não existe.") for k in body if k not in COB_FIELDS]
    cal = body.get("calendario")
    exp = cal.get("expiracao") if isinstance(cal, dict) else None
    if not isinstance(exp, int) or isinstance(exp, bool) or exp <= 0:
        out.append(v("calendario.expiracao", "O campo cob.calendario.expiracao é inválido."))
    devedor = body.get("devedor")
    if devedor is not None and not (isinstance(devedor, dict) and set(devedor) == {"cpf", "nome"}
                                    and re.fullmatch(r"\d{11}", str(devedor.get("cpf")))
                                    and isinstance(devedor.get("nome"), str)
                                    and 0 < len(devedor["nome"]) <= 200):
        out.append(v("devedor", "O campo cob.devedor não respeita o _schema_."))
    valor = body.get("valor")
    original = valor.get("original") if isinstance(valor, dict) else None
    if not isinstance(original, str) or not VALOR.fullmatch(original) or Decimal(original) <= 0:
        out.append(v("valor.original", "O campo cob.valor.original não respeita o _schema_."))
    if body.get("chave") != key:
        out.append(v("chave", "A chave não pertence ao usuário recebedor."))
    return out


class PixApiServer:
    def __init__(self, pki: TestPki, *, client_id: str = "cf-client",
                 client_secret: str = "cf-secret-0123456789", key: str = "pix@creatorflix.example",
                 expires_in: int = 3600):
        self.pki = pki
        self.client_id, self.client_secret, self.key = client_id, client_secret, key
        self.expires_in = expires_in
        self.down = False                          # every API call answers a 503 problem
        self.token_calls = 0
        self.api_calls: list[tuple[str, str]] = []  # (method, path) of the API, in order
        self.refused_handshakes = 0
        self.cobs: dict[str, dict] = {}
        self.webhooks: dict[str, dict] = {}          # by key: WebhookCompleto
        self.tokens: dict[str, tuple[float, set[str]]] = {}  # token -> (expiry, scopes)
        self.lock = threading.Lock()
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(str(pki.server_cert_file))
        context.load_verify_locations(cafile=str(pki.ca_file))
        context.verify_mode = ssl.CERT_REQUIRED      # mutual TLS: no client certificate, no talk
        self._server = _TlsServer(("127.0.0.1", 0), self._handler_class(), context, self)
        self._thread = threading.Thread(target=self._server.serve_forever, args=(0.05,),
                                        daemon=True)

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
            pix = {"endToEndId": "E" + secrets.token_hex(16)[:31].upper(), "txid": txid,
                   "valor": valor or cob["valor"]["original"], "horario": _now()}
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
        data = json.dumps(body if body is not None else self.notice(txid)).encode()
        request = urllib.request.Request(url, data=data, method="POST",
                                         headers={"Content-Type": "application/json"})
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
        ]

    def _put_cob(self, txid: str, body: Any) -> tuple[int, dict]:
        if not TXID.fullmatch(txid):
            raise _invalid_cob([{"razao": "O txid não respeita o _schema_.",
                                 "propriedade": "cob.txid"}])
        problems = cob_problems(body, self.key)
        if problems:
            raise _invalid_cob(problems)
        with self.lock:
            if txid in self.cobs:
                raise _invalid_cob([{"razao": "O txid informado já foi utilizado.",
                                     "propriedade": "cob.txid"}])
            loc = len(self.cobs) + 1
            cob = {"calendario": {"criacao": _now(),
                                  "expiracao": body["calendario"]["expiracao"]},
                   "txid": txid, "revisao": 0,
                   "loc": {"id": loc, "location": f"pix.example.com/qr/v2/{txid.lower()}",
                           "tipoCob": "cob", "criacao": _now()},
                   "location": f"pix.example.com/qr/v2/{txid.lower()}",
                   "status": "ATIVA", "valor": {"original": body["valor"]["original"]},
                   "chave": body["chave"],
                   "pixCopiaECola": _copia_e_cola(txid, body["valor"]["original"])}
            if "devedor" in body:
                cob["devedor"] = dict(body["devedor"])
            self.cobs[txid] = cob
            return 201, {k: v for k, v in cob.items() if k != "pix"}

    def _get_cob(self, txid: str, body: Any) -> tuple[int, dict]:
        with self.lock:
            if txid not in self.cobs:
                raise _not_found()
            return 200, json.loads(json.dumps(self.cobs[txid]))

    def _put_webhook(self, key: str, body: Any) -> tuple[int, dict]:
        url = body.get("webhookUrl") if isinstance(body, dict) else None
        if not isinstance(url, str) or not url.startswith(("https://", "http://")):
            raise Problem(400, "WebhookOperacaoInvalida", "Webhook inválido.",
                          "A requisição não respeita o _schema_.",
                          [{"razao": "O campo webhookUrl não respeita o _schema_.",
                            "propriedade": "webhookUrl"}])
        if key != self.key:
            raise _not_found()
        with self.lock:
            self.webhooks[key] = {"webhookUrl": url, "chave": key, "criacao": _now()}
        return 200, {}

    def _get_webhook(self, key: str, body: Any) -> tuple[int, dict]:
        with self.lock:
            if key not in self.webhooks:
                raise _not_found()
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
        return 200, {"access_token": token, "token_type": "Bearer",
                     "expires_in": self.expires_in, "scope": SCOPES}

    def _authorised(self, authorization: str, scope: str) -> None:
        scheme, _, token = authorization.partition(" ")
        with self.lock:
            expiry, scopes = self.tokens.get(token, (0.0, set()))
        if scheme.lower() != "bearer" or expiry < time.monotonic():
            raise Problem(401, "AcessoNegado", "Acesso Negado", "Token ausente ou expirado.")
        if scope not in scopes:
            raise Problem(403, "AcessoNegado", "Acesso Negado",
                          "Requisição de participante autenticado que viola alguma regra "
                          "de autorização.")

    def handle(self, method: str, path: str, headers: Any, body: bytes) -> tuple[int, dict]:
        authorization = headers.get("Authorization", "")
        if method == "POST" and path == TOKEN_PATH:
            return self._token(authorization, body, headers.get("Content-Type", ""))
        if not path.startswith(API_PREFIX + "/"):
            raise _not_found()
        path = path[len(API_PREFIX):]
        for verb, pattern, scope, operation in self.routes():
            match = pattern.fullmatch(path)
            if verb == method and match:
                self._authorised(authorization, scope)
                with self.lock:
                    self.api_calls.append((method, path))
                if self.down:
                    raise Problem(503, "ServicoIndisponivel", "Serviço Indisponível",
                                  "Serviço não está disponível no momento.")
                try:
                    parsed = json.loads(body) if body else None
                except ValueError:
                    parsed = None
                return operation(unquote(match.group(1)), parsed)
        raise _not_found()

    def _handler_class(self) -> type[BaseHTTPRequestHandler]:
        server = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args) -> None:
                pass

            def _serve(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else b""
                try:
                    status, answer = server.handle(self.command, self.path.split("?")[0],
                                                   self.headers, body)
                    kind = "application/json"
                except Problem as problem:
                    status, answer, kind = problem.status, problem.body(), \
                        "application/problem+json"
                data = json.dumps(answer).encode() if answer or status != 200 else b""
                self.send_response(status)
                self.send_header("Content-Type", kind)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            do_GET = do_PUT = do_POST = do_PATCH = do_DELETE = _serve

        return Handler


class _TlsServer(ThreadingHTTPServer):
    """Each connection's TLS handshake runs in its own thread (a client that never
    finishes one holds only that thread); a failed handshake is counted."""

    daemon_threads = True

    def __init__(self, address, handler, context: ssl.SSLContext, owner: PixApiServer):
        self.context, self.owner = context, owner
        super().__init__(address, handler)

    def finish_request(self, request, client_address) -> None:
        try:
            request.settimeout(10)
            tls = self.context.wrap_socket(request, server_side=True)
        except (ssl.SSLError, OSError):
            with self.owner.lock:
                self.owner.refused_handshakes += 1
            return
        try:
            self.RequestHandlerClass(tls, client_address, self)
        finally:
            try:
                tls.close()
            except OSError:
                pass


def _copia_e_cola(txid: str, valor: str) -> str:
    """An EMV-shaped BR Code for the cob (it pays nothing anywhere)."""
    from adapters.payments.sandbox import crc16_ccitt

    def tlv(tag: str, value: str) -> str:
        return f"{tag}{len(value):02d}{value}"
    payload = "".join([tlv("00", "01"), tlv("01", "12"),
                       tlv("26", tlv("00", "br.gov.bcb.pix") +
                           tlv("25", f"pix.example.com/qr/v2/{txid.lower()}")),
                       tlv("52", "0000"), tlv("53", "986"), tlv("54", valor), tlv("58", "BR"),
                       tlv("59", "CREATORFLIX TESTE"), tlv("60", "SAO PAULO"),
                       tlv("62", tlv("05", "***"))]) + "6304"
    return payload + crc16_ccitt(payload)

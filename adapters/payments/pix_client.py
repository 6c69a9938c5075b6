"""HTTP to a PSP's API Pix: mutual TLS and OAuth2 client credentials.

- The operator's client certificate (`cert_file`, PEM holding certificate and key) goes
  on every request, the token call included, and the PSP's CA (`ca_file`, else the
  system's) is passed per request: the session does not read the environment
  (trust_env=False), since a REQUESTS_CA_BUNDLE exported for other servers would
  otherwise replace our CA (STACK-NOTES) — and no proxy sees the client certificate.
- One token is kept until shortly before it expires, shared by the threads of the
  process (one token call at a time); a 401 drops it and the call is tried once more.
- Timeouts on every call; the PSP's RFC 7807 problems become `PixApiError`."""

from __future__ import annotations

import logging
import os
import ssl
import tempfile
import threading
import time
from collections.abc import Callable
from typing import Any, TypeVar
from urllib.parse import quote

import requests
import requests.adapters

from adapters.payments.pix_schemas import AccessToken, Problema, Unreadable, parse
from domain.common.errors import GatewayRejected, GatewayTimeout, ServiceUnavailable

log = logging.getLogger("creatorflix.pix")

T = TypeVar("T")

DEFAULT_TIMEOUT = (3.0, 8.0)  # (connect, read) seconds
REFRESH_MARGIN = 60.0  # seconds before expiry a token is renewed...
REFRESH_FRACTION = 0.2  # ...or this part of a short lifetime


class PixApiError(Exception):
    """A failed call. `status` is the HTTP status (None: no answer); `problem` the PSP's
    RFC 7807 body when it sent one; `timeout` when it did not answer in time."""

    def __init__(
        self,
        message: str,
        *,
        status: int | None = None,
        problem: Problema | None = None,
        timeout: bool = False,
    ):
        super().__init__(message)
        self.status, self.problem, self.timeout = status, problem, timeout


class PixApiClient:
    def __init__(
        self,
        api_url: str,
        token_url: str,
        client_id: str,
        client_secret: str,
        cert_file: str | None,
        *,
        ca_file: str | None = None,
        client_pem: str | None = None,
        timeout: tuple[float, float] = DEFAULT_TIMEOUT,
        monotonic: Callable[[], float] = time.monotonic,
    ):
        """The client certificate: `cert_file` (a PEM file with its key), or
        `client_pem` (the same, in memory: the admin page's, stored sealed)."""
        self.api_url = api_url.rstrip("/")
        self.token_url = token_url
        self._credentials = (client_id, client_secret)
        self._cert = cert_file
        self._verify: str | bool = ca_file or True
        self._timeout = timeout
        self._monotonic = monotonic
        self._session = requests.Session()
        self._session.trust_env = False
        if client_pem is not None:
            self._cert = None
            self._session.mount("https://", _ClientCertAdapter(client_pem))
        self._lock = threading.Lock()
        self._token: str | None = None
        self._renew_at = 0.0

    def __repr__(self) -> str:  # never the secret
        return f"PixApiClient({self.api_url!r})"

    def call(self, method: str, path: str, json: Any = None) -> tuple[int, Any]:
        """(status, decoded JSON or None) of a 2xx or 404 answer to `path` (appended to
        the API URL); PixApiError for anything else."""
        for attempt in (1, 2):
            token = self.token()
            response = self._send(
                method, self.api_url + path, json=json, headers={"Authorization": f"Bearer {token}"}
            )
            if response.status_code == 401 and attempt == 1:
                self.forget(token)  # revoked or expired early: one new token, once
                continue
            break
        status = response.status_code
        if 200 <= status < 300 or status == 404:
            return status, _decoded(response)
        raise self._failure(method, path, response)

    def token(self) -> str:
        """The cached access token, renewed shortly before it expires."""
        with self._lock:
            if self._token is not None and self._monotonic() < self._renew_at:
                return self._token
            response = self._send(
                "POST",
                self.token_url,
                auth=self._credentials,
                data={"grant_type": "client_credentials"},
            )
            if response.status_code != 200:
                if response.status_code in (400, 401, 403):
                    log.error(
                        "the PSP refused our client id/secret (%s): check "
                        "CREATORFLIX_PIX_CLIENT_ID and _SECRET",
                        response.status_code,
                    )
                raise PixApiError(
                    f"the PIX token endpoint answered {response.status_code}",
                    status=response.status_code,
                )
            try:
                answer = parse(AccessToken, _decoded(response))
            except Unreadable as problem:
                raise PixApiError(f"unreadable token answer ({problem})") from None
            lifetime = max(answer.expires_in, 0)
            self._token = answer.access_token
            self._renew_at = (
                self._monotonic() + lifetime - min(REFRESH_MARGIN, lifetime * REFRESH_FRACTION)
            )
            return self._token

    def forget(self, token: str) -> None:
        with self._lock:
            if self._token == token:
                self._token = None

    # -- plumbing ------------------------------------------------------------------
    def _send(self, method: str, url: str, **kwargs: Any) -> requests.Response:
        where = url if url == self.token_url else url[len(self.api_url) :]
        try:
            response = self._session.request(
                method, url, cert=self._cert, verify=self._verify, timeout=self._timeout, **kwargs
            )
        except requests.Timeout:
            log.warning("pix %s %s: no answer in time", method, where)
            raise PixApiError("the PIX API did not answer in time", timeout=True) from None
        except requests.exceptions.SSLError as exc:
            log.error(
                "pix %s %s: TLS failed (%s): check CREATORFLIX_PIX_CERT_FILE and "
                "CREATORFLIX_PIX_CA_FILE",
                method,
                where,
                type(exc).__name__,
            )
            raise PixApiError("the PIX API's TLS handshake failed") from None
        except (requests.RequestException, OSError) as exc:
            log.warning("pix %s %s: %s", method, where, type(exc).__name__)
            raise PixApiError("the PIX API cannot be reached") from None
        log.info("pix %s %s -> %s", method, where, response.status_code)
        return response

    def _failure(self, method: str, path: str, response: requests.Response) -> PixApiError:
        status = response.status_code
        try:
            problem: Problema | None = parse(Problema, _decoded(response))
        except Unreadable:
            problem = None
        reason = problem.explain() if problem else f"HTTP {status}"
        log.error("pix %s %s refused with %s: %s", method, path, status, reason)
        return PixApiError(reason, status=status, problem=problem)


class _ClientCertAdapter(requests.adapters.HTTPAdapter):
    """Connections presenting a client certificate held in memory: Python's ssl loads a
    certificate only from a file, so the PEM is written to a private temporary file,
    loaded and deleted at once (the key never stays on disk)."""

    def __init__(self, pem: str):
        self._context = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)  # verifies, no CA yet
        fd, path = tempfile.mkstemp(suffix=".pem")  # mode 0600
        try:
            with os.fdopen(fd, "w", encoding="ascii") as out:
                out.write(pem)
            self._context.load_cert_chain(path)
        finally:
            os.unlink(path)
        super().__init__()

    def init_poolmanager(self, *args: Any, **kwargs: Any) -> None:
        kwargs["ssl_context"] = self._context
        super().init_poolmanager(*args, **kwargs)


def _decoded(response: requests.Response) -> Any:
    try:
        return response.json() if response.content else None
    except ValueError:
        return None


def path_of(*segments: str) -> str:
    """`/cob/{txid}`: each segment quoted for the URL path."""
    return "".join("/" + quote(s, safe="") for s in segments)


def domain_error(error: PixApiError) -> Exception:
    """The PSP's failure as the payment use cases understand it: a request it rejects
    (400) cannot succeed by retrying; credentials it refuses are a misconfiguration;
    the rest (no answer, 5xx) is "try again later"."""
    if error.timeout:
        return GatewayTimeout("the PIX API did not answer in time")
    if error.status == 400:
        return GatewayRejected(f"the PIX API rejected the request: {error}")
    if error.status in (401, 403):
        return ServiceUnavailable(f"the PIX gateway is misconfigured ({error})")
    if error.status is None:
        return ServiceUnavailable(str(error))
    return ServiceUnavailable(f"the PIX API failed: {error}")


def taken(error: PixApiError, kind: str) -> bool:
    """Whether `error` may be the PSP's refusal of a txid already used (a problem of
    type `kind`, or a 400/409 without one): the caller reads that txid back."""
    return error.status in (400, 409) and (error.problem is None or error.problem.kind == kind)


def readable(cls: type[T], data: Any, what: str) -> T:
    """`parse(cls, data)`, an answer that breaks the spec being ServiceUnavailable; the
    log names the field only (the bodies carry CPFs and names)."""
    try:
        return parse(cls, data)
    except Unreadable as problem:
        log.error("the PIX API answered a %s that breaks the spec (%s)", what, problem.path)
        raise ServiceUnavailable("the PIX API gave an unreadable answer") from None

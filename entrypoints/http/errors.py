"""One error shape for every error: {"error": {"code", "message", "field"?}}."""

from __future__ import annotations

import logging

import falcon

from domain.common import errors
from entrypoints.http.json_io import PayloadTooLarge, RequestTimeout

log = logging.getLogger("creatorflix.http")

STATUS_OF: list[tuple[type, str]] = [
    (PayloadTooLarge, falcon.HTTP_413),
    (RequestTimeout, falcon.HTTP_408),
    (errors.ValidationError, falcon.HTTP_400),
    (errors.UnsupportedMedia, falcon.HTTP_415),
    (errors.TooLarge, falcon.HTTP_413),
    (errors.NotFound, falcon.HTTP_404),
    (errors.Conflict, falcon.HTTP_409),
    (errors.Unauthenticated, falcon.HTTP_401),
    (errors.Forbidden, falcon.HTTP_403),
    (errors.PaymentRefused, falcon.HTTP_402),
    (errors.TooManyRequests, falcon.HTTP_429),
    (errors.GatewayRejected, falcon.HTTP_502),
    (errors.GatewayTimeout, falcon.HTTP_504),
    (errors.ServiceUnavailable, falcon.HTTP_503),
]

CODE_OF_STATUS = {
    400: "bad_request",
    401: "unauthenticated",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    406: "not_acceptable",
    408: "request_timeout",
    409: "conflict",
    411: "length_required",
    413: "payload_too_large",
    414: "uri_too_long",
    415: "unsupported_media_type",
    416: "range_not_satisfiable",
    422: "invalid",
    429: "too_many_requests",
    500: "internal_error",
    503: "unavailable",
    504: "gateway_timeout",
}


DEFAULT_MESSAGES = {
    404: "no resource at this path",
    405: "this method is not allowed on this path",
}


def error_body(code: str, message: str, field: str | None = None) -> dict:
    body = {"code": code, "message": message}
    if field is not None:
        body["field"] = field
    return {"error": body}


def _status_of(exc: errors.DomainError) -> str:
    for cls, status in STATUS_OF:
        if isinstance(exc, cls):
            return status
    return falcon.HTTP_400


def handle_domain_error(
    req: falcon.Request, resp: falcon.Response, exc: errors.DomainError, params: dict
) -> None:
    if isinstance(exc, errors.NotFound) and wants_page(req):
        not_found_page(resp)  # e.g. /models/{name} of nothing we have
        return
    resp.status = _status_of(exc)
    resp.media = error_body(exc.code, exc.message, exc.field)
    if isinstance(exc, errors.Unauthenticated):
        resp.set_header("WWW-Authenticate", "Bearer")
    if isinstance(exc, errors.ServiceUnavailable):
        resp.set_header("Retry-After", "5")
    if isinstance(exc, errors.TooManyRequests):
        resp.set_header("Retry-After", str(exc.retry_after))


# A browser asking for a page that does not exist reads this (pt-BR), not JSON; API
# clients and /api, /media and /static paths keep the JSON error shape.
NOT_FOUND_PAGE = """<!doctype html>
<html lang="pt-BR">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <meta name="color-scheme" content="dark">
  <title>Página não encontrada · CreatorFlix</title>
  <link rel="icon" href="/static/img/icon.svg" type="image/svg+xml">
  <link rel="stylesheet" href="/static/css/app.css">
</head>
<body>
  <main id="main" class="site-main">
    <section class="card"><div class="card-body">
      <h1>Página não encontrada</h1>
      <p>O endereço que você abriu não existe ou mudou de lugar.</p>
      <p><a class="btn" href="/">Ir para o início</a>
         <a class="btn btn-ghost" href="/planos">Ver os planos</a></p>
    </div></section>
  </main>
</body>
</html>
"""
_JSON_PREFIXES = ("/api/", "/media/", "/static/", "/health", "/openapi.json")


def wants_page(req: falcon.Request) -> bool:
    """A browser navigating to a page: HTML preferred to JSON, outside the API's paths."""
    if (
        req.method not in ("GET", "HEAD")
        or req.path == "/api"
        or req.path.startswith(_JSON_PREFIXES)
    ):
        return False
    return req.client_prefers(("application/json", "text/html")) == "text/html"


def not_found_page(resp: falcon.Response) -> None:
    resp.status = falcon.HTTP_404
    resp.content_type = "text/html; charset=utf-8"
    resp.text = NOT_FOUND_PAGE
    resp.media = None


def serialize_http_error(req: falcon.Request, resp: falcon.Response, exc: falcon.HTTPError) -> None:
    """Falcon's own errors (404 route, 405, 413...) in our shape, JSON — but the pt-BR
    page for a browser asking for a page that does not exist."""
    status = exc.status_code
    if status == 404 and wants_page(req):
        not_found_page(resp)
        return
    code = getattr(exc, "code", None) or CODE_OF_STATUS.get(status, "error")
    message = exc.description or DEFAULT_MESSAGES.get(status) or exc.title or "error"
    resp.content_type = falcon.MEDIA_JSON
    resp.media = error_body(code, message, getattr(exc, "field", None))
    if status == 405 and not resp.get_header("Allow") and exc.headers:
        resp.set_header("Allow", dict(exc.headers).get("Allow", ""))


def handle_unexpected(
    req: falcon.Request, resp: falcon.Response, exc: Exception, params: dict
) -> None:
    log.exception("unhandled error on %s %s", req.method, req.path)
    resp.status = falcon.HTTP_500
    resp.media = error_body("internal_error", "internal server error")


def install(app: falcon.App) -> None:
    app.set_error_serializer(serialize_http_error)
    app.add_error_handler(Exception, handle_unexpected)
    app.add_error_handler(errors.DomainError, handle_domain_error)

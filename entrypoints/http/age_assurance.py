"""HTTP routes of age assurance: the gate's status and methods, the sandbox button, the
OpenID Connect round trip, the document upload, and the admin queue (decisions,
revocation, effectiveness figures). The gate itself is entrypoints.http.age_gate."""

from __future__ import annotations

import base64
import binascii

import falcon

from domain.assurance import admin as age_admin
from domain.assurance import documents
from domain.assurance import oidc as age_oidc
from domain.assurance import service as aa
from domain.assurance.entities import METHODS, OUTCOMES, AgeAssurance
from domain.common.errors import ValidationError
from domain.common.fields import Choice, parse_query_filters
from domain.common.pagination import Page, PageRequest
from domain.payments import customers
from entrypoints.bootstrap import Deps
from entrypoints.http import age_gate
from entrypoints.http.caller import current_user, required_user
from entrypoints.http.crud import PAGE_PARAMS, query_params
from entrypoints.http.json_io import page_json, read_json, to_json
from entrypoints.http.rate_limits import LIMITED, RETRY_AFTER, Limits, limit_per_ip, limits_of
from entrypoints.http.routes import ADMIN, NO_MEDIA, PUBLIC, USER, Operation, Param, Route
from entrypoints.http.schemas import entity_schema, nullable, page_schema
from ports.unit_of_work import UnitOfWorkFactory

TAGS = ("age assurance",)
ADMIN_TAGS = ("admin: age assurance",)
BASE = "/api/age-assurance"
CALLBACK = BASE + "/oidc/callback"
HANDSHAKE_COOKIE = "cf_age_oidc"
# Where the browser lands after the provider: the web client's gate page.
DONE_PAGE = "/verificacao-idade?resultado=ok"
FILTERS = {"method": Choice(choices=METHODS), "outcome": Choice(choices=OUTCOMES)}

RECORD_SCHEMA = entity_schema(AgeAssurance, exclude=("anonymous_id",))
# Admin lists name the account holder (never only "user #2").
ADMIN_RECORD_SCHEMA = entity_schema(
    AgeAssurance,
    exclude=("anonymous_id",),
    extra={"user_name": nullable({"type": "string"}), "user_email": nullable({"type": "string"})},
)
OFFER_SCHEMA = {
    "type": "object",
    "required": ["method", "for_visitors", "start"],
    "properties": {
        "method": {"type": "string", "enum": list(METHODS)},
        "for_visitors": {"type": "boolean"},
        "start": {"type": "string"},
    },
}
STATUS_SCHEMA = {
    "type": "object",
    "required": ["assured", "until", "method", "methods", "gate", "token", "pending_document"],
    "properties": {
        "assured": {"type": "boolean", "description": "whether adult media is shown"},
        "until": nullable({"type": "string", "format": "date-time"}),
        "method": nullable({"type": "string"}),
        "methods": {"type": "array", "items": OFFER_SCHEMA},
        "gate": {"type": "boolean", "description": "CREATORFLIX_AGE_GATE"},
        "token": nullable(
            {
                "type": "string",
                "description": (
                    f"an anonymous visitor's own assurance token, to send as {age_gate.HEADER} "
                    "(also set as an HttpOnly cookie); null for an account, whose assurance is "
                    "checked through its session and never handed out"
                ),
            }
        ),
        "pending_document": {
            "type": "boolean",
            "description": ("a document of the caller waits for an admin's decision (em análise)"),
        },
    },
}
DOCUMENT_BODY = {
    "type": "object",
    "additionalProperties": False,
    "required": ["content_type", "data"],
    "properties": {
        "content_type": {"type": "string", "enum": list(documents.DOCUMENT_TYPES)},
        "data": {"type": "string", "description": "base64"},
    },
}
FIGURES_SCHEMA = {
    "type": "object",
    "required": ["methods", "enabled", "gate", "sandbox_only", "documents_waiting", "warnings"],
    "properties": {
        "methods": {
            "type": "object",
            "additionalProperties": {"type": "object", "additionalProperties": {"type": "integer"}},
        },
        "enabled": {"type": "array", "items": {"type": "string"}},
        "gate": {"type": "boolean"},
        "sandbox_only": {
            "type": "boolean",
            "description": ("the sandbox is the only method: no real age check is offered"),
        },
        "documents_waiting": {
            "type": "integer",
            "description": ("documents waiting for a decision"),
        },
        "warnings": {
            "type": "array",
            "items": {"type": "string"},
            "description": "what the methods on offer leave PIX buyers (pt-BR)",
        },
    },
}


def _status_json(status: aa.Status) -> dict:
    return {
        "assured": status.assured,
        "until": status.until,
        "method": status.method,
        "methods": status.methods,
        "gate": status.gate,
        "token": status.token,
        "pending_document": status.pending_document,
    }


class _Resource:
    """`secure`: the public address is https (the cookies are then Secure)."""

    def __init__(self, service: aa.AgeAssuranceService, secure: bool):
        self.service, self.secure = service, secure

    def granted(self, resp: falcon.Response, granted: aa.Granted) -> None:
        age_gate.set_cookie(
            resp,
            self.secure,
            granted.cookie,
            aa.cookie_seconds(self.service, granted.assurance),
        )
        resp.cache_control = ("no-store",)


class StatusResource(_Resource):
    def on_get(self, req: falcon.Request, resp: falcon.Response) -> None:
        svc = self.service
        status = aa.status(svc, current_user(req), age_gate.caller_token(req))
        if status.cookie and status.until is not None:
            cap = svc.visitor_ttl if status.token else aa.ACCOUNT_COOKIE_TTL
            left = min(status.until - svc.clock.now(), cap)
            age_gate.set_cookie(resp, self.secure, status.cookie, max(1, int(left.total_seconds())))
        elif not status.assured and req.cookies.get(age_gate.COOKIE):
            age_gate.clear_cookie(resp)  # ended: logout-all, revoked, expired
        resp.media = _status_json(status)
        resp.cache_control = ("no-store",)


class SandboxResource(_Resource):
    def on_post(self, req: falcon.Request, resp: falcon.Response) -> None:
        granted = aa.assure_by_sandbox(self.service, current_user(req))
        self.granted(resp, granted)
        resp.status = falcon.HTTP_201
        resp.media = {
            "assured": True,
            "until": granted.assurance.expires_at,
            "method": granted.assurance.method,
            "token": granted.token,
        }


class OidcResource(_Resource):
    def __init__(self, service: aa.AgeAssuranceService, secure: bool, limits: Limits):
        super().__init__(service, secure)
        self.limits = limits

    def _start(self, req: falcon.Request, resp: falcon.Response) -> str:
        user = current_user(req)
        if user is None:  # each anonymous start leaves a pending row: limited per IP
            self.limits.per_ip("age_oidc_start", req)
        started = age_oidc.start_oidc(self.service, user)
        resp.set_cookie(
            HANDSHAKE_COOKIE,
            started.handshake,
            max_age=age_oidc.OIDC_ROUND_TRIP_SECONDS,
            path=BASE + "/oidc",
            http_only=True,
            same_site="Lax",
            secure=self.secure,
        )
        resp.cache_control = ("no-store",)
        return started.location

    def on_get_start(self, req: falcon.Request, resp: falcon.Response) -> None:
        resp.status = falcon.HTTP_302
        resp.set_header("Location", self._start(req, resp))

    def on_post_start(self, req: falcon.Request, resp: falcon.Response) -> None:
        """For a signed-in member's browser (a link carries no bearer token): the
        attempt is the account's; the page then goes to `location`."""
        resp.media = {"location": self._start(req, resp)}

    def on_get_callback(self, req: falcon.Request, resp: falcon.Response) -> None:
        granted = age_oidc.finish_oidc(
            self.service,
            req.cookies.get(HANDSHAKE_COOKIE),
            req.get_param("state"),
            req.get_param("code"),
            req.get_param("error"),
        )
        self.granted(resp, granted)
        resp.unset_cookie(HANDSHAKE_COOKIE, path=BASE + "/oidc")
        resp.status = falcon.HTTP_302
        resp.set_header("Location", DONE_PAGE)


def _document(req: falcon.Request, max_bytes: int) -> tuple[bytes, str]:
    """The photo from a multipart form (field `document`) or a JSON body
    {content_type, data (base64)}; read at most a little past `max_bytes` (the use case
    refuses a photo over it by name)."""
    if (req.content_type or "").startswith("multipart/form-data"):
        for part in req.get_media():
            if part.name == "document":
                return part.stream.read(max_bytes + 1), part.content_type or ""
        raise ValidationError("the form has no `document` file", field="document")
    body = read_json(req, max_bytes * 4 // 3 + 4096)  # base64 and the JSON around it
    if not isinstance(body, dict):
        raise ValidationError("the request body must be a JSON object", field="body")
    content_type, data = body.get("content_type"), body.get("data")
    if not isinstance(content_type, str):
        raise ValidationError("content_type is required", field="content_type")
    if not isinstance(data, str):
        raise ValidationError("data (base64) is required", field="data")
    try:
        return base64.b64decode(data, validate=True), content_type
    except (binascii.Error, ValueError):
        raise ValidationError("data must be base64", field="data") from None


class DocumentsResource:
    def __init__(self, service: aa.AgeAssuranceService, limits: Limits):
        self.service, self.limits = service, limits

    @falcon.before(limit_per_ip("age_document"))
    def on_post(self, req: falcon.Request, resp: falcon.Response) -> None:
        user = required_user(req)
        self.limits.per_account("age_document", f"user:{user.id}")
        data, content_type = _document(req, self.service.document_max_bytes)
        record = documents.submit_document(self.service, user, data, content_type)
        resp.status = falcon.HTTP_201
        resp.media = to_json(record, exclude=("anonymous_id",))

    def on_get(self, req: falcon.Request, resp: falcon.Response) -> None:
        found = documents.my_documents(
            self.service, required_user(req), PageRequest.parse(req.params)
        )
        resp.media = page_json(found, _record_json)
        resp.cache_control = ("no-store",)


def _record_json(record: AgeAssurance) -> dict:
    return to_json(record, exclude=("anonymous_id",))


class AdminResource:
    def __init__(self, service: aa.AgeAssuranceService, uow: UnitOfWorkFactory):
        self.service, self.uow = service, uow

    def _named(self, found: Page[AgeAssurance]) -> dict:
        users = customers.people(self.uow, {r.user_id for r in found.items if r.user_id})
        return page_json(
            found,
            lambda r: {
                **_record_json(r),
                "user_name": users[r.user_id].name if r.user_id in users else None,
                "user_email": users[r.user_id].email if r.user_id in users else None,
            },
        )

    def on_get(self, req: falcon.Request, resp: falcon.Response) -> None:
        filters = parse_query_filters(FILTERS, req.params)
        found = age_admin.list_assurances(self.service, PageRequest.parse(req.params), filters)
        resp.media = self._named(found)

    def on_get_figures(self, req: falcon.Request, resp: falcon.Response) -> None:
        resp.media = age_admin.figures(self.service)

    def on_get_queue(self, req: falcon.Request, resp: falcon.Response) -> None:
        found = documents.document_queue(self.service, PageRequest.parse(req.params))
        resp.media = self._named(found)

    def on_get_photo(self, req: falcon.Request, resp: falcon.Response, id: int) -> None:
        # Served as bytes, never rendered at this API address (the admin page shows it
        # from a blob); its type was checked by its bytes at upload.
        resp.data, _ = documents.document_photo(self.service, id)
        resp.content_type = "application/octet-stream"
        resp.cache_control = ("no-store",)
        resp.set_header("X-Content-Type-Options", "nosniff")

    def on_post_approve(self, req: falcon.Request, resp: falcon.Response, id: int) -> None:
        resp.media = _record_json(documents.decide_document(self.service, id, True))

    def on_post_reject(self, req: falcon.Request, resp: falcon.Response, id: int) -> None:
        resp.media = _record_json(documents.decide_document(self.service, id, False))

    def on_post_revoke(self, req: falcon.Request, resp: falcon.Response, id: int) -> None:
        resp.media = _record_json(age_admin.revoke(self.service, id))


def routes(deps: Deps) -> list[Route]:
    service = deps.age_assurance
    secure = deps.config.public_url.startswith("https://")
    limits = limits_of(deps)
    oidc = OidcResource(service, secure, limits)
    admin = AdminResource(service, deps.uow)
    admin_base = "/api/admin/age-assurance"

    def admin_post(what: str, summary: str) -> Route:
        return Route(
            f"{admin_base}/documents/{{id:id}}/{what}"
            if what != "revoke"
            else f"{admin_base}/{{id:id}}/revoke",
            admin,
            (
                Operation(
                    "POST",
                    summary,
                    ADMIN,
                    tags=ADMIN_TAGS,
                    responses={200: RECORD_SCHEMA, 404: None, 409: None},
                ),
            ),
            suffix=what,
        )

    return [
        Route(
            BASE,
            StatusResource(service, secure),
            (
                Operation(
                    "GET",
                    "Whether the caller is age-assured, until when, and the methods "
                    f"on offer (send the assurance token as {age_gate.HEADER})",
                    PUBLIC,
                    tags=TAGS,
                    responses={200: STATUS_SCHEMA},
                    serves=NO_MEDIA,
                ),
            ),
        ),
        Route(
            BASE + "/sandbox",
            SandboxResource(service, secure),
            (
                Operation(
                    "POST",
                    "Sandbox only: assure the caller (their account, or this "
                    "visitor through the token); 409 unless the sandbox method is enabled",
                    PUBLIC,
                    tags=TAGS,
                    request_required=False,
                    responses={201: {"type": "object"}, 409: None},
                ),
            ),
        ),
        Route(
            BASE + "/oidc/start",
            oidc,
            (
                Operation(
                    "GET",
                    "Start an OpenID Connect age check: 302 to the provider "
                    "(anonymous starts: at most 20 per IP an hour; the attempt expires "
                    "after 15 minutes)",
                    PUBLIC,
                    tags=TAGS,
                    responses={302: None, 409: None, 503: None, **LIMITED},
                    headers={302: {"Location": {"type": "string", "format": "uri"}}, **RETRY_AFTER},
                    serves=NO_MEDIA,
                ),
                Operation(
                    "POST",
                    "The same for a web page: {location} to send the browser to "
                    "(with a bearer token the attempt assures the account)",
                    PUBLIC,
                    tags=TAGS,
                    request_required=False,
                    responses={
                        200: {
                            "type": "object",
                            "required": ["location"],
                            "properties": {"location": {"type": "string", "format": "uri"}},
                        },
                        409: None,
                        503: None,
                        **LIMITED,
                    },
                    headers=RETRY_AFTER,
                ),
            ),
            suffix="start",
        ),
        Route(
            CALLBACK,
            oidc,
            (
                Operation(
                    "GET",
                    "The provider's redirect: 302 to the gate page once assured; "
                    "403 when the state, code, id_token or claim does not assure",
                    PUBLIC,
                    tags=TAGS,
                    params=(
                        Param("state", {"type": "string", "maxLength": 200}),
                        Param("code", {"type": "string", "maxLength": 2000}),
                        Param("error", {"type": "string", "maxLength": 200}),
                    ),
                    responses={302: None, 403: None, 409: None, 503: None},
                    headers={302: {"Location": {"type": "string"}}},
                    serves=NO_MEDIA,
                ),
            ),
            suffix="callback",
        ),
        Route(
            BASE + "/documents",
            DocumentsResource(service, limits),
            (
                Operation(
                    "GET",
                    "The caller's own documents, newest first, with their outcome "
                    "(pending, assured, rejected, revoked); never the photo",
                    USER,
                    tags=TAGS,
                    params=PAGE_PARAMS,
                    responses={200: page_schema(RECORD_SCHEMA)},
                    serves=NO_MEDIA,
                ),
                Operation(
                    "POST",
                    "Send a photo of an official ID (multipart field `document`, "
                    "or JSON {content_type, data: base64}) for an admin to review: JPEG, "
                    "PNG or WebP by its bytes, at most CREATORFLIX_AGE_DOCUMENT_MAX_BYTES; "
                    "5 per account and 20 per IP an hour; the photo is deleted once "
                    "decided",
                    USER,
                    tags=TAGS,
                    request=DOCUMENT_BODY,
                    responses={201: RECORD_SCHEMA, 409: None, 503: None, **LIMITED},
                    headers=RETRY_AFTER,
                ),
            ),
        ),
        Route(
            admin_base,
            admin,
            (
                Operation(
                    "GET",
                    "Age assurances (attempts and outcomes), newest first",
                    ADMIN,
                    tags=ADMIN_TAGS,
                    params=PAGE_PARAMS + query_params(FILTERS),
                    responses={200: page_schema(ADMIN_RECORD_SCHEMA)},
                ),
            ),
        ),
        Route(
            admin_base + "/figures",
            admin,
            (
                Operation(
                    "GET",
                    "Effectiveness figures: attempts per method and outcome, "
                    "rejections, abandoned attempts",
                    ADMIN,
                    tags=ADMIN_TAGS,
                    responses={200: FIGURES_SCHEMA},
                ),
            ),
            suffix="figures",
        ),
        Route(
            admin_base + "/documents",
            admin,
            (
                Operation(
                    "GET",
                    "The documents waiting for a decision, oldest first",
                    ADMIN,
                    tags=ADMIN_TAGS,
                    params=PAGE_PARAMS,
                    responses={200: page_schema(ADMIN_RECORD_SCHEMA)},
                ),
            ),
            suffix="queue",
        ),
        Route(
            admin_base + "/documents/{id:id}/photo",
            admin,
            (
                Operation(
                    "GET",
                    "The photo of a document waiting for a decision",
                    ADMIN,
                    tags=ADMIN_TAGS,
                    content_type="application/octet-stream",
                    responses={200: {"type": "string", "format": "binary"}, 404: None},
                ),
            ),
            suffix="photo",
        ),
        admin_post(
            "approve", "Approve a document: assures the member for a year; the photo is deleted"
        ),
        admin_post("reject", "Reject a document; the photo is deleted"),
        admin_post("revoke", "Revoke an assurance: its holder is unassured from now"),
    ]

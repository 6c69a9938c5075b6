"""Gateway webhooks: POST /api/webhooks/{junglepay,dias}?token=… and the original's
paths, kept as aliases so gateways configured against it keep working; the API Pix's
notices at /api/webhook/pix/{token}[/pix]."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import attrs
import falcon

from domain.common.errors import Forbidden, Unauthenticated
from domain.payments import pix_recurrences, webhooks
from domain.payments.commands import DiasWebhook, JunglePayWebhook, PixNotice
from domain.payments.gateways import DIAS, JUNGLEPAY, PIX_GATEWAY, PIX_NOTICE_PATH
from domain.payments.service import PaymentService
from domain.payments.settlement import OUTCOMES, Outcome
from entrypoints.bootstrap import Deps
from entrypoints.http.json_io import read_json
from entrypoints.http.rate_limits import RETRY_AFTER, Limits, limits_of
from entrypoints.http.routes import Operation, Param, Route

OUTCOME_SCHEMA = {
    "type": "object",
    "required": ["status"],
    "properties": {
        "status": {
            "type": "string",
            "enum": list(OUTCOMES),
            "description": "queued: recorded; the worker reads the transaction back and settles it",
        }
    },
}
TOKEN_PARAM = Param(
    "token",
    {"type": "string", "maxLength": 200},
    "the secret token of the postback URL we generate for this gateway",
)
CHECKOUT_PARAM = Param(
    webhooks.CHECKOUT_PARAM,
    {"type": "string", "maxLength": 20},
    "our checkout's id, which we add to the postback URL of each charge",
)


def junglepay_webhook(token: str | None, body: Any, checkout_ref: str | None) -> JunglePayWebhook:
    """JunglePay posts `{"type": "transaction", "data": {"id", "status", ...}}`; only the
    id is used (the transaction is read back)."""
    data = body.get("data") if isinstance(body, dict) else None
    tx_id = webhooks.reference(data.get("id")) if isinstance(data, dict) else None
    return JunglePayWebhook(token=token, transaction_id=tx_id, checkout_ref=checkout_ref)


def dias_webhook(token: str | None, body: Any, checkout_ref: str | None) -> DiasWebhook:
    """Dias posts `externalRef` (else `id`), `status` and `amount`."""
    if not isinstance(body, dict):
        return DiasWebhook(token=token, reference=None, status=None)
    ref = webhooks.reference(body.get("externalRef")) or webhooks.reference(body.get("id"))
    return DiasWebhook(
        token=token,
        reference=ref,
        status=webhooks.reference(body.get("status")),
        amount=webhooks.amount_in_cents(body.get("amount")),
    )


MAX_PIX_PER_NOTICE = 100  # a PSP may group several Pix of one key in a notice
PIX_TXID = re.compile(r"[a-zA-Z0-9]{26,35}")  # a txid of ours (PUT /cob/{txid})


ID_REC = re.compile(r"[a-zA-Z0-9]{29}")  # RecId
# The notices of the API Pix: the list each kind posts, the key naming what to read
# back from each item, and what such an id looks like (the postback's gateway).
NOTICES = {
    "pix": ("pix", "txid", PIX_TXID),  # WebhookPixBody
    pix_recurrences.REC_POSTBACK: ("recs", "idRec", ID_REC),  # WebhookRecBody
    pix_recurrences.COBR_POSTBACK: ("cobsr", "txid", PIX_TXID),  # WebhookCobRBody
}


def pix_notice(token: str | None, body: Any, kind: str = "pix") -> PixNotice:
    """The API Pix posts `{"pix": [{"endToEndId", "txid", "valor", "horario"}, ...]}`
    (WebhookPixBody), `{"recs": [{"idRec", "status", ...}]}` (WebhookRecBody) or
    `{"cobsr": [{"idRec", "txid", "status", ...}]}` (WebhookCobRBody); only the ids that
    can be ours are kept, each once (every one is read back from the PSP)."""
    key, field, pattern = NOTICES[kind]
    items = body.get(key) if isinstance(body, dict) else None
    ids: dict[str, None] = {}
    for item in (items if isinstance(items, list) else [])[:MAX_PIX_PER_NOTICE]:
        value = item.get(field) if isinstance(item, dict) else None
        if isinstance(value, str) and pattern.fullmatch(value):
            ids[value] = None
    return PixNotice(token=token, txids=tuple(ids), kind=kind)


class PixNoticeResource:
    """POST {public url}/api/webhook/pix/{token}, and the same + "/pix" (the spec's PSPs
    append it to the registered URL), + "/rec" and + "/cobr" (Pix Automático's
    notices, registered with PUT /webhookrec and /webhookcobr). The token is in the path
    and checked before the body is read."""

    def __init__(self, svc: PaymentService, limits: Limits, max_body: int):
        self.svc, self.limits, self.max_body = svc, limits, max_body

    def on_post(self, req: falcon.Request, resp: falcon.Response, token: str) -> None:
        self._notice(req, resp, token, "pix")

    def _notice(self, req: falcon.Request, resp: falcon.Response, token: str, kind: str) -> None:
        ip = self.limits.client(req)
        try:
            webhooks.authenticate(self.svc, PIX_GATEWAY, token)
        except (Unauthenticated, Forbidden):
            self.limits.throttle.check_failures("webhook_token", ip)
            self.limits.throttle.failed("webhook_token", ip)
            raise
        body = read_json(req, self.max_body, required=False)
        notice = pix_notice(token, body, kind)
        resp.media = {"status": webhooks.handle_pix(self.svc, notice).status}

    on_post_pix = on_post

    def on_post_rec(self, req: falcon.Request, resp: falcon.Response, token: str) -> None:
        self._notice(req, resp, token, pix_recurrences.REC_POSTBACK)

    def on_post_cobr(self, req: falcon.Request, resp: falcon.Response, token: str) -> None:
        self._notice(req, resp, token, pix_recurrences.COBR_POSTBACK)


class WebhookResource:
    """`tokenless`: a postback without a token is handed to `handle` (which decides
    whether to believe it) instead of being refused at once."""

    def __init__(
        self,
        svc: PaymentService,
        limits: Limits,
        max_body: int,
        gateway: str,
        command: Callable[..., Any],
        handle: Callable[..., Outcome],
        *,
        tokenless: bool = False,
    ):
        self.svc, self.limits, self.max_body = svc, limits, max_body
        self.gateway, self.command, self.handle = gateway, command, handle
        self.tokenless = tokenless

    def on_post(self, req: falcon.Request, resp: falcon.Response) -> None:
        token = req.get_param("token")
        ip = self.limits.client(req)
        try:
            # Nothing a stranger sends is read: the token is checked before the body (a
            # token-less postback where one is allowed: its body, bounded, is only read).
            if token or not self.tokenless:
                self._authenticate(token, ip)
            else:
                self.limits.throttle.check_failures("webhook_token", ip)
            body = read_json(req, self.max_body, required=False)
            command = self.command(token, body, req.get_param(webhooks.CHECKOUT_PARAM))
            resp.media = {"status": self.handle(self.svc, command).status}
        except (Unauthenticated, Forbidden):
            self.limits.throttle.failed("webhook_token", ip)
            raise

    def _authenticate(self, token: str | None, ip: str | None) -> None:
        """A right token is never limited (the gateway's address may be shared with
        whoever failed there); an IP that keeps failing (wrong or missing tokens) is
        refused (429) for a while. Token-less postbacks about transactions we do not
        have are ignored by the use case and do not count (JunglePay sends them for the
        original's old charges)."""
        try:
            webhooks.authenticate(self.svc, self.gateway, token)
        except (Unauthenticated, Forbidden):
            self.limits.throttle.check_failures("webhook_token", ip)
            raise


def _operation(summary: str) -> Operation:
    return Operation(
        "POST",
        summary,
        tags=("webhooks",),
        params=(TOKEN_PARAM, CHECKOUT_PARAM),
        request={"type": "object"},
        request_required=False,
        responses={200: OUTCOME_SCHEMA, 401: None, 403: None, 429: None, 502: None, 504: None},
        headers=RETRY_AFTER,
    )


def routes(deps: Deps) -> list[Route]:
    edge = (deps.payments_service, limits_of(deps), deps.config.max_body_bytes)
    junglepay = WebhookResource(*edge, JUNGLEPAY, junglepay_webhook, webhooks.handle_junglepay)
    # The original's path: the postbacks of charges it made carry no token.
    original_junglepay = WebhookResource(
        *edge, JUNGLEPAY, junglepay_webhook, webhooks.handle_original_junglepay, tokenless=True
    )
    dias = WebhookResource(*edge, DIAS, dias_webhook, webhooks.handle_dias)
    pix = PixNoticeResource(*edge)
    pix_summary = (
        'API Pix notice (`{"pix": [...]}`) at the URL registered for the '
        "operator's key, its secret token in the path: recorded and answered "
        "at once (queued); the background worker reads each cob back (GET "
        "/cob/{txid}) and settles the checkout only when CONCLUIDA for its "
        "amount"
    )
    pix_operation = Operation(
        "POST",
        pix_summary,
        tags=("webhooks",),
        request={"type": "object"},
        request_required=False,
        responses={200: OUTCOME_SCHEMA, 401: None, 403: None, 413: None, 429: None},
        headers=RETRY_AFTER,
    )
    jp_summary = (
        "JunglePay postback: recorded and answered at once (queued); the "
        "background worker reads the transaction back from JunglePay before "
        "acting, retrying while JunglePay fails (unmatched: a transaction of "
        "JunglePay no checkout has, recorded for a human)"
    )
    dias_summary = (
        "Dias Marketplace postback: PENDING records, PAID activates when its "
        "amount (integer cents, or reais with a decimal point) is the "
        "checkout's total; another amount puts the checkout in review"
    )
    return [
        Route("/api/webhooks/junglepay", junglepay, (_operation(jp_summary),)),
        Route(
            "/api/webhook/junglepay",
            original_junglepay,
            (
                _operation(
                    jp_summary + " (alias, the original's path; without a token it is accepted "
                    "only about the transaction of a JunglePay checkout we have (the worker "
                    "reads it back from JunglePay); about a transaction we do not have it is "
                    "ignored (200))"
                ),
            ),
        ),
        Route("/api/webhooks/dias", dias, (_operation(dias_summary),)),
        Route(PIX_NOTICE_PATH + "/{token}", pix, (pix_operation,)),
        Route(
            PIX_NOTICE_PATH + "/{token}/pix",
            pix,
            (attrs.evolve(pix_operation, summary=pix_summary + " (the spec's /pix suffix)"),),
            suffix="pix",
        ),
        Route(
            PIX_NOTICE_PATH + "/{token}/rec",
            pix,
            (
                attrs.evolve(
                    pix_operation,
                    summary='Pix Automático rec notice (`{"recs": [...]}`): recorded and '
                    "answered at once (queued); the worker reads each rec back (GET "
                    "/rec/{idRec}): approved with its first payment, the subscription renews "
                    "by Pix Automático; cancelled by the payer, the renewal ends",
                ),
            ),
            suffix="rec",
        ),
        Route(
            PIX_NOTICE_PATH + "/{token}/cobr",
            pix,
            (
                attrs.evolve(
                    pix_operation,
                    summary='Pix Automático cobr notice (`{"cobsr": [...]}`): recorded and '
                    "answered at once (queued); the worker reads each cobr back (GET "
                    "/cobr/{txid}): settled (CONCLUIDA, its amount) extends the period, "
                    "refused schedules a retry",
                ),
            ),
            suffix="cobr",
        ),
        Route(
            "/api/webhook/dias/payment-sucess",
            dias,
            (_operation(dias_summary + " (alias, the original's spelling)"),),
        ),
    ]

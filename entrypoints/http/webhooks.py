"""Gateway webhooks: POST /api/webhooks/{junglepay,dias}?token=… and the original's
paths, kept as aliases so gateways configured against it keep working."""
from __future__ import annotations

from typing import Any, Callable

from domain.payments import webhooks
from domain.payments.commands import DiasWebhook, JunglePayWebhook
from domain.payments.gateways import DIAS, JUNGLEPAY
from domain.payments.settlement import OUTCOMES, Outcome
from entrypoints.http.json_io import read_json
from entrypoints.http.routes import Operation, Param, Route

OUTCOME_SCHEMA = {
    "type": "object", "required": ["status"],
    "properties": {"status": {"type": "string", "enum": list(OUTCOMES)}},
}
TOKEN_PARAM = Param("token", {"type": "string", "maxLength": 200},
                    "the secret token of the postback URL we generate for this gateway")
CHECKOUT_PARAM = Param(webhooks.CHECKOUT_PARAM, {"type": "string", "maxLength": 20},
                       "our checkout's id, which we add to the postback URL of each charge")


def junglepay_webhook(token: str | None, body: Any,
                      checkout_ref: str | None) -> JunglePayWebhook:
    """JunglePay posts `{"type": "transaction", "data": {"id", "status", ...}}`; only the
    id is used (the transaction is read back)."""
    data = body.get("data") if isinstance(body, dict) else None
    tx_id = webhooks.reference(data.get("id")) if isinstance(data, dict) else None
    return JunglePayWebhook(token=token, transaction_id=tx_id, checkout_ref=checkout_ref)


def dias_webhook(token: str | None, body: Any, checkout_ref: str | None) -> DiasWebhook:
    """Dias posts `externalRef` (else `id`) and `status`."""
    if not isinstance(body, dict):
        return DiasWebhook(token=token, reference=None, status=None)
    ref = webhooks.reference(body.get("externalRef")) or webhooks.reference(body.get("id"))
    return DiasWebhook(token=token, reference=ref, status=webhooks.reference(body.get("status")))


class WebhookResource:
    def __init__(self, deps, gateway: str, command: Callable[..., Any],
                 handle: Callable[..., Outcome]):
        self.deps = deps
        self.svc = deps.payments_service
        self.gateway, self.command, self.handle = gateway, command, handle

    def on_post(self, req, resp) -> None:
        token = req.get_param("token")
        # Nothing a stranger sends is read: the token is checked before the body.
        webhooks.authenticate(self.svc, self.gateway, token)
        body = read_json(req, self.deps.config.max_body_bytes, required=False)
        command = self.command(token, body, req.get_param(webhooks.CHECKOUT_PARAM))
        resp.media = {"status": self.handle(self.svc, command).status}


def _operation(summary: str) -> Operation:
    return Operation("POST", summary, tags=("webhooks",), params=(TOKEN_PARAM, CHECKOUT_PARAM),
                     request={"type": "object"}, request_required=False,
                     responses={200: OUTCOME_SCHEMA, 401: None, 403: None, 502: None,
                                504: None})


def routes(deps) -> list[Route]:
    junglepay = WebhookResource(deps, JUNGLEPAY, junglepay_webhook, webhooks.handle_junglepay)
    dias = WebhookResource(deps, DIAS, dias_webhook, webhooks.handle_dias)
    jp_summary = ("JunglePay postback: the transaction is read back from JunglePay before "
                  "acting (503/504: JunglePay should retry; unmatched: a transaction of "
                  "JunglePay no checkout has, recorded for a human)")
    dias_summary = "Dias Marketplace postback: PENDING records, PAID activates"
    return [
        Route("/api/webhooks/junglepay", junglepay, (_operation(jp_summary),)),
        Route("/api/webhook/junglepay", junglepay, (_operation(jp_summary + " (alias)"),)),
        Route("/api/webhooks/dias", dias, (_operation(dias_summary),)),
        Route("/api/webhook/dias/payment-sucess", dias,
              (_operation(dias_summary + " (alias, the original's spelling)"),)),
    ]

"""Gateway postbacks: POST /api/webhooks/{junglepay,dias}?token=… and the original's
paths, kept as aliases so gateways configured against it keep working."""
from __future__ import annotations

from typing import Callable

from domain.payments import webhooks
from domain.payments.settlement import OUTCOMES
from entrypoints.http.checkout_views import payment_service
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


class WebhookResource:
    def __init__(self, deps, handle: Callable):
        self.deps = deps
        self.svc = payment_service(deps)
        self.handle = handle

    def on_post(self, req, resp) -> None:
        # The use case authenticates the token, then reads the body.
        postback = webhooks.Webhook(
            token=req.get_param("token"),
            read_body=lambda: read_json(req, self.deps.config.max_body_bytes, required=False),
            checkout_ref=req.get_param(webhooks.CHECKOUT_PARAM))
        resp.media = {"status": self.handle(self.svc, postback).status}


def _operation(summary: str) -> Operation:
    return Operation("POST", summary, tags=("webhooks",), params=(TOKEN_PARAM, CHECKOUT_PARAM),
                     request={"type": "object"}, request_required=False,
                     responses={200: OUTCOME_SCHEMA, 401: None, 403: None, 502: None,
                                504: None})


def routes(deps) -> list[Route]:
    junglepay = WebhookResource(deps, webhooks.handle_junglepay)
    dias = WebhookResource(deps, webhooks.handle_dias)
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

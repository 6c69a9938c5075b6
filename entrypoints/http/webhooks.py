"""Gateway postbacks: POST /api/webhooks/{junglepay,dias}?token=… and the original's
paths, kept as aliases so gateways configured against it keep working."""
from __future__ import annotations

from typing import Callable

from domain import payment_notifications as notes
from domain.payments import DIAS, JUNGLEPAY
from entrypoints.http.checkout_views import payment_service
from entrypoints.http.json_io import read_json
from entrypoints.http.routes import Operation, Param, Route

OUTCOME_SCHEMA = {
    "type": "object", "required": ["status"],
    "properties": {"status": {"type": "string", "enum": [notes.PROCESSED, notes.UNCHANGED,
                                                         notes.DUPLICATE, notes.IGNORED]}},
}
TOKEN_PARAM = Param("token", {"type": "string", "maxLength": 200},
                    "the secret token of the postback URL we generate for this gateway")


class WebhookResource:
    def __init__(self, deps, gateway: str, handle: Callable):
        self.deps = deps
        self.svc = payment_service(deps)
        self.gateway = gateway
        self.handle = handle

    def on_post(self, req, resp) -> None:
        token = req.get_param("token")
        # Authenticate before reading anything the caller sent.
        notes.authenticate_postback(self.svc, self.gateway, token)
        body = read_json(req, self.deps.config.max_body_bytes, required=False)
        resp.media = {"status": self.handle(self.svc, token, body).status}


def _operation(summary: str) -> Operation:
    return Operation("POST", summary, tags=("webhooks",), params=(TOKEN_PARAM,),
                     request={"type": "object"}, request_required=False,
                     responses={200: OUTCOME_SCHEMA, 401: None, 403: None, 504: None})


def routes(deps) -> list[Route]:
    junglepay = WebhookResource(deps, JUNGLEPAY, notes.handle_junglepay)
    dias = WebhookResource(deps, DIAS, notes.handle_dias)
    jp_summary = ("JunglePay postback: the transaction is read back from JunglePay before "
                  "acting (503/504: JunglePay should retry)")
    dias_summary = "Dias Marketplace postback: PENDING records, PAID activates"
    return [
        Route("/api/webhooks/junglepay", junglepay, (_operation(jp_summary),)),
        Route("/api/webhook/junglepay", junglepay, (_operation(jp_summary + " (alias)"),)),
        Route("/api/webhooks/dias", dias, (_operation(dias_summary),)),
        Route("/api/webhook/dias/payment-sucess", dias,
              (_operation(dias_summary + " (alias, the original's spelling)"),)),
    ]

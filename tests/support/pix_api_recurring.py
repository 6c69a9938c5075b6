"""Pix Automático on the local PSP (tests.support.pix_api_server): the `rec`, `cobr`,
`webhookrec` and `webhookcobr` operations of bacen/pix-api 2.9.0, with the spec's field
names and statuses, and the controls a test plays the payer and their bank with.

Rules (tests.support.pix_api_rec_rules): a rec's activation names an existing cob
(journey 3); a cobr needs an APROVADA rec, a due date 2 to 10 days after `today()`, at
most the rec's valorRec and the receiving account; a txid serves once; a retentativa
needs PERMITE_3R_7D, a future date within 7 days after the due date, a failed latest
attempt and fewer than 3 retries. A new cobr is ATIVA with one AGND attempt AGENDADA on
its due date; a retentativa adds an NTAG one."""

from __future__ import annotations

import copy
import re
import secrets
import string
from collections.abc import Callable
from datetime import date
from functools import partial
from typing import Any

from tests.support.pix_api_rec_controls import RecurringControls
from tests.support.pix_api_rec_rules import (
    as_date,
    cobr_problems,
    invalid_cobr,
    invalid_rec,
    moved,
    rec_problems,
    retry_problem,
)
from tests.support.pix_api_rules import (
    TXID,
    Problem,
    copia_e_cola,
    not_found,
    now,
    webhook_url,
)

REC_FINAL = ("REJEITADA", "EXPIRADA", "CANCELADA")
RECEBEDOR = {"cnpj": "12345678000195", "nome": "CREATORFLIX TESTE LTDA"}


def _e2e() -> str:
    return "E" + secrets.token_hex(16)[:31]


def _alnum(n: int) -> str:
    return "".join(secrets.choice(string.ascii_letters + string.digits) for _ in range(n))


def _attempt(on: str, tipo: str) -> dict:
    return {
        "dataLiquidacao": on,
        "tipo": tipo,
        "status": "AGENDADA",
        "endToEndId": _e2e(),
        "atualizacao": [{"status": "AGENDADA", "data": now()}],
    }


class RecurringApi(RecurringControls):
    """Mixed into PixApiServer: uses its `lock` and `cobs`."""

    def _init_recurring(self) -> None:
        self.today: Callable[[], date] = date.today  # the PSP's calendar day
        self.recs: dict[str, dict] = {}  # by idRec: RecCompleta (without dadosQR)
        self.cobrs: dict[str, dict] = {}  # by txid: CobRCompleta
        self.recurring_webhooks: dict[str, dict] = {}  # "rec" / "cobr": WebhookCompleto

    def recurring_routes(self) -> list[tuple[str, re.Pattern, str, Callable[..., Any]]]:
        one = r"([^/?]+)"
        routes: list[tuple[str, re.Pattern, str, Callable[..., Any]]] = [
            ("POST", re.compile(r"/rec"), "rec.write", self._post_rec),
            ("GET", re.compile(rf"/rec/{one}(?:\?txid=([^&]*))?"), "rec.read", self._get_rec),
            ("PATCH", re.compile(rf"/rec/{one}"), "rec.write", self._patch_rec),
            ("PUT", re.compile(rf"/cobr/{one}"), "cobr.write", self._put_cobr),
            ("POST", re.compile(r"/cobr"), "cobr.write", self._post_cobr),
            ("GET", re.compile(rf"/cobr/{one}"), "cobr.read", self._get_cobr),
            ("POST", re.compile(rf"/cobr/{one}/retentativa/{one}"), "cobr.write", self._retry),
        ]
        for kind in ("rec", "cobr"):
            hook = re.compile(f"/webhook{kind}")
            routes += [
                ("PUT", hook, f"webhook{kind}.write", partial(self._put_hook, kind)),
                ("GET", hook, f"webhook{kind}.read", partial(self._get_hook, kind)),
            ]
        return routes

    # -- rec -------------------------------------------------------------------------
    def _post_rec(self, body: Any) -> tuple[int, dict]:
        with self.lock:
            problems = rec_problems(body, self.cobs, self.today())
            if problems:
                raise invalid_rec(problems)
            id_rec = "RR12345678" + self.today().strftime("%Y%m%d") + _alnum(11)
            rec = {
                "idRec": id_rec,
                "vinculo": copy.deepcopy(body["vinculo"]),
                "calendario": dict(body["calendario"]),
                "valor": dict(body.get("valor", {})),
                "recebedor": dict(RECEBEDOR),
                "politicaRetentativa": body["politicaRetentativa"],
                "loc": {
                    "criacao": now(),
                    "id": len(self.recs) + 1,
                    "location": f"pix.example.com/qr/v2/rec/{secrets.token_hex(16)}",
                    "idRec": id_rec,
                },
                "ativacao": {
                    "tipoJornada": "AGUARDANDO_DEFINICAO",
                    "dadosJornada": dict(body["ativacao"]["dadosJornada"]),
                },
            }
            moved(rec, "CRIADA")
            self.recs[id_rec] = rec
            return 201, copy.deepcopy(rec)

    def _get_rec(self, id_rec: str, txid: str | None, body: Any) -> tuple[int, dict]:
        with self.lock:
            if id_rec not in self.recs:
                raise not_found()
            rec = copy.deepcopy(self.recs[id_rec])
            if txid:
                if txid != rec["ativacao"]["dadosJornada"].get("txid"):
                    raise Problem(
                        400,
                        "RecConsultaInvalida",
                        "Consulta inválida.",
                        "O parâmetro txid corresponde a uma cobrança imediata diferente da "
                        "informada no campo ativacao.dadosJornada.txid.",
                    )
                valor = self.cobs[txid]["valor"]["original"]
                code = copia_e_cola(txid, valor, rec["loc"]["location"])
                rec["dadosQR"] = {"jornada": "JORNADA_3", "pixCopiaECola": code}
            return 200, rec

    def _patch_rec(self, id_rec: str, body: Any) -> tuple[int, dict]:
        with self.lock:
            rec = self.recs.get(id_rec)
            if rec is None:
                raise not_found()
            if body != {"status": "CANCELADA"}:
                raise invalid_rec(
                    [
                        {
                            "razao": "O campo rec.status não respeita o schema.",
                            "propriedade": "rec.status",
                        }
                    ]
                )
            if rec["status"] in REC_FINAL:
                raise invalid_rec([], "A recorrência encontra-se expirada, cancelada ou rejeitada.")
            moved(rec, "CANCELADA")
            rec["encerramento"] = {
                "cancelamento": {
                    "solicitante": "USUARIO_RECEBEDOR",
                    "codigo": "SLCR",
                    "descricao": "Cancelamento solicitado pelo usuário recebedor.",
                }
            }
            return 200, copy.deepcopy(rec)

    # -- cobr ------------------------------------------------------------------------
    def _put_cobr(self, txid: str, body: Any) -> tuple[int, dict]:
        if not TXID.fullmatch(txid):
            raise invalid_cobr(
                [{"razao": "O campo cobr.txid não respeita o schema.", "propriedade": "cobr.txid"}]
            )
        return self._create_cobr(txid, body)

    def _post_cobr(self, body: Any) -> tuple[int, dict]:
        return self._create_cobr(secrets.token_hex(16), body)

    def _create_cobr(self, txid: str, body: Any) -> tuple[int, dict]:
        with self.lock:
            if txid in self.cobrs:
                raise invalid_cobr(
                    [{"razao": "O campo cobr.txid encontra-se em uso.", "propriedade": "cobr.txid"}]
                )
            problems = cobr_problems(body, self.recs, self.today())
            due = (body.get("calendario") or {}).get("dataDeVencimento") if not problems else None
            if due and any(
                c["idRec"] == body["idRec"]
                and c["calendario"]["dataDeVencimento"] == due
                and c["status"] not in ("REJEITADA", "CANCELADA")
                for c in self.cobrs.values()
            ):
                problems.append(
                    {
                        "razao": "Existe uma CobR com status diferente de REJEITADA e CANCELADA "
                        "referente ao mesmo cobr.idRec com calendario.dataDeVencimento no "
                        "mesmo ciclo.",
                        "propriedade": "cobr.idRec",
                    }
                )
            if problems:
                raise invalid_cobr(problems)
            cobr = {
                "idRec": body["idRec"],
                "txid": txid,
                "calendario": {"criacao": self.today().isoformat(), "dataDeVencimento": due},
                "valor": {"original": body["valor"]["original"]},
                "politicaRetentativa": self.recs[body["idRec"]]["politicaRetentativa"],
                "ajusteDiaUtil": body["ajusteDiaUtil"],
                "recebedor": dict(body["recebedor"]),
                "tentativas": [_attempt(str(due), "AGND")],
            }
            for name in ("infoAdicional", "devedor"):
                if name in body:
                    cobr[name] = copy.deepcopy(body[name])
            moved(cobr, "CRIADA")
            moved(cobr, "ATIVA")
            self.cobrs[txid] = cobr
            return 201, copy.deepcopy(cobr)

    def _get_cobr(self, txid: str, body: Any) -> tuple[int, dict]:
        with self.lock:
            if txid not in self.cobrs:
                raise not_found()
            return 200, copy.deepcopy(self.cobrs[txid])

    def _retry(self, txid: str, data: str, body: Any) -> tuple[int, dict]:
        with self.lock:
            cobr = self.cobrs.get(txid)
            if cobr is None:
                raise not_found()
            on = as_date(data)
            problem = retry_problem(cobr, self.recs[cobr["idRec"]], on, self.today())
            if problem is not None:
                raise problem
            cobr["tentativas"].append(_attempt(data, "NTAG"))
            return 201, copy.deepcopy(cobr)

    # -- webhooks --------------------------------------------------------------------
    def _put_hook(self, kind: str, body: Any) -> tuple[int, dict]:
        url = webhook_url(body, f"Webhook{'Rec' if kind == 'rec' else 'CobR'}OperacaoInvalida")
        with self.lock:
            self.recurring_webhooks[kind] = {"webhookUrl": url, "criacao": now()}
        return 200, {}

    def _get_hook(self, kind: str, body: Any) -> tuple[int, dict]:
        with self.lock:
            if kind not in self.recurring_webhooks:
                raise not_found()
            return 200, dict(self.recurring_webhooks[kind])

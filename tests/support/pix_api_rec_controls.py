"""The controls of the local PSP's Pix Automático (tests.support.pix_api_recurring): a
test plays the payer and their bank (approve, reject or cancel a rec, settle or refuse
a cobr) and has the PSP post its notices to the registered webhooks."""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import Any

from tests.support.pix_api_rec_rules import moved
from tests.support.pix_api_rules import now

# Attempt refusals that reject the whole cobr (CobRTentativas.rejeicao.codigo).
REJECTS_COBR = ("AC05", "AM09", "DENC", "DS27", "DTED", "MIDI", "MSUC", "NITX", "RC09")


class RecurringControls:
    """Uses the server's `lock`, `recs`, `cobrs`, `recurring_webhooks`, `pay` and
    `post_notice`."""

    lock: Any
    recs: dict[str, dict]
    cobrs: dict[str, dict]
    recurring_webhooks: dict[str, dict]
    pay: Callable[..., dict]
    post_notice: Callable[[str, dict], int]

    def _close_rec(self, rec: dict, status: str, encerramento: dict) -> None:
        moved(rec, status)
        rec["encerramento"] = encerramento

    def approve_rec(self, id_rec: str) -> None:
        """The payer authorised the rec in their bank app (journey 3)."""
        with self.lock:
            rec = self.recs[id_rec]
            moved(rec, "APROVADA")
            rec["ativacao"]["tipoJornada"] = "JORNADA_3"
            cpf = rec["vinculo"]["devedor"]["cpf"]
            rec["pagador"] = {"cpf": cpf, "ispbParticipante": "87654321", "codMun": "3550308"}

    def reject_rec(self, id_rec: str) -> None:
        with self.lock:
            rejeicao = {
                "codigo": "AP13",
                "descricao": "Recorrência rejeitada pelo usuário pagador.",
            }
            self._close_rec(self.recs[id_rec], "REJEITADA", {"rejeicao": rejeicao})

    def cancel_rec_by_payer(self, id_rec: str) -> None:
        with self.lock:
            cancelamento = {
                "solicitante": "USUARIO_PAGADOR",
                "codigo": "ACCL",
                "descricao": "Recorrência cancelada pelo usuário pagador.",
            }
            self._close_rec(self.recs[id_rec], "CANCELADA", {"cancelamento": cancelamento})

    def scan(self, id_rec: str) -> dict:
        """The payer scanned the composite QR: the rec approved, its cob paid."""
        self.approve_rec(id_rec)
        return self.pay(self.recs[id_rec]["ativacao"]["dadosJornada"]["txid"])

    def rec_of_txid(self, txid: str) -> dict | None:
        """The rec whose activation is the cob `txid`."""
        with self.lock:
            for rec in self.recs.values():
                if rec["ativacao"]["dadosJornada"].get("txid") == txid:
                    return copy.deepcopy(rec)
            return None

    def settle_cobr(self, txid: str, valor: str | None = None) -> dict:
        """The latest attempt paid (the cobr's amount unless `valor` says otherwise)."""
        with self.lock:
            cobr = self.cobrs[txid]
            attempt = cobr["tentativas"][-1]
            moved(attempt, "PAGA")
            pix = {
                "endToEndId": attempt["endToEndId"],
                "txid": txid,
                "valor": valor or cobr["valor"]["original"],
                "horario": now(),
            }
            cobr.setdefault("pix", []).append(pix)
            moved(cobr, "CONCLUIDA")
            return pix

    def refuse_cobr(self, txid: str, codigo: str = "AM02") -> None:
        """The latest attempt refused by the payer's bank: the cobr stays ATIVA (a
        retentativa may follow) unless `codigo` is one that rejects it."""
        with self.lock:
            cobr = self.cobrs[txid]
            attempt = cobr["tentativas"][-1]
            rejeicao = {"codigo": codigo, "descricao": "Liquidação recusada pelo PSP pagador."}
            moved(attempt, "REJEITADA")
            attempt["rejeicao"] = rejeicao
            if codigo in REJECTS_COBR:
                moved(cobr, "REJEITADA")
                cobr["encerramento"] = {"rejeicao": dict(rejeicao)}

    def close_cobr(self, txid: str, status: str = "EXPIRADA") -> None:
        """The cobr ends unpaid (EXPIRADA, REJEITADA or CANCELADA), its pending attempt
        with it."""
        with self.lock:
            cobr = self.cobrs[txid]
            attempt = cobr["tentativas"][-1]
            if attempt["status"] in ("SOLICITADA", "AGENDADA"):
                moved(attempt, status)
            moved(cobr, status)

    def notify_rec(self, id_rec: str) -> int:
        """POST {"recs": [RecNotification]} to the webhookrec URL + "/rec"; our app's
        HTTP status."""
        with self.lock:
            rec = self.recs[id_rec]
            keys = ("idRec", "status", "atualizacao", "encerramento", "ativacao")
            notice = {k: copy.deepcopy(rec[k]) for k in keys if k in rec}
            url = self.recurring_webhooks["rec"]["webhookUrl"].rstrip("/") + "/rec"
        return self.post_notice(url, {"recs": [notice]})

    def notify_cobr(self, txid: str) -> int:
        """POST {"cobsr": [CobRNotification]} to the webhookcobr URL + "/cobr"."""
        with self.lock:
            cobr = self.cobrs[txid]
            keys = ("idRec", "txid", "status", "atualizacao", "encerramento", "tentativas", "pix")
            notice = {k: copy.deepcopy(cobr[k]) for k in keys if k in cobr}
            url = self.recurring_webhooks["cobr"]["webhookUrl"].rstrip("/") + "/cobr"
        return self.post_notice(url, {"cobsr": [notice]})

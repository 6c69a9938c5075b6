"""The rules of the API Pix (bacen/pix-api 2.9.0) the local PSP applies
(tests.support.pix_api_server): the spec's RFC 7807 problems, the checks of a
CobSolicitada, and an EMV-shaped BR Code for a cob."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

ERROR_TYPE = "https://pix.bcb.gov.br/api/v2/error/"
TXID = re.compile(r"[a-zA-Z0-9]{26,35}")
VALOR = re.compile(r"\d{1,10}\.\d{2}")
COB_FIELDS = {
    "calendario",
    "devedor",
    "loc",
    "valor",
    "chave",
    "solicitacaoPagador",
    "infoAdicionais",
}


class Problem(Exception):
    """An RFC 7807 answer (the spec's `Problema`)."""

    def __init__(
        self, status: int, kind: str, title: str, detail: str, violacoes: list[dict] | None = None
    ):
        super().__init__(detail)
        self.status, self.kind, self.title, self.detail = status, kind, title, detail
        self.violacoes = violacoes or []

    def body(self) -> dict:
        body = {
            "type": ERROR_TYPE + self.kind,
            "title": self.title,
            "status": self.status,
            "detail": self.detail,
        }
        if self.violacoes:
            body["violacoes"] = self.violacoes
        return body


def invalid_cob(violacoes: list[dict]) -> Problem:
    return Problem(
        400,
        "CobOperacaoInvalida",
        "Cobrança inválida.",
        "A requisição que busca alterar ou criar uma cobrança para pagamento "
        "imediato não respeita o _schema_ ou está semanticamente errada.",
        violacoes,
    )


def webhook_url(body: Any, kind: str = "WebhookOperacaoInvalida") -> str:
    """The webhookUrl of a WebhookSolicitado (PUT /webhook/{chave}, /webhookrec,
    /webhookcobr), or the problem `kind` naming it."""
    url = body.get("webhookUrl") if isinstance(body, dict) else None
    if not isinstance(url, str) or not url.startswith(("https://", "http://")):
        raise Problem(
            400,
            kind,
            "Webhook inválido.",
            "A requisição não respeita o _schema_.",
            [{"razao": "O campo webhookUrl não respeita o _schema_.", "propriedade": "webhookUrl"}],
        )
    return url


def not_found() -> Problem:
    return Problem(404, "NaoEncontrado", "Não Encontrado", "Entidade não encontrada.")


def now() -> str:
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
    if devedor is not None and not (
        isinstance(devedor, dict)
        and set(devedor) == {"cpf", "nome"}
        and re.fullmatch(r"\d{11}", str(devedor.get("cpf")))
        and isinstance(devedor.get("nome"), str)
        and 0 < len(devedor["nome"]) <= 200
    ):
        out.append(v("devedor", "O campo cob.devedor não respeita o _schema_."))
    valor = body.get("valor")
    original = valor.get("original") if isinstance(valor, dict) else None
    if not isinstance(original, str) or not VALOR.fullmatch(original) or Decimal(original) <= 0:
        out.append(v("valor.original", "O campo cob.valor.original não respeita o _schema_."))
    if body.get("chave") != key:
        out.append(v("chave", "A chave não pertence ao usuário recebedor."))
    return out


def copia_e_cola(txid: str, valor: str, rec_location: str | None = None) -> str:
    """An EMV-shaped BR Code for the cob (it pays nothing anywhere); with the location
    of a rec, journey 3's composite QR (the rec's URL under tag 80, as the spec's
    examples of dadosQR)."""
    from adapters.payments.sandbox import crc16_ccitt

    def tlv(tag: str, value: str) -> str:
        return f"{tag}{len(value):02d}{value}"

    payload = (
        "".join(
            [
                tlv("00", "01"),
                tlv("01", "12"),
                tlv(
                    "26",
                    tlv("00", "br.gov.bcb.pix")
                    + tlv("25", f"pix.example.com/qr/v2/{txid.lower()}"),
                ),
                tlv("52", "0000"),
                tlv("53", "986"),
                tlv("54", valor),
                tlv("58", "BR"),
                tlv("59", "CREATORFLIX TESTE"),
                tlv("60", "SAO PAULO"),
                tlv("62", tlv("05", "***")),
                tlv("80", tlv("00", "br.gov.bcb.pix") + tlv("25", rec_location))
                if rec_location
                else "",
            ]
        )
        + "6304"
    )
    return payload + crc16_ccitt(payload)

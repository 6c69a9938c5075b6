"""The rules of Pix Automático (bacen/pix-api 2.9.0 `rec` and `cobr`) the local PSP
applies (tests.support.pix_api_recurring): the checks of a RecSolicitada and of a
CobRSolicitada, as the spec's violations, and its problems."""

from __future__ import annotations

import re
from datetime import date, timedelta
from decimal import Decimal
from functools import partial
from typing import Any

from tests.support.pix_api_rules import TXID, VALOR, Problem, now

PERIODICIDADES = ("SEMANAL", "MENSAL", "TRIMESTRAL", "SEMESTRAL", "ANUAL")
POLITICAS = ("NAO_PERMITE", "PERMITE_3R_7D")
TIPOS_CONTA = ("CORRENTE", "POUPANCA", "PAGAMENTO")
REC_FIELDS = {
    "vinculo",
    "calendario",
    "valor",
    "recebedor",
    "politicaRetentativa",
    "loc",
    "ativacao",
}
COBR_FIELDS = {
    "idRec",
    "infoAdicional",
    "calendario",
    "valor",
    "ajusteDiaUtil",
    "recebedor",
    "devedor",
}
SEND_FIRST, SEND_LAST = 10, 2  # days before its due date a cobr may be created
RETRY_DAYS, MAX_RETRIES = 7, 3  # PERMITE_3R_7D
ATTEMPT_FAILED = ("CANCELADA", "REJEITADA", "EXPIRADA")


def invalid_rec(
    violacoes: list[dict], detail: str = "A recorrência não respeita o schema."
) -> Problem:
    return Problem(400, "RecOperacaoInvalida", "Operação inválida.", detail, violacoes)


def invalid_cobr(
    violacoes: list[dict], detail: str = "A cobrança não respeita o schema."
) -> Problem:
    return Problem(400, "CobROperacaoInvalida", "Operação inválida.", detail, violacoes)


def violation(entity: str, prop: str, why: str = "") -> dict:
    """One of a problem's `violacoes`: `entity`.`prop` breaks the schema (or `why`)."""
    where = f"{entity}.{prop}"
    return {"razao": why or f"O campo {where} não respeita o schema.", "propriedade": where}


def unknown_fields(entity: str, body: dict, allowed: set[str]) -> list[dict]:
    extra = [k for k in body if k not in allowed]
    return [violation(entity, k, f"O campo {entity}.{k} não existe.") for k in extra]


def moved(entity: dict, status: str) -> None:
    """A rec, cobr or attempt takes `status`, recorded in its `atualizacao`."""
    entity["status"] = status
    entity.setdefault("atualizacao", []).append({"status": status, "data": now()})


def as_date(value: Any) -> date | None:
    if not isinstance(value, str) or not re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        return None


def _money(value: Any) -> bool:
    return isinstance(value, str) and bool(VALOR.fullmatch(value)) and Decimal(value) > 0


def rec_problems(body: Any, cobs: dict[str, dict], today: date) -> list[dict]:
    """Why a RecSolicitada breaks the spec (journey 3: its activation names a cob of
    ours)."""

    v = partial(violation, "rec")
    if not isinstance(body, dict):
        return [v("", "O corpo não é um objeto.")]
    out = unknown_fields("rec", body, REC_FIELDS)
    vinculo = body.get("vinculo")
    devedor = vinculo.get("devedor") if isinstance(vinculo, dict) else None
    if not (
        isinstance(vinculo, dict)
        and isinstance(vinculo.get("contrato"), str)
        and 0 < len(vinculo["contrato"]) <= 35
        and isinstance(vinculo.get("objeto", ""), str)
        and len(vinculo.get("objeto", "")) <= 35
        and isinstance(devedor, dict)
        and set(devedor) == {"cpf", "nome"}
        and re.fullmatch(r"\d{11}", str(devedor.get("cpf")))
        and isinstance(devedor.get("nome"), str)
        and 0 < len(devedor["nome"]) <= 140
    ):
        out.append(v("vinculo", "O objeto rec.vinculo não respeita o schema."))
    cal = body.get("calendario") if isinstance(body.get("calendario"), dict) else {}
    start = as_date(cal.get("dataInicial"))
    if start is None:
        out.append(v("calendario.dataInicial"))
    elif start < today:
        out.append(
            v(
                "calendario.dataInicial",
                "O campo rec.calendario.dataInicial é anterior à data de criação da recorrência.",
            )
        )
    if "dataFinal" in cal and (as_date(cal["dataFinal"]) or date.min) < (start or date.max):
        out.append(
            v(
                "calendario.dataFinal",
                "O campo rec.calendario.dataFinal é anterior ao campo rec.calendario.dataInicial.",
            )
        )
    if cal.get("periodicidade") not in PERIODICIDADES:
        out.append(v("calendario.periodicidade"))
    valor = body.get("valor", {})
    if not isinstance(valor, dict):
        out.append(v("valor", "O objeto rec.valor não respeita o schema."))
    else:
        for name in ("valorRec", "valorMinimoRecebedor"):
            if name in valor and not _money(valor[name]):
                out.append(v("valor." + name))
        if "valorRec" in valor and "valorMinimoRecebedor" in valor:
            out.append(
                v(
                    "valor",
                    "Ambos os campos rec.valor.valorRec e rec.valor.valorMinimoRecebedor "
                    "estão preenchidos.",
                )
            )
    if body.get("politicaRetentativa") not in POLITICAS:
        out.append(v("politicaRetentativa"))
    ativacao = body.get("ativacao")
    jornada = ativacao.get("dadosJornada") if isinstance(ativacao, dict) else None
    txid = jornada.get("txid") if isinstance(jornada, dict) else None
    if not isinstance(txid, str) or not TXID.fullmatch(txid):
        out.append(v("ativacao.dadosJornada.txid"))
    elif txid not in cobs:
        out.append(
            v(
                "ativacao.dadosJornada.txid",
                "A cobrança referenciada por rec.ativacao.dadosJornada.txid inexiste.",
            )
        )
    return out


def cobr_problems(body: Any, recs: dict[str, dict], today: date) -> list[dict]:
    """Why a CobRSolicitada breaks the spec or the rec it names (which must be
    APROVADA, with a valorRec at least the charge's)."""

    v = partial(violation, "cobr")
    if not isinstance(body, dict):
        return [v("", "O corpo não é um objeto.")]
    out = unknown_fields("cobr", body, COBR_FIELDS)
    rec = recs.get(str(body.get("idRec")))
    if rec is None:
        out.append(v("idRec", "A recorrência referenciada por cobr.idRec inexiste."))
    elif rec["status"] != "APROVADA":
        out.append(v("idRec", "A recorrência referenciada por cobr.idRec não está APROVADA."))
    if "infoAdicional" in body and not (
        isinstance(body["infoAdicional"], str) and len(body["infoAdicional"]) <= 140
    ):
        out.append(v("infoAdicional"))
    cal = body.get("calendario")
    due = as_date(cal.get("dataDeVencimento")) if isinstance(cal, dict) else None
    if due is None:
        out.append(v("calendario", "O objeto cobr.calendario não respeita o schema."))
    elif not today + timedelta(days=SEND_LAST) <= due <= today + timedelta(days=SEND_FIRST):
        out.append(
            v(
                "calendario.dataDeVencimento",
                f"O campo cobr.calendario.dataDeVencimento deve estar entre {SEND_LAST} e "
                f"{SEND_FIRST} dias após a criação da cobrança.",
            )
        )
    valor = body.get("valor")
    original = valor.get("original") if isinstance(valor, dict) else None
    if not _money(original):
        out.append(v("valor", "O campo cobr.valor não respeita o schema."))
    elif rec is not None and "valorRec" in rec.get("valor", {}):
        if Decimal(str(original)) > Decimal(rec["valor"]["valorRec"]):
            out.append(
                v("valor.original", "O campo cobr.valor.original excede o valor da recorrência.")
            )
    if not isinstance(body.get("ajusteDiaUtil"), bool):
        out.append(v("ajusteDiaUtil"))
    recebedor = body.get("recebedor")
    if not (
        isinstance(recebedor, dict)
        and set(recebedor) <= {"conta", "tipoConta", "agencia"}
        and isinstance(recebedor.get("conta"), str)
        and 0 < len(recebedor["conta"]) <= 20
        and recebedor.get("tipoConta") in TIPOS_CONTA
        and isinstance(recebedor.get("agencia", ""), str)
        and len(recebedor.get("agencia", "")) <= 4
    ):
        out.append(v("recebedor", "O objeto cobr.recebedor não respeita o schema."))
    return out


def retry_problem(cobr: dict, rec: dict, on: date | None, today: date) -> Problem | None:
    """Why `POST /cobr/{txid}/retentativa/{on}` is refused, or None."""
    if rec.get("politicaRetentativa") != "PERMITE_3R_7D":
        return invalid_cobr(
            [], "A política configurada na recorrência não permite retentativa de cobrança."
        )
    if on is None or on <= today:
        return invalid_cobr([], "O parâmetro data não corresponde a uma data futura.")
    due = date.fromisoformat(cobr["calendario"]["dataDeVencimento"])
    if on > due + timedelta(days=RETRY_DAYS):
        return invalid_cobr(
            [], f"O parâmetro data ultrapassa {RETRY_DAYS} dias após o vencimento da cobrança."
        )
    if cobr["status"] != "ATIVA":
        return invalid_cobr([], "A cobrança não se encontra ATIVA.")
    attempts = cobr.get("tentativas", [])
    if attempts and attempts[-1]["status"] in ("SOLICITADA", "AGENDADA"):
        return invalid_cobr([], "Existe uma tentativa com status SOLICITADA ou AGENDADA.")
    if not attempts or attempts[-1]["status"] not in ATTEMPT_FAILED:
        return invalid_cobr([], "Existe uma tentativa não finalizada.")
    if sum(1 for t in attempts if t["tipo"] == "NTAG") >= MAX_RETRIES:
        return invalid_cobr([], f"O limite de {MAX_RETRIES} retentativas foi atingido.")
    return None

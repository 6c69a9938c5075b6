"""The API Pix's answers, parsed declaratively (saleor's response schemas): one frozen
attrs class per schema of the Banco Central's OpenAPI (bacen/pix-api 2.9.0) that we
read, built by `parse(Class, json)` from the field specs below. A value of the wrong
type or shape raises `Unreadable` naming the field, so nothing half-read reaches the
domain. Field names are the spec's, in Portuguese."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date
from typing import Any, TypeVar

from attrs import field, fields, frozen

T = TypeVar("T")

# CobrancaStatus (the status of the cob's record).
ATIVA = "ATIVA"
CONCLUIDA = "CONCLUIDA"
REMOVIDA_PELO_USUARIO_RECEBEDOR = "REMOVIDA_PELO_USUARIO_RECEBEDOR"
REMOVIDA_PELO_PSP = "REMOVIDA_PELO_PSP"
COB_STATUSES = (ATIVA, CONCLUIDA, REMOVIDA_PELO_USUARIO_RECEBEDOR, REMOVIDA_PELO_PSP)

VALOR = re.compile(r"\d{1,10}\.\d{2}")  # the spec's money: "29.90"
TXID = re.compile(r"[a-zA-Z0-9]{26,35}")  # a txid we choose (PUT /cob/{txid})
DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


class Unreadable(ValueError):
    """An answer that breaks the spec: `path` names the field."""

    def __init__(self, path: str, why: str):
        super().__init__(f"{path}: {why}")
        self.path = path


# -- field readers: (value, path) -> parsed value ------------------------------------
def text(value: Any, path: str) -> str:
    if not isinstance(value, str):
        raise Unreadable(path, "expected text")
    return value


def integer(value: Any, path: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise Unreadable(path, "expected an integer")
    return value


def cents(value: Any, path: str) -> int:
    """A `\\d{1,10}\\.\\d{2}` amount in reais, as integer centavos."""
    if not isinstance(value, str) or not VALOR.fullmatch(value):
        raise Unreadable(path, "expected an amount such as 29.90")
    reais, _, centavos = value.partition(".")
    return int(reais) * 100 + int(centavos)


def reais(cents: int) -> str:
    """2990 -> "29.90": centavos as the spec writes money (the inverse of `cents`)."""
    return f"{cents // 100}.{cents % 100:02d}"


def day(value: Any, path: str) -> date:
    """A `format: date` (YYYY-MM-DD)."""
    if not isinstance(value, str) or not DATE.fullmatch(value):
        raise Unreadable(path, "expected a date such as 2026-04-01")
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise Unreadable(path, "expected a date such as 2026-04-01") from None


def one_of(*allowed: str) -> Callable[[Any, str], str]:
    def read(value: Any, path: str) -> str:
        if value not in allowed:
            raise Unreadable(path, f"expected one of {', '.join(allowed)}")
        return value

    return read


def object_of(cls: type[T]) -> Callable[[Any, str], T]:
    return lambda value, path: parse(cls, value, path)


def list_of(read: Callable[[Any, str], T]) -> Callable[[Any, str], tuple[T, ...]]:
    def read_all(value: Any, path: str) -> tuple[T, ...]:
        if not isinstance(value, list):
            raise Unreadable(path, "expected a list")
        return tuple(read(item, f"{path}[{i}]") for i, item in enumerate(value))

    return read_all


def spec(read: Callable[[Any, str], Any], *, key: str | None = None, required: bool = True):
    """Metadata of an attrs field: how to read it and under which JSON key."""
    return {"read": read, "key": key, "required": required}


def parse(cls: type[T], data: Any, path: str = "") -> T:
    """An instance of `cls` (an attrs class whose fields carry `spec` metadata) from a
    decoded JSON object; unknown keys are ignored (PSPs add their own)."""
    if not isinstance(data, dict):
        raise Unreadable(path or "$", "expected an object")
    values = {}
    for attribute in fields(cls):  # type: ignore[arg-type]
        meta = attribute.metadata
        key = meta["key"] or attribute.name
        where = f"{path}.{key}" if path else key
        if data.get(key) is None:
            if meta["required"]:
                raise Unreadable(where, "missing")
            continue
        values[attribute.name] = meta["read"](data[key], where)
    return cls(**values)


# -- the schemas we read ---------------------------------------------------------------
@frozen
class AccessToken:
    """The OAuth2 token endpoint's answer (RFC 6749 5.1)."""

    access_token: str = field(repr=False, metadata=spec(text))
    expires_in: int = field(default=3600, metadata=spec(integer, required=False))
    token_type: str = field(default="Bearer", metadata=spec(text, required=False))
    scope: str = field(default="", metadata=spec(text, required=False))


@frozen
class PixRecebido:
    """`Pix`: one payment received (endToEndId, valor, horario; txid when of a cob)."""

    endToEndId: str = field(metadata=spec(text))
    valor: int = field(metadata=spec(cents))
    horario: str = field(metadata=spec(text))
    txid: str | None = field(default=None, metadata=spec(text, required=False))


@frozen
class CobValor:
    original: int = field(metadata=spec(cents))


@frozen
class CobCalendario:
    expiracao: int = field(default=86400, metadata=spec(integer, required=False))
    criacao: str | None = field(default=None, metadata=spec(text, required=False))


@frozen
class Cob:
    """`CobGerada` (PUT /cob/{txid}) and `CobCompleta` (GET /cob/{txid}): `pix` lists the
    payments received, present once CONCLUIDA."""

    txid: str = field(metadata=spec(text))
    status: str = field(metadata=spec(one_of(*COB_STATUSES)))
    valor: CobValor = field(metadata=spec(object_of(CobValor)))
    chave: str = field(metadata=spec(text))
    calendario: CobCalendario = field(metadata=spec(object_of(CobCalendario)))
    revisao: int = field(default=0, metadata=spec(integer, required=False))
    pixCopiaECola: str | None = field(default=None, metadata=spec(text, required=False))
    pix: tuple[PixRecebido, ...] = field(
        default=(), metadata=spec(list_of(object_of(PixRecebido)), required=False)
    )

    def received(self) -> int:
        """The centavos received for this cob (the sum of its `pix`)."""
        return sum(p.valor for p in self.pix if p.txid in (None, self.txid))


@frozen
class Violacao:
    razao: str = field(default="", metadata=spec(text, required=False))
    propriedade: str = field(default="", metadata=spec(text, required=False))
    valor: str = field(default="", metadata=spec(text, required=False))


@frozen
class Problema:
    """An RFC 7807 problem (`application/problem+json`) as the spec shapes it."""

    type: str = field(metadata=spec(text))
    title: str = field(metadata=spec(text))
    status: int = field(metadata=spec(integer))
    detail: str = field(default="", metadata=spec(text, required=False))
    correlationId: str = field(default="", metadata=spec(text, required=False))
    violacoes: tuple[Violacao, ...] = field(
        default=(), metadata=spec(list_of(object_of(Violacao)), required=False)
    )

    @property
    def kind(self) -> str:
        """The error's name: the last segment of `type` (…/error/CobOperacaoInvalida)."""
        return self.type.rstrip("/").rsplit("/", 1)[-1]

    def explain(self, limit: int = 300) -> str:
        """One printable line: kind, title, detail and the violations, bounded."""
        parts = [f"{self.kind}: {self.title}", self.detail]
        parts += [f"{v.propriedade} {v.razao}".strip() for v in self.violacoes]
        line = "; ".join(p for p in parts if p)
        return "".join(c if c.isprintable() else " " for c in line)[:limit]

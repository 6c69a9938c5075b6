"""Pix Automático's answers (bacen/pix-api 2.9.0 `rec` and `cobr`), parsed like the
cob's (pix_schemas.py): only the fields we read, unknown ones ignored, field names the
spec's."""

from __future__ import annotations

from datetime import date

from attrs import field, frozen

from adapters.payments.pix_schemas import (
    PixRecebido,
    cents,
    day,
    list_of,
    object_of,
    one_of,
    spec,
    text,
)
from domain.payments.pix_automatico import (
    COBR_ACTIVE,
    COBR_CANCELLED,
    COBR_CREATED,
    COBR_EXPIRED,
    COBR_PAID,
    COBR_REJECTED,
    REC_STATUSES,
    Recurrence,
    RecurringChargeState,
)

COBR_STATUSES = (
    COBR_CREATED,
    COBR_ACTIVE,
    COBR_PAID,
    COBR_EXPIRED,
    COBR_REJECTED,
    COBR_CANCELLED,
)
# CobRCompleta.tentativas[].status
ATTEMPT_STATUSES = ("SOLICITADA", "AGENDADA", "PAGA", "CANCELADA", "REJEITADA", "EXPIRADA")


# -- rec ------------------------------------------------------------------------------
@frozen
class RecVinculo:
    contrato: str = field(metadata=spec(text))


@frozen
class RecValor:
    valorRec: int | None = field(default=None, metadata=spec(cents, required=False))


@frozen
class DadosJornada:
    txid: str | None = field(default=None, metadata=spec(text, required=False))


@frozen
class RecAtivacao:
    dadosJornada: DadosJornada | None = field(
        default=None, metadata=spec(object_of(DadosJornada), required=False)
    )


@frozen
class DadosQR:
    pixCopiaECola: str | None = field(default=None, metadata=spec(text, required=False))


@frozen
class Cancelamento:
    solicitante: str = field(metadata=spec(text))


@frozen
class Encerramento:
    cancelamento: Cancelamento | None = field(
        default=None, metadata=spec(object_of(Cancelamento), required=False)
    )


@frozen
class Rec:
    """`RecGerada` (POST /rec, PATCH /rec/{idRec}) and `RecCompleta` (GET /rec/{idRec};
    with `?txid=` its `dadosQR`)."""

    idRec: str = field(metadata=spec(text))
    status: str = field(metadata=spec(one_of(*REC_STATUSES)))
    vinculo: RecVinculo | None = field(
        default=None, metadata=spec(object_of(RecVinculo), required=False)
    )
    valor: RecValor | None = field(default=None, metadata=spec(object_of(RecValor), required=False))
    ativacao: RecAtivacao | None = field(
        default=None, metadata=spec(object_of(RecAtivacao), required=False)
    )
    dadosQR: DadosQR | None = field(default=None, metadata=spec(object_of(DadosQR), required=False))
    encerramento: Encerramento | None = field(
        default=None, metadata=spec(object_of(Encerramento), required=False)
    )

    def domain(self) -> Recurrence:
        journey = self.ativacao.dadosJornada if self.ativacao else None
        cancelled = self.encerramento.cancelamento if self.encerramento else None
        return Recurrence(
            id_rec=self.idRec,
            status=self.status,
            contract=self.vinculo.contrato if self.vinculo else None,
            activation_txid=journey.txid if journey else None,
            amount=self.valor.valorRec if self.valor else None,
            qr_code=self.dadosQR.pixCopiaECola if self.dadosQR else None,
            cancelled_by=cancelled.solicitante if cancelled else None,
        )


# -- cobr -----------------------------------------------------------------------------
@frozen
class CobRCalendario:
    dataDeVencimento: date = field(metadata=spec(day))


@frozen
class CobRValor:
    original: int = field(metadata=spec(cents))


@frozen
class Tentativa:
    dataLiquidacao: date = field(metadata=spec(day))
    status: str = field(metadata=spec(one_of(*ATTEMPT_STATUSES)))


@frozen
class CobR:
    """`CobRGerada` (PUT /cobr/{txid}) and `CobRCompleta` (GET /cobr/{txid}, POST
    .../retentativa/{data}): `pix` lists what was received, `tentativas` the
    settlement attempts in order."""

    txid: str = field(metadata=spec(text))
    status: str = field(metadata=spec(one_of(*COBR_STATUSES)))
    calendario: CobRCalendario = field(metadata=spec(object_of(CobRCalendario)))
    valor: CobRValor = field(metadata=spec(object_of(CobRValor)))
    idRec: str | None = field(default=None, metadata=spec(text, required=False))
    pix: tuple[PixRecebido, ...] = field(
        default=(), metadata=spec(list_of(object_of(PixRecebido)), required=False)
    )
    tentativas: tuple[Tentativa, ...] = field(
        default=(), metadata=spec(list_of(object_of(Tentativa)), required=False)
    )

    def domain(self) -> RecurringChargeState:
        return RecurringChargeState(
            txid=self.txid,
            status=self.status,
            id_rec=self.idRec,
            due=self.calendario.dataDeVencimento,
            amount=self.valor.original,
            paid=sum(p.valor for p in self.pix) if self.pix else None,
            attempts=tuple((t.dataLiquidacao, t.status) for t in self.tentativas),
        )

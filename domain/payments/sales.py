"""Sales for the operator (issue 23, /admin/vendas): checkouts filtered by status, method,
plan and local dates, searched by buyer (name, email, CPF or phone with or without
punctuation, gateway id), the totals of the filter, and the rows of the CSV export as a
Brazilian spreadsheet reads them (`;`, decimal comma, local times)."""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from datetime import UTC, date, datetime, time, timedelta, tzinfo

from attrs import frozen

from domain.common.errors import ValidationError
from domain.common.fields import parse_int
from domain.common.pagination import Page, PageRequest
from domain.payments import checkout as co
from domain.payments.checkout import Checkout
from ports.unit_of_work import UnitOfWorkFactory

# What people type around the digits of a CPF or a phone: "123.456.789-09", "(11) 98888-7777".
_PUNCTUATION = re.compile(r"[\s.\-/()+]")
_ASCII_DIGITS = re.compile(r"[0-9]+")
MIN_DIGITS = 3
MAX_QUERY = 200
STATUS_LABELS: dict[str, str] = {
    co.PENDING: "Pendente",
    co.PAID: "Pago",
    co.FAILED: "Falhou",
    co.ABANDONED: "Abandonado",
    co.REFUNDED: "Reembolsado",
    co.REVIEW: "Em análise",
}
METHOD_LABELS: dict[str, str] = {
    co.PIX: "PIX",
    co.PIX_AUTOMATICO: "PIX Automático",
    co.CREDIT_CARD: "Cartão de crédito",
}
# The methods a query filters by: as stored (a pix_automatico checkout's row says pix,
# its payment data says how it was chosen: checkout.method_of).
FILTER_METHODS = (co.PIX, co.CREDIT_CARD)


@frozen
class SalesQuery:
    """Filters of the checkouts list; dates already turned into a naive UTC range.
    `text` (lower case) matches name, email or gateway id; `digits` a CPF or phone."""

    status: str | None = None
    payment_method: str | None = None
    plan_id: int | None = None
    user_id: int | None = None
    external_id: str | None = None
    customer_email: str | None = None
    since: datetime | None = None
    until: datetime | None = None
    text: str | None = None
    digits: str | None = None


@frozen
class SalesTotals:
    """Checkouts of the filter, and of those the paid ones (cents)."""

    count: int
    amount: int
    paid_count: int
    paid_amount: int
    by_status: dict[str, int]


def _no_nul(value: str, name: str) -> str:
    """A query value no database stores (PostgreSQL refuses NUL in a text literal)."""
    if "\x00" in value:
        raise ValidationError(f"{name}: must not contain NUL characters", field=name)
    return value


def search_terms(raw: str | None) -> tuple[str | None, str | None]:
    """(text, digits) of a search box: digits alone (punctuation dropped) search CPF and
    phone; anything else searches name, email and gateway id, case-insensitively."""
    if raw is None or not raw.strip():
        return None, None
    raw = _no_nul(raw.strip(), "q")
    if len(raw) > MAX_QUERY:
        raise ValidationError(f"q: at most {MAX_QUERY} characters", field="q")
    bare = _PUNCTUATION.sub("", raw)
    if _ASCII_DIGITS.fullmatch(bare):
        if len(bare) < MIN_DIGITS:
            raise ValidationError(
                f"q: type at least {MIN_DIGITS} digits of a CPF or phone", field="q"
            )
        return None, bare
    return raw.casefold(), None


def _local_day(params: Mapping[str, str], name: str) -> date | None:
    raw = params.get(name)
    if raw is None or raw == "":
        return None
    try:
        return date.fromisoformat(str(raw))
    except ValueError:
        raise ValidationError(f"{name}: expected a date YYYY-MM-DD", field=name) from None


def _utc(day: date, zone: tzinfo) -> datetime:
    """The naive UTC instant the local `day` starts at."""
    return datetime.combine(day, time.min, zone).astimezone(UTC).replace(tzinfo=None)


def parse_sales_query(params: Mapping[str, str], zone: tzinfo) -> SalesQuery:
    """The filters of a query string: status, payment_method, plan_id, user_id,
    external_id, customer_email (exact), from and to (local days, both included), q."""
    status = params.get("status") or None
    if status is not None and status not in co.STATUSES:
        raise ValidationError(f"status: one of {', '.join(co.STATUSES)}", field="status")
    method = params.get("payment_method") or None
    if method is not None and method not in FILTER_METHODS:
        raise ValidationError(
            f"payment_method: one of {', '.join(FILTER_METHODS)}", field="payment_method"
        )
    ids = {
        name: parse_int(str(params[name]), name, minimum=1, maximum=2**31 - 1)
        if params.get(name)
        else None
        for name in ("plan_id", "user_id")
    }
    first, last = _local_day(params, "from"), _local_day(params, "to")
    if first and last and last < first:
        raise ValidationError("to: must not be before from", field="to")
    text, digits = search_terms(params.get("q"))
    exact = {
        name: _no_nul(str(params[name]), name)[:254] if params.get(name) else None
        for name in ("external_id", "customer_email")
    }
    return SalesQuery(
        status=status,
        payment_method=method,
        plan_id=ids["plan_id"],
        user_id=ids["user_id"],
        **exact,
        since=_utc(first, zone) if first else None,
        until=_utc(last + timedelta(days=1), zone) if last else None,
        text=text,
        digits=digits,
    )


def totals_of(by_status: dict[str, int], amounts: dict[str, int]) -> SalesTotals:
    return SalesTotals(
        count=sum(by_status.values()),
        amount=sum(amounts.values()),
        paid_count=by_status.get(co.PAID, 0),
        paid_amount=amounts.get(co.PAID, 0),
        by_status=dict(by_status),
    )


def list_sales(
    uow_factory: UnitOfWorkFactory, query: SalesQuery, page: PageRequest
) -> tuple[Page[Checkout], SalesTotals, dict[int, str]]:
    """A page of the filtered checkouts (newest first), the totals of the whole filter
    and the names of the plans on the page: four queries whatever the page holds."""
    with uow_factory() as uow:
        found = uow.checkouts.search(query, page.page, page.limit)
        by_status, amounts = uow.checkouts.search_totals(query)
        plans = uow.plans.get_many({c.plan_id for c in found.items})
    return found, totals_of(by_status, amounts), {p.id: p.name for p in plans if p.id is not None}


def _method_label(checkout: co.Checkout) -> str:
    method = co.method_of(checkout) or ""
    return METHOD_LABELS.get(method, method)


def export_rows(
    uow_factory: UnitOfWorkFactory, query: SalesQuery, zone: tzinfo, batch: int = 500
) -> Iterator[list[str]]:
    """The CSV rows of the filter (header first), read in batches, one transaction each,
    so an export of any size streams."""
    yield [
        "ID",
        "Criado em",
        "Atualizado em",
        "Status",
        "Método",
        "Plano",
        "Valor (R$)",
        "Nome",
        "E-mail",
        "CPF",
        "Telefone",
        "ID no gateway",
    ]
    page = 1
    while True:
        with uow_factory() as uow:
            found = uow.checkouts.search(query, page, batch)
            plans = {
                p.id: p.name
                for p in uow.plans.get_many({c.plan_id for c in found.items})
                if p.id is not None
            }
        for c in found.items:
            yield [
                str(c.id),
                local_text(c.created_at, zone),
                local_text(c.updated_at, zone),
                STATUS_LABELS.get(c.status, c.status),
                _method_label(c),
                plans.get(c.plan_id, f"#{c.plan_id}"),
                brl(c.total_amount),
                c.customer_name or "",
                c.customer_email or "",
                c.customer_document or "",
                c.customer_phone or "",
                c.external_id or "",
            ]
        if page * batch >= found.total or not found.items:
            return
        page += 1


def brl(cents: int) -> str:
    """29,90 — the amount as a pt-BR spreadsheet reads a number (no thousands mark)."""
    sign = "-" if cents < 0 else ""
    return f"{sign}{abs(cents) // 100},{abs(cents) % 100:02d}"


def local_text(moment: datetime | None, zone: tzinfo) -> str:
    """A stored (naive UTC) instant as local 'DD/MM/AAAA HH:MM:SS'."""
    if moment is None:
        return ""
    return moment.replace(tzinfo=UTC).astimezone(zone).strftime("%d/%m/%Y %H:%M:%S")

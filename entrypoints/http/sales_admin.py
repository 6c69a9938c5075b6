"""Admin routes of sales and customers (issue 23): the searchable, filtered checkouts
list with its totals, its CSV export (streamed; opens right in Excel pt-BR), the
customers search and a customer's page, and the link to choose a password."""

from __future__ import annotations

import csv
import io
import itertools
from collections.abc import Iterator
from zoneinfo import ZoneInfo

import falcon

from domain.accounts.auth import AuthService
from domain.assurance.entities import AgeAssurance
from domain.common.errors import ValidationError
from domain.common.pagination import PageRequest
from domain.payments import customers, sales
from domain.payments.checkout import STATUSES, Checkout, method_of
from domain.payments.subscriptions import Subscription
from domain.payments.withdrawal import Withdrawal
from entrypoints.bootstrap import Deps
from entrypoints.http.crud import PAGE_PARAMS
from entrypoints.http.json_io import to_json
from entrypoints.http.routes import ADMIN, Operation, Param, Route
from entrypoints.http.schemas import entity_schema, nullable, page_schema
from ports.clock import Clock
from ports.unit_of_work import UnitOfWorkFactory

TAGS = ("payments",)
CUSTOMER_TAGS = ("admin: customers",)
_INT = {"type": "integer"}
CHECKOUT_ROW = entity_schema(Checkout, extra={"plan_name": nullable({"type": "string"})})
TOTALS_SCHEMA = {
    "type": "object",
    "required": ["count", "amount", "paid_count", "paid_amount", "by_status"],
    "description": "the whole filter (every page), amounts in cents",
    "properties": {
        "count": _INT,
        "amount": _INT,
        "paid_count": _INT,
        "paid_amount": _INT,
        "by_status": {"type": "object", "additionalProperties": _INT},
    },
}
_PAGE = page_schema(CHECKOUT_ROW)
SALES_SCHEMA = {
    **_PAGE,
    "required": _PAGE["required"] + ["totals"],
    "properties": {**_PAGE["properties"], "totals": TOTALS_SCHEMA},
}
SALES_PARAMS = (
    Param("status", {"type": "string", "enum": list(STATUSES)}),
    Param(
        "payment_method",
        {"type": "string", "enum": list(sales.FILTER_METHODS)},
        "pix includes PIX Automático's first payments (their rows say pix_automatico)",
    ),
    Param("plan_id", {"type": "integer", "minimum": 1}),
    Param("user_id", {"type": "integer", "minimum": 1}),
    Param("external_id", {"type": "string", "maxLength": 200}),
    Param("customer_email", {"type": "string", "maxLength": 254}),
    Param("from", {"type": "string", "format": "date"}, "first local day (included)"),
    Param("to", {"type": "string", "format": "date"}, "last local day (included)"),
    Param(
        "q",
        {"type": "string", "maxLength": sales.MAX_QUERY},
        "buyer's name or email (part of it), CPF or phone (digits, punctuation "
        "ignored) or the gateway's id",
    ),
)
CUSTOMER_SCHEMA = entity_schema(customers.Customer)
CUSTOMER_DETAIL_SCHEMA = {
    "type": "object",
    "required": ["customer", "checkouts", "subscriptions", "withdrawals", "age_checks"],
    "properties": {
        "customer": CUSTOMER_SCHEMA,
        "checkouts": {"type": "array", "items": CHECKOUT_ROW},
        "subscriptions": {
            "type": "array",
            "items": entity_schema(Subscription, extra={"plan_name": nullable({"type": "string"})}),
        },
        "withdrawals": {"type": "array", "items": entity_schema(Withdrawal)},
        "age_checks": {"type": "array", "items": entity_schema(AgeAssurance)},
    },
}
CSV_TYPE = "text/csv; charset=utf-8"
CSV_SCHEMA = {
    "type": "string",
    "description": "UTF-8 with BOM, `;`-separated, amounts "
    "as 29,90, local times (CREATORFLIX_TIMEZONE)",
}


def single_params(req: falcon.Request) -> dict[str, str]:
    """The query parameters, each given once (a repeated one is a 400 naming it)."""
    found = {}
    for name, value in req.params.items():
        if not isinstance(value, str):
            raise ValidationError(f"{name} must be given once", field=name)
        found[name] = value
    return found


def _row(checkout: Checkout, plan_names: dict[int, str]) -> dict:
    """A checkout as the panel lists it: `payment_method` as the buyer chose it."""
    return {
        **to_json(checkout),
        "payment_method": method_of(checkout),
        "plan_name": plan_names.get(checkout.plan_id),
    }


class SalesResource:
    """`zone`: the time zone of the dates a query names (CREATORFLIX_TIMEZONE)."""

    def __init__(self, uow: UnitOfWorkFactory, zone: ZoneInfo):
        self.uow, self.zone = uow, zone

    def on_get(self, req: falcon.Request, resp: falcon.Response) -> None:
        query = sales.parse_sales_query(single_params(req), self.zone)
        found, totals, plans = sales.list_sales(self.uow, query, PageRequest.parse(req.params))
        resp.media = {
            "data": [_row(c, plans) for c in found.items],
            "total": found.total,
            "page": found.page,
            "total_pages": found.total_pages,
            "totals": {
                "count": totals.count,
                "amount": totals.amount,
                "paid_count": totals.paid_count,
                "paid_amount": totals.paid_amount,
                "by_status": totals.by_status,
            },
        }


def csv_stream(rows: Iterator[list[str]]) -> Iterator[bytes]:
    """The rows as CSV bytes: a BOM first (Excel then reads UTF-8), `;` between fields
    (Excel pt-BR's list separator: the decimal comma stays inside its field)."""
    yield "\ufeff".encode()
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    for row in rows:
        writer.writerow(row)
        if buffer.tell() > 32_768:
            yield buffer.getvalue().encode()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue().encode()


class SalesCsvResource:
    def __init__(self, uow: UnitOfWorkFactory, clock: Clock, zone: ZoneInfo):
        self.uow, self.clock, self.zone = uow, clock, zone

    def on_get(self, req: falcon.Request, resp: falcon.Response) -> None:
        zone = self.zone
        query = sales.parse_sales_query(single_params(req), zone)  # a 400 before streaming starts
        day = sales.local_text(self.clock.now(), zone)[:10].split("/")
        resp.content_type = CSV_TYPE
        resp.set_header(
            "Content-Disposition", f'attachment; filename="vendas-{day[2]}-{day[1]}-{day[0]}.csv"'
        )
        resp.set_header("Cache-Control", "no-store")
        rows = sales.export_rows(self.uow, query, zone)
        # The header and the first batch are read here, in the responder: a database that
        # does not answer is then a 503, not a stream cut after its 200.
        first = list(itertools.islice(rows, 2))
        resp.stream = csv_stream(itertools.chain(first, rows))


class CustomersResource:
    def __init__(self, uow: UnitOfWorkFactory):
        self.uow = uow

    def on_get(self, req: falcon.Request, resp: falcon.Response) -> None:
        found = customers.search_customers(
            self.uow, req.get_param("q"), PageRequest.parse(req.params)
        )
        resp.media = {
            "data": [to_json(c) for c in found.items],
            "total": found.total,
            "page": found.page,
            "total_pages": found.total_pages,
        }


class CustomerResource:
    """One customer: an account (`by` user_id) or the buyer of a checkout (checkout_id)."""

    def __init__(self, uow: UnitOfWorkFactory, by: str):
        self.uow, self.by = uow, by

    def on_get(self, req: falcon.Request, resp: falcon.Response, id: int) -> None:
        detail = customers.customer_detail(self.uow, **{self.by: id})
        plans = detail.plan_names
        resp.media = {
            "customer": to_json(detail.customer),
            "checkouts": [_row(c, plans) for c in detail.checkouts],
            "subscriptions": [
                {**to_json(s), "plan_name": plans.get(s.plan_id or 0)} for s in detail.subscriptions
            ],
            "withdrawals": [to_json(w) for w in detail.withdrawals],
            "age_checks": [to_json(a) for a in detail.age_checks],
        }


class PasswordLinkResource:
    def __init__(self, auth: AuthService, uow: UnitOfWorkFactory):
        self.auth, self.uow = auth, uow

    def on_post(self, req: falcon.Request, resp: falcon.Response, id: int) -> None:
        customers.send_password_link(self.auth, self.uow, id)
        resp.status = falcon.HTTP_202
        resp.media = {"status": "accepted"}


def routes(deps: Deps) -> list[Route]:
    uow, zone = deps.uow, ZoneInfo(deps.config.timezone)
    return [
        Route(
            "/api/admin/checkouts",
            SalesResource(uow, zone),
            (
                Operation(
                    "GET",
                    "List checkouts, newest first, filtered and searched, with the "
                    "plan's name and the totals of the whole filter",
                    ADMIN,
                    tags=TAGS,
                    params=PAGE_PARAMS + SALES_PARAMS,
                    responses={200: SALES_SCHEMA},
                ),
            ),
        ),
        Route(
            "/api/admin/checkouts.csv",
            SalesCsvResource(uow, deps.clock, zone),
            (
                Operation(
                    "GET",
                    "The filtered checkouts as CSV for Excel pt-BR (streamed)",
                    ADMIN,
                    tags=TAGS,
                    params=SALES_PARAMS,
                    content_type=CSV_TYPE,
                    responses={200: CSV_SCHEMA},
                ),
            ),
        ),
        Route(
            "/api/admin/customers",
            CustomersResource(uow),
            (
                Operation(
                    "GET",
                    "Customers (accounts and guest buyers) by name, email, CPF or "
                    "phone, most recent activity first",
                    ADMIN,
                    tags=CUSTOMER_TAGS,
                    params=PAGE_PARAMS + (SALES_PARAMS[-1],),
                    responses={200: page_schema(CUSTOMER_SCHEMA)},
                ),
            ),
        ),
        Route(
            "/api/admin/customers/{id:id}",
            CustomerResource(uow, "user_id"),
            (
                Operation(
                    "GET",
                    "One account's customer page: their checkouts (by account or "
                    "email), subscriptions, withdrawal requests and age checks",
                    ADMIN,
                    tags=CUSTOMER_TAGS,
                    responses={200: CUSTOMER_DETAIL_SCHEMA, 404: None},
                ),
            ),
        ),
        Route(
            "/api/admin/checkouts/{id:id}/customer",
            CustomerResource(uow, "checkout_id"),
            (
                Operation(
                    "GET",
                    "The customer page of a checkout's buyer (their account, or a "
                    "guest buyer by the email of their checkouts)",
                    ADMIN,
                    tags=CUSTOMER_TAGS,
                    responses={200: CUSTOMER_DETAIL_SCHEMA, 404: None},
                ),
            ),
        ),
        Route(
            "/api/admin/users/{id:id}/password-link",
            PasswordLinkResource(deps.auth, uow),
            (
                Operation(
                    "POST",
                    "Mail an account the link to choose a (new) password, valid one hour",
                    ADMIN,
                    tags=CUSTOMER_TAGS,
                    request_required=False,
                    responses={202: {"type": "object"}, 404: None},
                ),
            ),
        ),
    ]

"""GET /api/admin/dashboard: the administrators' overview (domain.reporting.dashboard)."""

from __future__ import annotations

from zoneinfo import ZoneInfo

import falcon

from domain.reporting import renewal_figures
from domain.reporting.dashboard import MIN_IMPRESSIONS_FOR_CTR, Dashboard, admin_dashboard
from entrypoints.bootstrap import Deps
from entrypoints.http.routes import ADMIN, Operation, Route
from ports.clock import Clock
from ports.unit_of_work import UnitOfWorkFactory

_COUNT = {"type": "integer", "minimum": 0}
_CENTS = {"type": "integer", "minimum": 0, "description": "cents (BRL)"}
_RATE = {"type": "number", "minimum": 0, "maximum": 1}
_DAY = {"type": "string", "format": "date"}
TOP_AD_SCHEMA = {
    "type": "object",
    "required": ["id", "name", "type", "placement", "status", "impressions", "clicks", "ctr"],
    "properties": {
        "id": {"type": "integer"},
        "name": {"type": "string"},
        "type": {"type": "string"},
        "placement": {"type": "string"},
        "status": {"type": "string"},
        "impressions": _COUNT,
        "clicks": _COUNT,
        # Not capped at 1: a visitor's clicks repeat after 30 s, their
        # impressions after 30 min (README, "Ads").
        "ctr": {
            "type": "number",
            "minimum": 0,
            "description": "lifetime clicks / impressions (counted events)",
        },
    },
}
RENEWALS_SCHEMA = {
    "type": "object",
    "description": 'subscriptions that renew themselves (README, "Automatic renewal")',
    "required": [
        "mrr",
        "automatic_members",
        "manual_members",
        "renewals_paid",
        "renewals_refused",
        "churn",
        "churned",
        "active_30_days_ago",
        "past_due",
    ],
    "properties": {
        "mrr": {
            **_CENTS,
            "description": "cents per 30 days of the active automatic "
            "subscriptions, coupons applied",
        },
        "automatic_members": _COUNT,
        "manual_members": _COUNT,
        "renewals_paid": _COUNT,
        "renewals_refused": _COUNT,
        "churn": {**_RATE, "description": "churned / active_30_days_ago"},
        "churned": _COUNT,
        "active_30_days_ago": _COUNT,
        "past_due": _COUNT,
    },
}
DASHBOARD_SCHEMA = {
    "type": "object",
    "required": [
        "generated_at",
        "days",
        "since",
        "until",
        "active_subscribers",
        "revenue",
        "paid_checkouts",
        "series",
        "conversion",
        "top_ads",
        "renewals",
    ],
    "properties": {
        "renewals": RENEWALS_SCHEMA,
        "generated_at": {"type": "string", "format": "date-time"},
        "days": {"type": "integer", "minimum": 1},
        "since": {**_DAY, "description": "first local day of the window (CREATORFLIX_TIMEZONE)"},
        "until": {**_DAY, "description": "last local day of the window (today)"},
        "active_subscribers": {**_COUNT, "description": "users with a subscription active now"},
        "revenue": {
            **_CENTS,
            "description": "paid checkouts of the window, cents (refunded ones excluded)",
        },
        "paid_checkouts": _COUNT,
        "series": {
            "type": "array",
            "description": "one entry per local day, oldest first",
            "items": {
                "type": "object",
                "required": ["date", "paid_checkouts", "revenue"],
                "properties": {"date": _DAY, "paid_checkouts": _COUNT, "revenue": _CENTS},
            },
        },
        "conversion": {
            "type": "object",
            "required": ["started", "paid", "rate"],
            "description": "checkouts started in the window and how many were paid",
            "properties": {
                "started": _COUNT,
                "paid": _COUNT,
                "rate": _RATE,
                "refunded": {
                    **_COUNT,
                    "description": "of paid: refunded since (their money is not in the revenue)",
                },
            },
        },
        "top_ads": {
            "type": "array",
            "items": TOP_AD_SCHEMA,
            "description": "best lifetime CTR first, among ads with at least "
            f"{MIN_IMPRESSIONS_FOR_CTR} counted impressions",
        },
    },
}


def dashboard_json(board: Dashboard) -> dict:
    return {
        "generated_at": board.generated_at,
        "days": board.days,
        "since": board.series[0].day,
        "until": board.series[-1].day,
        "active_subscribers": board.active_subscribers,
        "revenue": board.revenue,
        "paid_checkouts": board.paid_checkouts,
        "series": [
            {"date": d.day, "paid_checkouts": d.paid_checkouts, "revenue": d.revenue}
            for d in board.series
        ],
        "conversion": {
            "started": board.conversion.started,
            "paid": board.conversion.paid,
            "rate": board.conversion.rate,
            "refunded": board.conversion.refunded,
        },
        "top_ads": [
            {
                "id": ad.id,
                "name": ad.name,
                "type": ad.type,
                "placement": ad.placement,
                "status": ad.status,
                "impressions": ad.impressions,
                "clicks": ad.clicks,
                "ctr": ad.ctr,
            }
            for ad in board.top_ads
        ],
    }


def renewals_json(f: renewal_figures.RenewalFigures) -> dict:
    return {
        "mrr": f.mrr,
        "automatic_members": f.automatic_members,
        "manual_members": f.manual_members,
        "renewals_paid": f.renewals_paid,
        "renewals_refused": f.renewals_refused,
        "churn": f.churn,
        "churned": f.churned,
        "active_30_days_ago": f.active_then,
        "past_due": f.past_due,
    }


class DashboardResource:
    """`zone`: the days of the window are local days (CREATORFLIX_TIMEZONE)."""

    def __init__(self, uow: UnitOfWorkFactory, clock: Clock, zone: ZoneInfo):
        self.uow, self.clock, self.zone = uow, clock, zone

    def on_get(self, req: falcon.Request, resp: falcon.Response) -> None:
        figures = renewal_figures.figures(self.uow, self.clock)
        resp.media = {
            **dashboard_json(admin_dashboard(self.uow, self.clock, zone=self.zone)),
            "renewals": renewals_json(figures),
        }


def routes(deps: Deps) -> list[Route]:
    return [
        Route(
            "/api/admin/dashboard",
            DashboardResource(deps.uow, deps.clock, ZoneInfo(deps.config.timezone)),
            (
                Operation(
                    "GET",
                    "Active subscribers, revenue and paid checkouts per day for the "
                    "last 30 local days, conversion of started checkouts, top ads by CTR",
                    ADMIN,
                    tags=("admin: dashboard",),
                    responses={200: DASHBOARD_SCHEMA},
                ),
            ),
        )
    ]
